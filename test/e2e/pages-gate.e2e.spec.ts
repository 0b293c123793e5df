import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

/**
 * Gate cameras in the pages, in Debian's Chromium: the lane console's "reads to confirm" filled live by a camera's
 * reads (unmatched, unsure, ambiguous), each checked in or dismissed in one click, a refusal said in the console's
 * words, a wrong-lane alert and the camera strip; and the admin registering a camera, its key shown once, a new key,
 * the camera removed, and the schedule's camera rules saved.
 */
const WAIT = { timeout: 15_000 };

describe('gate cameras (browser)', () => {
  const PORT = 'MOHAN';
  const ADMIN_PORT = 'HEKOU';
  const clock = portDayClock();
  let api: TestApi;
  let browser: Browser;
  let mekong: TestFirm;
  let lancang: TestFirm;
  let areaId: string;
  let exportLane: string;
  let seq = 0;
  const contexts: BrowserContext[] = [];

  const newPlate = () => `云K${randomBytes(2).toString('hex').toUpperCase()}${(seq += 1)}`;
  const device = (key: string) => ({ Authorization: `Device ${key}` });
  const read = async (key: string, body: Record<string, unknown>) =>
    (await api.http.post(`${API}/gate/reads`).set(device(key)).send(body).expect(202)).body as {
      readId: string;
      outcome: string;
      bookingId?: string;
    };
  const addDevice = async (port: string, body: Record<string, unknown>) =>
    (
      await api.http
        .post(`${API}/ports/${port}/devices`)
        .set(bearer(api.adminToken))
        .send({ name: `cam-${randomBytes(3).toString('hex')}`, ...body })
        .expect(201)
    ).body as { id: string; key: string; name: string };

  const book = async (firm: TestFirm, plate: string, hoursAhead = 0) => {
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, hoursAhead)).id,
        vehicleId: v.body.id,
        driverId: firm.driverIds[0],
        cargo: cargo(),
      })
      .expect(201);
    return { bookingId: b.body.id as string, reference: b.body.reference as string, plate: v.body.plate as string };
  };

  const status = async (id: string) =>
    ((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [id]))[0] as { status: string }).status;
  const readOf = async (id: string) =>
    (
      (await api.http.get(`${API}/ports/${PORT}/gate-reads?limit=100`).set(bearer(api.adminToken)).expect(200))
        .body as Array<{ id: string; resolution: string | null; resolvedAt: string | null; bookingId: string | null }>
    ).find((r) => r.id === id);

  /** A signed-in page at the API's instant (bypassCSP only so axe-core's script can be added). */
  const open = async (path: string, email: string, password: string, locale = 'en-GB') => {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, bypassCSP: true });
    contexts.push(context);
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}${path}`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('#login button[type=submit]');
    return { page, errors };
  };

  const staffConsole = async (locale?: string) => {
    const email = `lane-${randomBytes(3).toString('hex')}@port.example`;
    await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'staff-password' })
      .expect(201);
    const opened = await open('/staff', email, 'staff-password', locale);
    await opened.page.locator('#live.on').waitFor(WAIT);
    return opened;
  };

  const row = (page: Page, readId: string) => page.locator(`#gateReads [data-read="${readId}"]`);

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await api.worker(); // its relay sends gate:read, gate:alert and device:update to the consoles
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    mekong = await createFirm(api, 'Mekong Reefer Lines', 1);
    lancang = await createFirm(api, 'Lancang Haulage', 1);
    const port = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body as {
      lanes: Array<{ id: string; direction: string }>;
      parkingAreas: Array<{ id: string }>;
    };
    areaId = port.parkingAreas[0].id;
    exportLane = port.lanes.find((l) => l.direction === 'export')!.id;
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('lists unmatched, unsure and ambiguous reads live; one click checks a truck in or dismisses a read', async () => {
    const entry = await addDevice(PORT, { position: 'holding_entry', areaId });
    const { page, errors } = await staffConsole();
    // The camera strip: the port's cameras by name and place.
    await page.locator(`#gateDevices [data-device="${entry.id}"]`, { hasText: 'Holding area entry' }).waitFor(WAIT);

    const truck = await book(mekong, newPlate());
    const shared = newPlate();
    const mine = await book(mekong, shared);
    const theirs = await book(lancang, shared);
    const early = await book(mekong, newPlate(), 3);
    const stranger = newPlate();

    const unmatched = await read(entry.key, { plate: stranger, confidence: 0.95 });
    const unsure = await read(entry.key, { plate: truck.plate, confidence: 0.5 });
    const ambiguous = await read(entry.key, { plate: shared, confidence: 0.97 });
    const tooEarly = await read(entry.key, { plate: early.plate, confidence: 0.4 });
    expect([unmatched.outcome, unsure.outcome, ambiguous.outcome, tooEarly.outcome]).toEqual([
      'unmatched',
      'low_confidence',
      'ambiguous',
      'low_confidence',
    ]);

    // Live, without a reload: plate, outcome, camera and time.
    for (const r of [unmatched, unsure, ambiguous, tooEarly]) await row(page, r.readId).waitFor(WAIT);
    expect(await row(page, unmatched.readId).textContent()).toContain(stranger);
    expect(await row(page, unmatched.readId).textContent()).toContain('no booking');
    expect(await row(page, unsure.readId).textContent()).toContain('unsure read');
    expect(await row(page, unsure.readId).textContent()).toContain(entry.name);
    expect(await page.textContent('#gateTitle')).toBe('Reads to confirm (4)');
    expect(await seriousViolations(page)).toEqual([]);

    // The unsure read of a booked truck: checked in with one click; it leaves the list.
    expect(await status(truck.bookingId)).toBe('booked');
    await row(page, unsure.readId).locator('button[data-action=check_in]').click();
    await row(page, unsure.readId).waitFor({ state: 'detached', ...WAIT });
    await page.locator('#msg.ok', { hasText: truck.plate }).waitFor(WAIT);
    expect(await status(truck.bookingId)).toBe('checked_in');
    expect(await readOf(unsure.readId)).toMatchObject({ resolution: 'checked_in', bookingId: truck.bookingId });
    // ...and the console's queue has it.
    await page.locator(`#dirs [data-booking="${truck.bookingId}"]`).first().waitFor(WAIT);

    // The unmatched one: dismissed from the keyboard.
    await row(page, unmatched.readId).locator('button[data-action=dismiss]').press('Enter');
    await row(page, unmatched.readId).waitFor({ state: 'detached', ...WAIT });
    expect(await readOf(unmatched.readId)).toMatchObject({ resolution: 'dismissed', resolvedAt: expect.any(String) });

    // Ambiguous: Check in lists both firms' bookings; the officer picks one.
    await row(page, ambiguous.readId).locator('button[data-action=check_in]').click();
    const pick = row(page, ambiguous.readId).locator(`button.candidate[data-booking="${theirs.bookingId}"]`);
    await pick.waitFor(WAIT);
    expect(await row(page, ambiguous.readId).locator('button.candidate').count()).toBe(2);
    expect(await pick.innerText()).toContain('Lancang Haulage');
    await pick.click();
    await row(page, ambiguous.readId).waitFor({ state: 'detached', ...WAIT });
    expect([await status(theirs.bookingId), await status(mine.bookingId)]).toEqual(['checked_in', 'booked']);

    // A refusal in the console's words: the truck is hours early for its slot; the read stays to confirm.
    await row(page, tooEarly.readId).locator('button[data-action=check_in]').click();
    await page.locator('#msg.error', { hasText: 'too early for its slot' }).waitFor(WAIT);
    expect(await row(page, tooEarly.readId).count()).toBe(1);
    expect(await status(early.bookingId)).toBe('booked');
    expect(await page.textContent('#gateTitle')).toBe('Reads to confirm (1)');

    // Read again on a new console: only the open read is listed.
    const second = await staffConsole('zh-CN');
    await row(second.page, tooEarly.readId).waitFor(WAIT);
    expect(await second.page.locator('#gateReads [data-read]').count()).toBe(1);
    expect(await second.page.textContent('#gateTitle')).toBe('待确认的车牌识别（1）');
    expect([...errors, ...second.errors]).toEqual([]);
  });

  it('shows a lane camera seeing a truck not called to its lane as an alert, and the called one as at its lane', async () => {
    const lane = await addDevice(PORT, { position: 'lane', laneId: exportLane });
    const { page, errors } = await staffConsole();
    await page.locator(`#gateDevices [data-device="${lane.id}"]`).waitFor(WAIT);
    const plate = newPlate();
    const r = await read(lane.key, { plate, confidence: 0.99 });
    expect(r.outcome).toBe('wrong_lane');
    const alert = page.locator(`#gateAlerts [data-read="${r.readId}"]`);
    await alert.waitFor(WAIT);
    expect(await alert.innerText()).toContain(`${plate} is at`);
    expect(await page.locator('#gateAlerts').getAttribute('role')).toBe('alert');
    // Seen: it goes.
    await alert.locator('button').click();
    await alert.waitFor({ state: 'detached', ...WAIT });

    // The truck called to this lane, read there: its called row says it is at the lane (no deadline any more).
    const truck = await book(mekong, newPlate());
    await api.http
      .post(`${API}/ports/${PORT}/check-ins`)
      .set(bearer(api.adminToken))
      .send({ plate: truck.plate })
      .expect(201);
    await api.http
      .post(`${API}/ports/${PORT}/lanes/${exportLane}/status`)
      .set(bearer(api.adminToken))
      .send({ status: 'open' })
      .expect(200);
    // Earlier tests left trucks in the line: call until this one is on the lane.
    for (let called = ''; called !== truck.bookingId;) {
      const res = await api.http
        .post(`${API}/ports/${PORT}/lanes/${exportLane}/call-next`)
        .set(bearer(api.adminToken))
        .expect(200);
      called = res.body.bookingId as string;
    }
    const calledRow = page.locator(`.called-row[data-booking="${truck.bookingId}"]`);
    await calledRow.locator('.deadline').waitFor(WAIT);
    expect((await read(lane.key, { plate: truck.plate, confidence: 0.97 })).outcome).toBe('at_lane');
    await calledRow.locator('.at-lane', { hasText: 'at the lane since' }).waitFor(WAIT);
    expect(await calledRow.locator('.deadline').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("admin: registers a camera, its key shown once; a new key, the camera removed; the schedule's camera rules", async () => {
    const { page, errors } = await open('/admin', `admin-${api.redisPrefix}@kouan.test`, 'admin-password');
    await page.locator('#console').waitFor({ state: 'visible', ...WAIT });
    await page.selectOption('#port', ADMIN_PORT);
    await page.locator('#deviceList').getByText(/./).first().waitFor(WAIT);

    const name = `Entry camera ${randomBytes(2).toString('hex')}`;
    await page.fill('#deviceName', name);
    await page.selectOption('#devicePosition', 'holding_entry');
    expect(await page.locator('#deviceAreaBox').isVisible()).toBe(true);
    expect(await page.locator('#deviceLaneBox').isVisible()).toBe(false);
    await page.click('#deviceForm button[type=submit]');
    await page.locator('#deviceKeyValue').waitFor(WAIT);
    const key = (await page.textContent('#deviceKeyValue'))!;
    expect(key).toMatch(/^kgd_[A-Za-z0-9_-]{43}$/);
    expect(await page.textContent('#deviceKey')).toContain('will not be shown again');
    await page.locator('#deviceList td', { hasText: name }).waitFor(WAIT);
    expect(await seriousViolations(page)).toEqual([]);

    const listed = (
      (await api.http.get(`${API}/ports/${ADMIN_PORT}/devices`).set(bearer(api.adminToken)).expect(200)).body as Array<{
        id: string;
        name: string;
        position: string;
        areaId: string | null;
      }>
    ).find((d) => d.name === name)!;
    expect(listed).toMatchObject({ position: 'holding_entry', areaId: expect.any(String) });
    // The key works: the camera's read is taken.
    await read(key, { plate: newPlate(), confidence: 0.95 });

    // Shown once: after a reload the list has the camera, not its key.
    await page.reload();
    await page.locator('#deviceList td', { hasText: name }).waitFor(WAIT);
    expect(await page.locator('#deviceKey').isHidden()).toBe(true);
    expect(await page.content()).not.toContain(key);

    // A new key, once confirmed: the old one is refused from then on.
    const deviceRow = page.locator('#deviceList tr', { hasText: name });
    page.once('dialog', (d) => void d.accept());
    await deviceRow.locator('button', { hasText: 'New key' }).click();
    await page.locator('#deviceKeyValue').waitFor(WAIT);
    const newKey = (await page.textContent('#deviceKeyValue'))!;
    expect(newKey).not.toBe(key);
    await api.http.post(`${API}/gate/reads`).set(device(key)).send({ plate: newPlate(), confidence: 0.9 }).expect(401);
    await read(newKey, { plate: newPlate(), confidence: 0.95 });

    // Removed, once confirmed.
    page.once('dialog', (d) => void d.accept());
    await deviceRow.locator('button', { hasText: 'Remove' }).click();
    await deviceRow.waitFor({ state: 'detached', ...WAIT });
    await api.http
      .post(`${API}/gate/reads`)
      .set(device(newKey))
      .send({ plate: newPlate(), confidence: 0.9 })
      .expect(401);

    // The schedule's camera rules.
    await page.fill('#openFrom', OPENING_HOURS.openFrom);
    await page.fill('#openTo', OPENING_HOURS.openTo);
    await page.fill('#anprMinConfidence', '0.9');
    await page.fill('#dedupeSeconds', '60');
    await page.uncheck('#phoneCheckIn');
    await page.click('#scheduleSave');
    await page.locator('#msg', { hasText: 'Schedule saved' }).waitFor(WAIT);
    const schedule = (await api.http.get(`${API}/ports/${ADMIN_PORT}`).expect(200)).body.schedule;
    expect(schedule).toMatchObject({ anprMinConfidence: 0.9, dedupeSeconds: 60, phoneCheckIn: false });
    expect(await page.isChecked('#phoneCheckIn')).toBe(false);
    expect(errors).toEqual([]);
  });
});
