import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
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
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

/**
 * The yard console (/yard) in Debian's Chromium, in Chinese and English: a truck called at a lane (by port staff,
 * over HTTP) appears without a reload, Arrived takes it off the list, and axe finds no serious violation.
 */
const WAIT = { timeout: 15_000 };
const IMG = join(__dirname, '../../docs/img');

describe('yard console (browser)', () => {
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  let staff: string;
  let lane: string;
  let plateSeq = 0;
  const contexts: BrowserContext[] = [];
  const PORT = 'MOHAN';
  // The API, its worker and the browser at 10:00 port time: the slot holding "now" is open whatever the hour.
  const clock = portDayClock();

  const yardUser = async () => {
    const email = `yard-${randomBytes(3).toString('hex')}@port.example`;
    await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'yard-password', role: 'yard_staff' })
      .expect(201);
    return { email, password: 'yard-password' };
  };

  /** A truck booked on the slot of now and checked in at the gate. */
  const waitingTruck = async () => {
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
      .send({ slotId: (await slotAt(api, PORT)).id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    return { bookingId: b.body.id as string, plate: v.body.plate as string };
  };

  const openYard = async (locale: string) => {
    const user = await yardUser();
    // bypassCSP: only so axe-core's script can be added; the console itself runs under its CSP.
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 }, bypassCSP: true });
    contexts.push(context);
    // The page counts minutes since a call on its own clock: the API's.
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/yard`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('#login button[type=submit]');
    await page.locator('#live.on').waitFor(WAIT);
    return { page, errors };
  };

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    // The relay delivers booking events as yard:update.
    await api.worker();
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Yard Page Freight', 1);
    staff = await portStaffToken(api, PORT);
    lane = await laneOf(api, PORT);
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  for (const { locale, lang, arrived, title, eta, noLane, laneName } of [
    {
      locale: 'zh-CN',
      lang: 'zh-CN',
      arrived: '已到场',
      title: '堆场 · MOHAN',
      eta: /约 \d+ 分钟/,
      noLane: '无开放车道',
      laneName: '出境 1号车道',
    },
    {
      locale: 'en-US',
      lang: 'en',
      arrived: 'Arrived',
      title: 'Yard · MOHAN',
      eta: /~\d+ min/,
      noLane: 'no open lane',
      laneName: 'Export lane 1',
    },
  ]) {
    it(`${locale}: sees a call appear live, confirms the arrival, and has no serious axe violation`, async () => {
      const truck = await waitingTruck();
      const { page, errors } = await openYard(locale);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.locator('#title').innerText()).toBe(title);
      const next = page.locator('#dir-export table.next tr', { hasText: truck.plate });
      await next.waitFor(WAIT);
      expect(await next.locator('td.eta').innerText()).toMatch(eta);

      // A lane paused and opened again: the ETAs follow without a reload (no truck event announces it).
      const setLane = (status: string) =>
        api.http.post(`${API}/ports/${PORT}/lanes/${lane}/status`).set(bearer(staff)).send({ status }).expect(200);
      await setLane('paused');
      await page
        .locator('#dir-export table.next tr', { hasText: truck.plate })
        .locator('td.eta', { hasText: noLane })
        .waitFor(WAIT);
      await setLane('open');
      await next.locator('td.eta', { hasText: eta }).waitFor(WAIT);

      // Called at the lane by port staff: the truck appears without a reload, out of the next ones.
      expect(
        (await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200)).body
          .bookingId,
      ).toBe(truck.bookingId);
      const row = page.locator('#dir-export .called-row', { hasText: truck.plate });
      await row.waitFor(WAIT);
      expect(await row.innerText()).toContain(laneName);
      expect(await next.count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      // The README's screenshot, in English (CI's Chromium may have no Chinese fonts); written only when asked.
      if (lang === 'en' && process.env.UPDATE_SCREENSHOTS === '1')
        await page.screenshot({ path: join(IMG, 'yard.png'), fullPage: true });

      await row.getByRole('button', { name: arrived }).click();
      await row.waitFor({ state: 'detached', ...WAIT });
      const [b] = await api.ds.query('SELECT status, yard_arrived_at FROM bookings WHERE id = $1', [truck.bookingId]);
      expect(b.status).toBe('completed');
      expect(b.yard_arrived_at).not.toBeNull();
      // The row can go on the worker's yard:update before the page's own confirmation answers with the message.
      await page.locator('#msg.ok', { hasText: truck.plate }).waitFor(WAIT);
      expect(errors).toEqual([]);
    });
  }
});
