import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';

/**
 * The lane console (/staff) in Debian's Chromium, driven by playwright-core, as officers use it: in Chinese or
 * English, with timers, the truck's details, confirm-then-undo for no-show and lane close, keyboard shortcuts,
 * and two consoles kept in step by the socket.
 */
const IMG = join(__dirname, '..', '..', 'docs', 'img');
const WAIT = { timeout: 15_000 };
/** The console sends a confirmed no-show or lane close after 10 s without an undo. */
const UNDO_MS = 10_000;

describe('staff console (browser)', () => {
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  let plateSeq = 0;
  const contexts: BrowserContext[] = [];
  // The API, its worker and the consoles at 10:00 port time: the slot holding "now" is open and its check-in window
  // too, and tomorrow's forecast is of the API's tomorrow, whatever the hour the suite runs at.
  const clock = portDayClock();

  interface Truck {
    bookingId: string;
    reference: string;
    plate: string;
  }
  interface Staff {
    email: string;
    password: string;
    token: string;
  }

  const openPort = (port: string) =>
    putSchedule(api, port, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
      calledTimeoutMinutes: 15,
    });

  const book = async (port: string, load: Record<string, unknown> = {}): Promise<Truck> => {
    plateSeq += 1;
    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, port)).id,
        vehicleId: v.body.id,
        driverId: firm.driverIds[0],
        cargo: cargo(load),
      })
      .expect(201);
    return { bookingId: b.body.id, reference: b.body.reference, plate: v.body.plate };
  };

  const staffUser = async (port: string): Promise<Staff> => {
    const email = `staff-${randomBytes(3).toString('hex')}@port.example`;
    const res = await api.http
      .post(`${API}/ports/${port}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'staff-password' })
      .expect(201);
    return {
      email,
      password: 'staff-password',
      token: api.tokens.sign({ sub: res.body.id, role: 'port_staff', portCode: port }),
    };
  };

  const checkIn = (port: string, staff: Staff, plate: string) =>
    api.http.post(`${API}/ports/${port}/check-ins`).set(bearer(staff.token)).send({ plate }).expect(201);

  const status = async (id: string) =>
    ((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [id]))[0] as { status: string }).status;
  const laneStatus = async (id: string) =>
    ((await api.ds.query('SELECT status FROM lanes WHERE id = $1', [id]))[0] as { status: string }).status;

  /** A 1280×800 console signed in as `staff`, recording console errors; `locale` picks the browser's language. */
  const openConsole = async (staff: Staff, opts: BrowserContextOptions = {}) => {
    // bypassCSP: only so a11y() can add axe-core's script; the console itself runs under its CSP.
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 1280, height: 800 },
      bypassCSP: true,
      ...opts,
    });
    contexts.push(context);
    // The console's timers, deadlines and tomorrow are by its own clock: it starts at the API's.
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/staff`);
    await page.fill('#email', staff.email);
    await page.fill('#password', staff.password);
    await page.click('#login button[type=submit]');
    await page.locator('#live.on').waitFor(WAIT);
    return { page, context, errors };
  };

  const text = (page: Page, selector: string) => page.locator(selector).innerText();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Console Freight', 1);
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it("shows each truck's driver, phone, firm, cargo and green reason, the counts and mean wait, and calls with N", async () => {
    await openPort('MOHAN');
    const staff = await staffUser('MOHAN');
    const regular = await book('MOHAN');
    const green = await book('MOHAN', { description: 'Fresh lychees', perishable: true });
    await checkIn('MOHAN', staff, regular.plate);
    await checkIn('MOHAN', staff, green.plate);
    // They have waited 20 and 10 minutes: a mean of 15.
    await api.ds.query(
      `UPDATE bookings SET checked_in_at = $3::timestamptz - make_interval(mins => CASE WHEN id = $1 THEN 20 ELSE 10 END)
       WHERE id = ANY($2)`,
      [regular.bookingId, [regular.bookingId, green.bookingId], clock.now()],
    );
    const [driver] = (await api.ds.query('SELECT name, phone FROM drivers WHERE id = $1', [
      firm.driverIds[0],
    ])) as Array<{ name: string; phone: string }>;

    const { page, errors } = await openConsole(staff);
    const rows = page.locator('#dir-export table.waiting tbody tr');
    await rows.nth(1).waitFor(WAIT);
    expect(await text(page, '#dir-export .stats')).toBe('Waiting 2 · Called 0 · Mean wait 15 min');
    const greenRow = rows.filter({ hasText: green.plate });
    for (const shown of [
      driver.name,
      driver.phone,
      'Console Freight',
      'Fresh lychees',
      'Green: perishable cargo',
      '10 min',
    ]) {
      expect(await greenRow.innerText()).toContain(shown);
    }
    expect(await greenRow.locator('a.phone').getAttribute('href')).toBe(`tel:${driver.phone}`);
    expect(await rows.filter({ hasText: regular.plate }).innerText()).not.toContain('Green');
    expect(await text(page, '#tab-export')).toBe('Export · 2 waiting · 0 called');

    // N calls the head of the line on the first open lane of the direction shown.
    await page.keyboard.press('n');
    const called = page.locator('#dir-export .called-row', { hasText: regular.plate });
    await called.waitFor(WAIT);
    expect(await status(regular.bookingId)).toBe('called');
    for (const shown of [driver.name, driver.phone, 'Console Freight', 'Cassava chips', regular.reference])
      expect(await called.innerText()).toContain(shown);
    expect(await text(page, '#dir-export .stats')).toBe('Waiting 1 · Called 1 · Mean wait 10 min');

    // The timer ticks every second, next to the deadline (called + 15 min, in the port's time).
    const elapsed = called.locator('.elapsed');
    expect(await elapsed.innerText()).toMatch(/^called 0:0\d$/);
    const first = await elapsed.innerText();
    await until('the timer ticked', async () => (await elapsed.innerText()) !== first, 3000);
    expect(await called.locator('.deadline').innerText()).toMatch(/^deadline \d\d:\d\d · 1[45]:\d\d left$/);
    expect(await called.locator('.deadline.late').count()).toBe(0);

    // Past the deadline, it counts up in red.
    await api.ds.query(`UPDATE bookings SET called_at = $2::timestamptz - interval '16 minutes' WHERE id = $1`, [
      regular.bookingId,
      clock.now(),
    ]);
    await page.reload();
    const late = page.locator('#dir-export .called-row .deadline.late');
    await late.waitFor(WAIT);
    expect(await late.innerText()).toMatch(/^deadline \d\d:\d\d · over by 1:0\d$/);
    expect(
      await page.evaluate("getComputedStyle(document.querySelector('#dir-export .deadline.late')).backgroundColor"),
    ).toBe('rgb(164, 14, 0)');
    expect(await page.locator('#dir-export .called-row .elapsed').innerText()).toMatch(/^called 16:0\d$/);
    expect(errors).toEqual([]);
  });

  it('no-show and lane close: confirm, then 10 s to undo; nothing is sent before, and a second console follows live', async () => {
    await openPort('HEKOU');
    const [officer, colleague] = [await staffUser('HEKOU'), await staffUser('HEKOU')];
    const truck = await book('HEKOU');
    await checkIn('HEKOU', officer, truck.plate);
    const lane = await laneOf(api, 'HEKOU');
    const a = await openConsole(officer);
    const b = await openConsole(colleague);
    const calledIn = (p: Page) => p.locator('#dir-export .called-row', { hasText: truck.plate });
    const laneIn = (p: Page) => p.locator(`#dir-export .lane-card[data-lane="${lane}"]`);

    // A calls; B sees it without a reload.
    await laneIn(a.page).locator('button.call').click();
    await calledIn(b.page).waitFor(WAIT);

    // No-show asks first; Cancel (and Esc) take the question back.
    const row = calledIn(a.page);
    await row.locator('button.noshow').click();
    expect(await row.locator('.question').innerText()).toBe(`Mark ${truck.plate} as no-show?`);
    await a.page.keyboard.press('Escape');
    await row.locator('.question').waitFor({ state: 'detached', ...WAIT });

    // Confirmed, each waits 10 s with an Undo; both are undone (the lane with U), and after the 10 s nothing was sent.
    await row.locator('button.noshow').click();
    await row.locator('button.confirm').click();
    const undo = row.locator('button.undo');
    expect(await undo.innerText()).toMatch(/^Undo \((10|9) s\)$/);
    expect(await row.locator('button', { hasText: 'Complete' }).count()).toBe(0);
    await laneIn(a.page).locator('button[data-key^="close:"]').click();
    expect(await laneIn(a.page).locator('.question').innerText()).toBe('Close Export lane 1?');
    await laneIn(a.page).locator('button.confirm').click();
    await laneIn(a.page).locator('button.undo').waitFor(WAIT);
    await undo.click();
    expect(await text(a.page, '#msg')).toBe('Undone: nothing was sent.');
    await a.page.keyboard.press('u');
    await laneIn(a.page)
      .locator('button.undo')
      .waitFor({ state: 'detached', ...WAIT });
    await sleep(UNDO_MS + 1000);
    expect(await status(truck.bookingId)).toBe('called');
    expect(await laneStatus(lane)).toBe('open');
    expect(await row.locator('button', { hasText: 'Complete' }).count()).toBe(1);

    // Confirmed and left alone: sent when the 10 s have passed, not before; B follows when it is.
    await row.locator('button.noshow').click();
    // Real time on both sides: the 10 s the console waits, which the test clock does not change.
    const confirmedAt = Date.now();
    await row.locator('button.confirm').click();
    await laneIn(a.page).locator('button[data-key^="close:"]').click();
    await laneIn(a.page).locator('button.confirm').click();
    await sleep(UNDO_MS / 2);
    expect(await status(truck.bookingId)).toBe('called');
    expect(await laneStatus(lane)).toBe('open');
    expect(await calledIn(b.page).count()).toBe(1);
    await calledIn(b.page).waitFor({ state: 'detached', timeout: UNDO_MS + 5000 });
    expect(Date.now() - confirmedAt).toBeGreaterThanOrEqual(UNDO_MS);
    expect(await status(truck.bookingId)).toBe('no_show');
    await laneIn(b.page).locator('.pill.closed').waitFor(WAIT);
    expect(await laneStatus(lane)).toBe('closed');
    await calledIn(a.page).waitFor({ state: 'detached', ...WAIT });
    await a.page.locator('#msg.ok').waitFor(WAIT);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  }, 180_000);

  it('a no-show waiting for its undo is dropped, not sent, when another console completes the truck', async () => {
    await openPort('RUILI');
    const staff = await staffUser('RUILI');
    const truck = await book('RUILI');
    await checkIn('RUILI', staff, truck.plate);
    const { page, errors } = await openConsole(staff);
    // N calls on the console's first open lane: only once the console shows the truck waiting (on a loaded machine
    // the key could otherwise come before the lanes have loaded, and do nothing).
    await page.locator('#dir-export table.waiting tr', { hasText: truck.plate }).waitFor(WAIT);
    await page.keyboard.press('n');
    const row = page.locator('#dir-export .called-row', { hasText: truck.plate });
    await row.locator('button.noshow').click();
    await row.locator('button.confirm').click();
    await api.http.post(`${API}/bookings/${truck.bookingId}/complete`).set(bearer(staff.token)).expect(200);
    await page
      .locator('#msg.error', { hasText: `${truck.plate} is no longer called: the no-show was not sent.` })
      .waitFor(WAIT);
    await sleep(UNDO_MS + 1000);
    expect(await status(truck.bookingId)).toBe('completed');
    expect(errors).toEqual([]);
  });

  it('speaks Chinese to a Chinese browser, switches to English and remembers it; shortcuts stay quiet while typing', async () => {
    await openPort('TIANBAO');
    const staff = await staffUser('TIANBAO');
    const trucks = [
      await book('TIANBAO'),
      await book('TIANBAO', { description: 'Fresh lychees', perishable: true }),
      await book('TIANBAO'),
    ];
    for (const t of trucks) await checkIn('TIANBAO', staff, t.plate);
    const { page, errors } = await openConsole(staff, { locale: 'zh-CN' });
    await page.locator('#dir-export table.waiting tbody tr').nth(2).waitFor(WAIT);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await text(page, '#checkin button')).toBe('签到');
    expect(await text(page, '#tab-export')).toBe('出境 · 等待 3 · 已叫 0');
    expect(await text(page, '#keysTitle')).toBe('键盘快捷键');
    expect(await text(page, '#lang')).toBe('English');

    // Typing n in the plate box is typing, not a call; / goes to that box from anywhere else.
    await page.locator('#dir-export h2').click();
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement.id')).toBe('plate');
    await page.keyboard.type('n');
    expect(await page.inputValue('#plate')).toBe('n');
    await page.fill('#plate', '');
    await page.locator('#dir-export h2').click();
    await page.keyboard.press('n');
    const called = page.locator('#dir-export .called-row', { hasText: trucks[0].plate });
    await called.waitFor(WAIT);
    expect(await status(trucks[1].bookingId)).toBe('checked_in');
    // The row comes by socket; the message once the console's own call-next answers.
    await page.locator('#msg.ok', { hasText: `已叫 ${trucks[0].plate}` }).waitFor(WAIT);
    expect(await called.locator('.elapsed').innerText()).toMatch(/^已叫 0:0\d$/);
    await a11y(page);

    // The message shown is said again in the new language; the choice outlives a reload.
    await page.click('#lang');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(page, '#checkin button')).toBe('Check in');
    expect(await text(page, '#msg')).toContain(`Called ${trucks[0].plate}`);
    expect(await called.locator('.elapsed').innerText()).toMatch(/^called 0:\d\d$/);
    // In English: Debian's Chromium in CI has no Chinese fonts, and a screenshot of boxes shows nothing.
    await screenshot(page, 'staff.png');
    await page.reload();
    await page.locator('#dir-export .called-row').waitFor(WAIT);
    expect(await text(page, '#tab-export')).toBe('Export · 2 waiting · 1 called');
    await page.keyboard.press('l');
    expect(await text(page, '#tab-export')).toBe('出境 · 等待 2 · 已叫 1');
    await a11y(page);
    expect(errors).toEqual([]);
  });

  it("shows tomorrow's forecast: the booked hours, the expected arrivals and a short hour marked in words, in Chinese and English", async () => {
    const PORT = 'WANDING';
    await openPort(PORT);
    const staff = await staffUser(PORT);
    const tomorrow = DateTime.fromJSDate(clock.now()).setZone('Asia/Shanghai').plus({ days: 1 }).toISODate() as string;
    const slot = (await slotsOf(api, PORT, tomorrow)).find((s) => s.startsAt.slice(11, 16) === '10:00')!.id;
    for (let i = 0; i < 11; i++) {
      plateSeq += 1;
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate: `云K${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`, country: 'CN' })
        .expect(201);
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
        .expect(201);
    }
    const { page, errors } = await openConsole(staff, { locale: 'zh-CN' });
    const row = (hour: string) => page.locator(`#forecast tr[data-hour="${hour}"][data-dir="export"]`);
    await row('10:00').waitFor(WAIT);
    // No history: the default show-up 0.92, 0.75 the hour before the slot and 0.25 its first hour; 8 min a truck, 1 lane.
    // 09:00: 11 × 0.92 × 0.75 = 7.59 → ceil(7.59 × 8 / 60) = 2 lanes, short; 10:00: 11 × 0.92 × 0.25 = 2.53 → 1.
    expect(await text(page, '#forecastTitle')).toBe(`明日预测 · ${tomorrow}`);
    expect(await page.locator('#forecast tbody tr').count()).toBe(2);
    expect(await row('09:00').locator('td').allInnerTexts()).toEqual(['出境', '0', '7.6', '2 / 1', '⚠ 车道不足']);
    expect(await row('10:00').locator('td').allInnerTexts()).toEqual(['出境', '11', '2.5', '1 / 1', '']);
    expect(await text(page, '#forecast .basis')).toContain('92');
    await a11y(page);
    await page.click('#lang');
    expect(await text(page, '#forecastTitle')).toBe(`Tomorrow's forecast · ${tomorrow}`);
    expect(await row('09:00').locator('td').allInnerTexts()).toEqual([
      'Export',
      '0',
      '7.6',
      '2 / 1',
      '⚠ Short of lanes',
    ]);
    expect(await page.locator('#forecast thead').textContent()).toContain('Expected arrivals');
    await a11y(page);
    expect(errors).toEqual([]);
  });

  it("lists the trucks its lanes let go until the yard confirms them, live from the yard's updates", async () => {
    const PORT_Y = 'WANDING'; // a port of its own: the other tests leave lanes closed and trucks behind
    await api.worker(); // its relay sends yard:update
    await openPort(PORT_Y);
    const staff = await staffUser(PORT_Y);
    const truck = await book(PORT_Y);
    await checkIn(PORT_Y, staff, truck.plate);
    const { page, errors } = await openConsole(staff);
    await page.locator(`#dir-export tr[data-booking="${truck.bookingId}"]`).waitFor(WAIT);
    expect(await page.locator('#dir-export ul.to-yard').count()).toBe(0);

    const lane = await laneOf(api, PORT_Y);
    expect(
      (await api.http.post(`${API}/ports/${PORT_Y}/lanes/${lane}/call-next`).set(bearer(staff.token)).expect(200)).body
        .bookingId,
    ).toBe(truck.bookingId);
    await api.http.post(`${API}/bookings/${truck.bookingId}/complete`).set(bearer(staff.token)).expect(200);
    // Gone from the called list, and on its way to the yard.
    const going = page.locator(`#dir-export ul.to-yard li[data-booking="${truck.bookingId}"]`);
    await going.waitFor(WAIT);
    await page.locator('#dir-export .called-row').waitFor({ ...WAIT, state: 'detached' });
    expect(await page.locator('#dir-export ul.to-yard').locator('xpath=preceding-sibling::h3[1]').innerText()).toBe(
      'To the yard (1)',
    );
    expect(await going.innerText()).toMatch(
      new RegExp(`^${truck.plate} left Export lane 1 at \\d\\d:\\d\\d · 0 min since the call$`),
    );
    await a11y(page);

    const yard = await portStaffToken(api, PORT_Y, 'yard_staff');
    await api.http.post(`${API}/bookings/${truck.bookingId}/yard-arrival`).set(bearer(yard)).expect(200);
    await going.waitFor({ ...WAIT, state: 'detached' });
    expect(await page.locator('#dir-export ul.to-yard').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  /** The README's screenshot: written to docs/img only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
  async function screenshot(page: Page, name: string) {
    const png = await page.screenshot(process.env.UPDATE_SCREENSHOTS === '1' ? { path: join(IMG, name) } : {});
    expect(png.length).toBeGreaterThan(5_000);
  }

  /** No serious or critical accessibility violation (axe-core): names, labels, contrast, language, ids. */
  async function a11y(page: Page) {
    expect(await seriousViolations(page)).toEqual([]);
  }
});
