import { join } from 'node:path';
import qrcode from 'qrcode-generator';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { qrPath } from '../../apps/api/src/pages/firm/qr';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDate,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

const IMG = join(__dirname, '..', '..', 'docs', 'img');
const WAIT = { timeout: 15_000 };
const PORT = 'HEKOU';

/** A signed-in session of `accessToken` in the page's storage, as a login leaves it. */
const storeSession = (accessToken: string, now: Date) => {
  const session = { accessToken, refreshToken: '', expiresAt: new Date(now.getTime() + 15 * 60_000).toISOString() };
  return `localStorage.setItem('kouan.firm.session', ${JSON.stringify(JSON.stringify(session))})`;
};

/** How far the page reaches sideways: more than the viewport's 360 px is a phone scrolling the whole page. */
const width = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/**
 * The firm page's dispatcher's day (today's and tomorrow's trucks with place, ETA, fees, declaration, the firm's
 * strikes), fees before booking, reschedule to another day, every word in Chinese, a phone's 360 px; and handing a
 * code to the driver: by text, on a printed slip with a QR code, or a copied link, each of which signs in.
 */
describe('firm page: the dispatcher’s day and handing the code to the driver (browser)', () => {
  // Tomorrow at 10:00 at the port, for the API and the browser alike: "today" is that day, whatever the real hour.
  const clock = portDayClock('10:00:00');
  const today = portDate(1);
  const tomorrow = portDate(2);
  const later = portDate(4);
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  const ids: Record<string, { id: string; reference: string; driverCode: string }> = {};

  const atClock = async (context: BrowserContext) => {
    await context.clock.install({ time: clock.now() });
    return context;
  };
  const slotOf = async (date: string, hhmm: string) =>
    (await slotsOf(api, PORT, date)).find((s) => s.startsAt.slice(11, 16) === hhmm)!;
  const book = async (name: string, date: string, hhmm: string, i: number, weightKg = 20000) => {
    const res = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotOf(date, hhmm)).id,
        vehicleId: firm.vehicleIds[i],
        driverId: firm.driverIds[i],
        cargo: cargo({ weightKg }),
      })
      .expect(201);
    ids[name] = res.body;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 10, import: 10 }, firmQuotaPercent: 100 });
    await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({
        effectiveFrom: today,
        currency: 'CNY',
        items: [
          { code: 'entry', name: { zh: '入境费', en: 'Entry' }, amount: 100, unit: 'per_truck' },
          { code: 'weigh', name: { zh: '过磅费', en: 'Weighing' }, amount: 2, unit: 'per_tonne' },
        ],
      })
      .expect(201);
    firm = await createFirm(api, 'Day Haulage', 4);
    await api.ds.query('UPDATE vehicles SET reefer = true WHERE id = $1', [firm.vehicleIds[3]]);
    await book('waiting', today, '10:00', 0);
    await book('declared', today, '12:00', 1, 25000);
    await book('tomorrow', tomorrow, '09:00', 2);
    const staff = await portStaffToken(api, PORT);
    const [{ plate }] = await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[0]]);
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    await api.http
      .put(`${API}/bookings/${ids.declared.id}/declaration`)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: '530120261206000123' })
      .expect(200);
    await api.http
      .post(`${API}/bookings/${ids.declared.id}/declaration/status`)
      .set(bearer(staff))
      .send({ status: 'accepted' })
      .expect(200);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const open = async (context: BrowserContext, token: string) => {
    const page = await context.newPage();
    await page.goto(`${api.url}/firm`);
    await page.evaluate(storeSession(token, clock.now()));
    await page.reload();
    return page;
  };

  it('in Chinese at 360 px: the day with places, fees, declarations and strikes; fees before booking; a move to another day', async () => {
    const context = await atClock(
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 }, bypassCSP: true }),
    );
    try {
      const page = await open(context, firm.adminToken);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      // The firm's standing: its strikes of 30 days against the port's limit.
      await page.locator('#standing', { hasText: '违约' }).waitFor(WAIT);
      expect(await page.locator('#standing').innerText()).toMatch(/0/);

      // Today's and tomorrow's trucks in one view.
      await page.click('#dayBtn');
      const row = (name: string) => page.locator(`#list tr[data-booking="${ids[name].id}"]`);
      await row('waiting').locator('.queue', { hasText: '#1' }).waitFor(WAIT);
      await row('tomorrow').waitFor(WAIT);
      expect(await page.locator('#list h2').allInnerTexts()).toEqual([`今天 ${today}`, `明天 ${tomorrow}`]);
      // Port names, directions, declaration states and fees in Chinese.
      expect(await row('declared').locator('.port').innerText()).toBe('河口公路口岸 · 出境');
      expect(await row('declared').locator('.decl').innerText()).toBe('报关：已放行');
      expect(await row('tomorrow').locator('.decl').innerText()).toBe('报关：未申报');
      // 100 per truck + 2 per tonne × 25 t.
      expect(await row('declared').locator('.fees').innerText()).toBe('费用 CNY 150.00');
      expect(await page.locator('#list').innerText()).not.toMatch(/\b(export|import|min|free)\b/);

      // The webhooks panel in Chinese.
      expect(await page.locator('#hEvents legend').innerText()).toBe('事件');
      await page.locator('#hookList', { hasText: '暂无 Webhook' }).waitFor(WAIT);

      // Fees before booking, for the slot's day and the weight typed; a reefer says so in Chinese.
      await page.click('#newBtn');
      await page.locator(`#nPort option[value="${PORT}"]`).waitFor({ state: 'attached', ...WAIT });
      await page.selectOption('#nPort', PORT);
      await page.dispatchEvent('#nPort', 'change');
      expect(await page.locator('#nDir option').allInnerTexts()).toEqual(['出境', '入境']);
      expect(await page.locator('#nPort option:checked').innerText()).toBe('河口公路口岸');
      expect(await page.locator('#nVehicle option').allInnerTexts()).toContainEqual(expect.stringMatching(/（冷藏）$/));
      await page
        .locator('#nSlot option')
        .first()
        .waitFor({ state: 'attached', ...WAIT });
      await page.fill('#nKg', '40000');
      await page.locator('#nFees', { hasText: 'CNY 180.00' }).waitFor(WAIT);
      expect(await page.locator('#nFees').innerText()).toMatch(/^费用/);
      expect(await width(page)).toBeLessThanOrEqual(360);
      await page.click('#newBtn');

      // Reschedule tomorrow's truck to a day further on: the day is picked, then its slot.
      await row('tomorrow').locator('button[data-act="reschedule"]').click();
      await row('tomorrow').locator('input[type="date"]').fill(later);
      const target = await slotOf(later, '14:00');
      await row('tomorrow')
        .locator(`select option[value="${target.id}"]`)
        .waitFor({ state: 'attached', ...WAIT });
      expect(await row('tomorrow').locator('select option').first().innerText()).toMatch(/空余/);
      await row('tomorrow').locator('select').selectOption(target.id);
      await row('tomorrow').locator('button', { hasText: '改到此时段' }).click();
      await page.locator('#msg.ok', { hasText: '已改到' }).waitFor(WAIT);
      const moved = await api.http
        .get(`${API}/bookings/${ids.tomorrow.id}`)
        .set(bearer(firm.dispatcherToken))
        .expect(200);
      expect(moved.body.slotId).toBe(target.id);

      // A new code: the message with the driver's link, the panel with the sign-in link, a webhook's long URL.
      await row('declared').locator('button[data-act="code"]').click();
      await page.locator('#msg.ok', { hasText: '新司机码' }).waitFor(WAIT);
      await page.locator(`.handoff[data-booking="${ids.declared.id}"] .link`).waitFor(WAIT);
      await page.fill('#hUrl', 'https://dispatch.day-haulage.example/kouan/webhooks/receiver/booking-events');
      await page.click('#hookForm button[type=submit]');
      await page.locator('#hookList .hook').waitFor(WAIT);
      expect(await width(page)).toBeLessThanOrEqual(360);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('hands the code to the driver: a text, a printed slip whose QR code signs in, a copied link; re-issuing offers the same', async () => {
    const context = await atClock(
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, bypassCSP: true }),
    );
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    // The print dialog would block a headless page: counted instead.
    await context.addInitScript('window.print = () => { window.__printed = (window.__printed || 0) + 1; }');
    // Tomorrow's truck of the first test has moved on: another, a reefer, for the view (and its screenshot).
    await book('reefer', tomorrow, '11:00', 3);
    try {
      const page = await open(context, firm.dispatcherToken);
      await page.click('#dayBtn');
      const row = page.locator(`#list tr[data-booking="${ids.declared.id}"]`);
      await row.waitFor(WAIT);
      await page.locator(`#list tr[data-booking="${ids.waiting.id}"] .queue`, { hasText: '#1' }).waitFor(WAIT);
      await page.locator('#standing').waitFor(WAIT);
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        // In English: the machines that make the screenshots may lack Chinese fonts.
        await page.click('#langBtn');
        await page.locator('#list h2', { hasText: 'Today' }).waitFor(WAIT);
        await page.screenshot({ path: join(IMG, 'dispatcher-day.png') });
        await page.click('#langBtn');
      }

      // By text: the driver's phone gets a new code and its link.
      await row.locator('button[data-act="hand"]').click();
      const hand = page.locator(`.handoff[data-booking="${ids.declared.id}"]`);
      await hand.locator('button[data-hand="sms"]').click();
      await page.locator('#msg.ok', { hasText: '短信' }).waitFor(WAIT);
      const texted = await hand.locator('.code').innerText();
      const [{ text }] = await api.ds.query(
        `SELECT payload ->> 'text' AS text FROM notifications WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code'`,
        [ids.declared.id],
      );
      expect(text).toContain(`#r=${ids.declared.reference}&c=${texted}`);

      // A printed slip with the code the panel holds: reference, code, and a QR code of the link that signs in.
      await hand.locator('button[data-hand="print"]').click();
      await page.waitForFunction('window.__printed === 1', null, WAIT);
      const link = `${api.url}/d#r=${ids.declared.reference}&c=${texted}`;
      expect(await page.locator('#slip .link').innerText()).toBe(link);
      expect(await page.locator('#slip .ref').innerText()).toContain(ids.declared.reference);
      expect(await page.locator('#slip .code').innerText()).toBe(texted);
      const qr = qrcode(0, 'M');
      qr.addData(link);
      qr.make();
      expect(await page.locator('#slip svg path').getAttribute('d')).toBe(qrPath(qr));
      // On paper only the slip shows.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#slip').isVisible()).toBe(true);
      expect(await page.locator('#dash').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });
      expect(await page.locator('#slip').isVisible()).toBe(false);

      // The copied link is the slip's; opening it signs the driver in, and takes the code off the address.
      await hand.locator('button[data-hand="copy"]').click();
      await page.locator('#msg.ok', { hasText: '已复制' }).waitFor(WAIT);
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(link);
      const driver = await context.newPage();
      await driver.goto(link);
      await driver.locator('#login').waitFor({ state: 'hidden', ...WAIT });
      expect(driver.url()).not.toContain(texted);

      // Re-issuing a code offers the same three.
      await row.locator('button[data-act="code"]').click();
      await page.locator('#msg.ok', { hasText: '新司机码' }).waitFor(WAIT);
      expect(await hand.locator('button[data-hand]').count()).toBe(3);
      expect(await hand.locator('.code').innerText()).not.toBe(texted);
      await api.http
        .post(`${API}/driver/session`)
        .send({ reference: ids.declared.reference, driverCode: texted })
        .expect(401);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
