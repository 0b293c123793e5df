import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

const IMG = join(__dirname, '..', '..', 'docs', 'img');
const WAIT = { timeout: 15_000 };

/**
 * A script storing a signed-in session of `accessToken` (as a login leaves it), so the dashboard opens signed in. The
 * test's token has no refresh token: the dashboard renews only near expiry, after these tests are over.
 */
const storeSession = (accessToken: string, now: Date) => {
  const session = { accessToken, refreshToken: '', expiresAt: new Date(now.getTime() + 15 * 60_000).toISOString() };
  return `localStorage.setItem('kouan.firm.session', ${JSON.stringify(JSON.stringify(session))})`;
};

/**
 * The firm dashboard in Chinese: the places of its waiting trucks on opening, a reschedule, a new driver code with
 * a link that opens the driver page with the reference filled in.
 */
describe('firm dashboard (browser)', () => {
  const PORT = 'HEKOU';
  // The API and the browser both at 10:00 port time, running: "the later booking of the day" is on the same day
  // and the ports' ordinary hours have slots left whatever the hour the suite runs at (after 22:00 China time, two
  // hours ahead was tomorrow).
  const clock = portDayClock();
  const atClock = async (context: BrowserContext) => {
    await context.clock.install({ time: clock.now() });
    return context;
  };
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Red River Reefers', 2);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it("shows waiting trucks' places on opening, reschedules, and re-issues a code with a link for the driver, in Chinese", async () => {
    const staff = await portStaffToken(api, PORT);
    const waiting = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT)).id,
        vehicleId: firm.vehicleIds[0],
        driverId: firm.driverIds[0],
        cargo: cargo(),
      })
      .expect(201);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[0]]))[0]
      .plate as string;
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    const later = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, 2)).id,
        vehicleId: firm.vehicleIds[1],
        driverId: firm.driverIds[1],
        cargo: cargo(),
      })
      .expect(201);

    const context = await atClock(
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 1100, height: 900 }, bypassCSP: true }),
    );
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // The dashboard opens with a token already stored (as after a login).
      await page.goto(`${api.url}/firm`);
      await page.evaluate(storeSession(firm.dispatcherToken, clock.now()));
      await page.reload();

      // In Chinese, and the waiting truck's place is there at once, before any change.
      const row = page.locator(`tr[data-booking="${waiting.body.id}"]`);
      await row.locator('.queue', { hasText: '#1' }).waitFor(WAIT);
      expect(await page.locator('thead th').first().innerText()).toBe('预约号');
      expect(await row.locator('.st').innerText()).toBe('已签到');

      // Reschedule the later booking to another free slot of that day.
      const laterRow = page.locator(`tr[data-booking="${later.body.id}"]`);
      await laterRow.locator('button[data-act="reschedule"]').click();
      const select = laterRow.locator('select');
      await select.waitFor(WAIT);
      const target = await select.locator('option').nth(1).getAttribute('value');
      await select.selectOption(target as string);
      await laterRow.locator('button', { hasText: '改到此时段' }).click();
      await page.locator('#msg.ok', { hasText: '已改到' }).waitFor(WAIT);
      const moved = await api.http
        .get(`${API}/bookings/${later.body.id}`)
        .set(bearer(firm.dispatcherToken))
        .expect(200);
      expect(moved.body.slotId).toBe(target);

      // A new driver code, and a link that opens the driver page with the reference filled in.
      await page.locator(`tr[data-booking="${later.body.id}"] button[data-act="code"]`).click();
      const msg = await page.locator('#msg.ok', { hasText: '新司机码' }).innerText(WAIT);
      const [, code] = /: (\d{6}) —/.exec(msg) ?? [];
      const link = /(http\S+\/d\?ref=\S+)/.exec(msg)?.[1] as string;
      await api.http
        .post(`${API}/driver/session`)
        .send({ reference: later.body.reference, driverCode: code })
        .expect(200);
      await api.http
        .post(`${API}/driver/session`)
        .send({ reference: later.body.reference, driverCode: later.body.driverCode })
        .expect(401);
      const driverPage = await context.newPage();
      await driverPage.goto(link);
      expect(await driverPage.locator('#reference').inputValue()).toBe(later.body.reference);

      // The new-booking form offers only slots this firm may still book (its share, not only the free places), on
      // this test's port.
      await page.evaluate(`localStorage.setItem('kouan.firm.port', JSON.stringify(${JSON.stringify(PORT)}))`);
      await page.click('#newBtn');
      await page.locator(`#nPort option[value="${PORT}"]`).waitFor({ state: 'attached', ...WAIT });
      expect(await page.inputValue('#nPort')).toBe(PORT);
      await page
        .locator('#nSlot option')
        .first()
        .waitFor({ state: 'attached', ...WAIT });
      expect(await page.locator('#nSlot option').first().innerText()).toMatch(/空余/);

      // Vehicles and drivers: added from the page, edited in place.
      await page.fill('#vPlate', '云K88T99');
      await page.click('#vehicleForm button[type=submit]');
      await page.locator('#vehicleList td', { hasText: '云K88T99' }).waitFor(WAIT);
      await page.fill('#dName', 'Bounmy Keo');
      await page.fill('#dPhone', '+856 20 5551 2345');
      await page.fill('#dLicence', 'LA-99-1');
      await page.selectOption('#dLang', 'lo');
      await page.click('#driverForm button[type=submit]');
      const driverRow = page.locator('#driverList tr', { hasText: 'Bounmy Keo' });
      await driverRow.waitFor(WAIT);
      await driverRow.locator('button').click();
      await page.locator('#driverList select[data-field="language"]').selectOption('vi');
      await page.locator('#driverList button', { hasText: '保存' }).click();
      // Saved once the row is text again (while editing, its select also offers 'Tiếng Việt').
      await page.locator('#driverList select').waitFor({ state: 'detached', ...WAIT });
      await page.locator('#driverList tr', { hasText: 'Tiếng Việt' }).waitFor(WAIT);
      const [saved] = await api.ds.query(`SELECT phone, language FROM drivers WHERE name = 'Bounmy Keo'`);
      expect(saved).toEqual({ phone: '+8562055512345', language: 'vi' });

      if (process.env.UPDATE_SCREENSHOTS === '1')
        await page.screenshot({ path: join(IMG, 'firm.png'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);

      // Switch to English and back.
      await page.click('#langBtn');
      expect(await page.locator('thead th').first().textContent()).toBe('Reference');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("a dispatcher books from the form, and another firm's dispatcher with the form open sees the places drop", async () => {
    await putSchedule(api, 'JINSHUIHE', {
      ...OPENING_HOURS,
      capacity: { export: 2, import: 2 },
      firmQuotaPercent: 100,
    });
    const slot = await slotAt(api, 'JINSHUIHE', 6);
    const rival = await createFirm(api, 'Rival Haulage', 1);
    const contexts = [
      await atClock(await browser.newContext({ locale: 'en-US' })),
      await atClock(await browser.newContext({ locale: 'en-US' })),
    ];
    try {
      /** A dashboard signed in as `token`, with the booking form open on the slot's port, direction and day. */
      const formOpen = async (i: number, token: string) => {
        const page = await contexts[i].newPage();
        await page.goto(`${api.url}/firm`);
        await page.evaluate(storeSession(token, clock.now()));
        await page.reload();
        await page.click('#newBtn');
        await page.locator('#nPort option[value="JINSHUIHE"]').waitFor({ state: 'attached', ...WAIT });
        await page.selectOption('#nPort', 'JINSHUIHE');
        await page.fill('#nDate', slot.startsAt.slice(0, 10));
        await page.dispatchEvent('#nDate', 'change');
        await page
          .locator(`#nSlot option[value="${slot.id}"]`)
          .filter({ hasText: '2 free' })
          .waitFor({ state: 'attached', ...WAIT });
        return page;
      };
      const booking = await formOpen(0, firm.dispatcherToken);
      const watching = await formOpen(1, rival.dispatcherToken);

      await booking.selectOption('#nSlot', slot.id);
      await booking.fill('#nDesc', 'Rubber sheets');
      await booking.fill('#nHs', '400121');
      await booking.fill('#nKg', '21000');
      await booking.click('#newForm button[type=submit]');
      const said = await booking.locator('#msg.ok', { hasText: 'Booked' }).innerText(WAIT);
      expect(said).toMatch(
        /Booked JINSHUIHE-\d{8}-\w{4} — give the driver this code \(shown once\): \d{6} · http\S+\/d\?ref=/,
      );

      const option = watching.locator(`#nSlot option[value="${slot.id}"]`);
      await option.filter({ hasText: '1 free' }).waitFor({ state: 'attached', timeout: 15_000 });
      expect(await option.textContent()).toMatch(/\(1 free\)$/);
    } finally {
      for (const c of contexts) await c.close();
    }
  }, 60_000);

  it('GET /bookings/slots says how many places this firm may still book, within its share', async () => {
    await putSchedule(api, 'TIANBAO', {
      ...OPENING_HOURS,
      capacity: { export: 10, import: 10 },
      firmQuotaPercent: 20,
    });
    const slot = await slotAt(api, 'TIANBAO', 5);
    const date = slot.startsAt.slice(0, 10);
    const mine = async (token: string) =>
      (
        (
          await api.http
            .get(`${API}/bookings/slots`)
            .query({ port: 'TIANBAO', date, direction: 'export' })
            .set(bearer(token))
            .expect(200)
        ).body as Array<{ id: string; availableToYou: number; quota: number; held: number; available: number }>
      ).find((s) => s.id === slot.id)!;
    expect(await mine(firm.dispatcherToken)).toMatchObject({ quota: 2, held: 0, availableToYou: 2, available: 10 });
    const other = await createFirm(api, 'Quota Neighbour', 1);
    await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[1], driverId: firm.driverIds[1], cargo: cargo() })
      .expect(201);
    expect(await mine(firm.dispatcherToken)).toMatchObject({ held: 2, availableToYou: 0, available: 8 });
    expect(await mine(other.dispatcherToken)).toMatchObject({ held: 0, availableToYou: 2 });
    await api.http
      .get(`${API}/bookings/slots`)
      .query({ port: 'NOWHERE', date, direction: 'export' })
      .set(bearer(firm.dispatcherToken))
      .expect(404);
    await api.http
      .get(`${API}/bookings/slots`)
      .query({ port: 'TIANBAO', date: 'soon' })
      .set(bearer(firm.dispatcherToken))
      .expect(400);
    await api.http.get(`${API}/bookings/slots`).query({ port: 'TIANBAO', date }).expect(401);
  });
});
