import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  createFirm,
  OPENING_HOURS,
  portDate,
  putSchedule,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { certainQueue } from '../support/certain-queue';
import { portTime, TestClock } from '../support/test-clock';

/**
 * The outlook in Chromium (issue 23 item 4): the lane console's card "Line clears ~11:36 (11:36–11:36) · with Export
 * lane 2 open now ~10:48" and the trucks at risk, on a queue whose rest of the day is certain (12 minutes a truck
 * measured with no spread, nobody booked still to come), then drawn again when a truck joins the line; /admin's
 * capacity suggestion for tomorrow; both in the officer's own language where the consoles speak only zh and en.
 */
describe('outlook in the consoles (browser)', () => {
  const PORT = 'MOHAN';
  const day = portDate(1);
  const clock = new TestClock().set(portTime(day, '10:00:00'));
  const WAIT = { timeout: 20_000 };
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  let staff: { email: string; password: string; token: string };

  let join: (i: number) => Promise<string>;

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 30, import: 30 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Outlook Card Freight', 21);
    staff = { email: `staff-${randomBytes(3).toString('hex')}@port.example`, password: 'staff-password', token: '' };
    const res = await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email: staff.email, password: staff.password })
      .expect(201);
    staff.token = api.tokens.sign({ sub: res.body.id, role: 'port_staff', portCode: PORT });
    // A second export lane, closed: the one the card offers to open.
    await api.ds.query(
      `INSERT INTO lanes (port_code, direction, name, status) VALUES ($1, 'export', 'export-2', 'closed')`,
      [PORT],
    );
    join = (await certainQueue(api, clock, firm, staff.token, PORT, day, 9)).join;
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('says when the line clears, with lane 2 open now, and the trucks at risk; drawn again as the line grows', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/staff`);
    await page.fill('#email', staff.email);
    await page.fill('#password', staff.password);
    await page.click('#login button[type=submit]');
    await page.locator('#live.on').waitFor(WAIT);

    await page.locator('#outlookTitle', { hasText: /^Rest of today · Export$/ }).waitFor(WAIT);
    // Nine waiting, 12 minutes each on one lane: the ninth is called at 11:36; on two lanes at 10:48.
    const line = page.locator('#outlookLine', {
      hasText: /^Line clears ~11:36 \(11:36–11:36\) · with Export lane 2 open now ~10:48$/,
    });
    await line.waitFor(WAIT);
    // The 10:00 slot's window closes at 11:30: the ninth truck misses it in every run.
    await page.locator('#outlookRisk li', { hasText: /·\*\*\*.* · window closes 11:30 · 100 %$/ }).waitFor(WAIT);
    expect(await page.locator('#outlookRisk li').count()).toBe(1);

    // A tenth truck joins the line: the card follows the queue's new version (11:48, two at risk).
    await join(19);
    await page
      .locator('#outlookLine', { hasText: /^Line clears ~11:48 \(11:48–11:48\) · with Export lane 2 open now ~10:48$/ })
      .waitFor(WAIT);
    await page.locator('h3', { hasText: /^Likely to miss their window: 2$/ }).waitFor(WAIT);
    expect(await page.locator('#outlookRisk li').count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("suggests tomorrow's capacity in /admin and puts it in the schedule form", async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/admin`);
    await page.fill('#email', `admin-${api.redisPrefix}@kouan.test`);
    await page.fill('#password', 'admin-password');
    await page.click('#login button[type=submit]');
    await page.locator('#console').waitFor({ state: 'visible', ...WAIT });
    await page.selectOption('#port', PORT);
    // The port's schedule is in the form once its lanes are listed (loadPort draws them after filling it).
    await page.locator('#laneList').getByText(/./).first().waitFor(WAIT);
    await page.click('#capacitySuggest');
    // Two export lanes (one closed today: tomorrow every lane is assumed open), today's 12 minutes, all come.
    const line = page.locator('#capacityOut li[data-direction="export"]', {
      hasText: /^Export: \d+ a slot \(now 30\) · 2 lanes open, 12 min a truck, 100 % come, 0 booked$/,
    });
    await line.waitFor(WAIT);
    const suggested = /^Export: (\d+) a slot/.exec(await line.innerText())![1];
    const { body } = await api.http
      .get(`${API}/ports/${PORT}/outlook/capacity`)
      .set(bearer(api.adminToken))
      .expect(200);
    expect(Number(suggested)).toBe(
      body.directions.find((d: { direction: string }) => d.direction === 'export').capacity,
    );
    await page.click('#capacityUse');
    expect(await page.locator('#capExport').inputValue()).toBe(suggested);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("speaks the officer's own language where the consoles cannot: the card in Vietnamese, the suggestion in Thai", async () => {
    const errors: string[] = [];
    const open = async (locale: string, path: string, email: string, password: string) => {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
      await context.clock.install({ time: clock.now() });
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${api.url}${path}`);
      await page.fill('#email', email);
      await page.fill('#password', password);
      await page.click('#login button[type=submit]');
      return { context, page };
    };
    // The lane console speaks Chinese and English: English for a Vietnamese browser, its outlook card Vietnamese.
    const staffPage = await open('vi-VN', '/staff', staff.email, staff.password);
    await staffPage.page.locator('#live.on').waitFor(WAIT);
    await staffPage.page.locator('#outlookTitle', { hasText: /^Phần còn lại của hôm nay · Xuất$/ }).waitFor(WAIT);
    await staffPage.page
      .locator('#outlookLine', { hasText: /^Hàng chờ hết lúc ~\d\d:\d\d \(.*\) · nếu mở Làn Xuất 2 ngay ~10:48$/ })
      .waitFor(WAIT);
    await staffPage.page
      .locator('#outlookRisk li', { hasText: / · hết hạn check-in 11:30 · 100 %$/ })
      .first()
      .waitFor(WAIT);
    expect(await staffPage.page.locator('#outlook').getAttribute('lang')).toBe('vi');
    expect(await staffPage.page.locator('html').getAttribute('lang')).toBe('en');
    await staffPage.context.close();
    // /admin for a Thai browser: the suggestion in Thai.
    const admin = await open('th-TH', '/admin', `admin-${api.redisPrefix}@kouan.test`, 'admin-password');
    await admin.page.locator('#console').waitFor({ state: 'visible', ...WAIT });
    await admin.page.selectOption('#port', PORT);
    await admin.page.locator('#laneList').getByText(/./).first().waitFor(WAIT);
    expect(await admin.page.locator('#capacitySuggest').innerText()).toBe('แนะนำความจุของวันพรุ่งนี้');
    await admin.page.click('#capacitySuggest');
    await admin.page
      .locator('#capacityOut li[data-direction="export"]', {
        hasText: /^ขาออก: \d+ คันต่อช่วงเวลา \(ปัจจุบัน 30\) · เปิด 2 ช่อง, 12 นาทีต่อคัน, มา 100 %, จองแล้ว 0 คัน$/,
      })
      .waitFor(WAIT);
    expect(await admin.page.locator('#capacityOut').getAttribute('lang')).toBe('th');
    expect(errors).toEqual([]);
    await admin.context.close();
  });
});
