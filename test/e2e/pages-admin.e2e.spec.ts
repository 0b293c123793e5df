import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
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
  portStaffToken,
  slotAt,
  startApi,
  TestApi,
} from '../support/harness';

const WAIT = { timeout: 15_000 };
const IMG = join(__dirname, '..', '..', 'docs', 'img');
const ADMIN_PASSWORD = 'admin-password';
/** A lane's and a holding area's names in each language drivers read (zh, en, lo, vi, my, th). */
const LANE_NAMES = { zh: '一号码头', en: 'Quay one', lo: 'ທ່າເຮືອ 1', vi: 'Bến 1', my: 'ဆိပ်ကမ်း ၁', th: 'ท่าเรือ 1' };
const AREA_NAMES = {
  zh: '关累码头停车场',
  en: 'Guanlei quay yard',
  lo: 'ບ່ອນຈອດທ່າເຮືອກວນເລີຍ',
  vi: 'Bãi chờ bến Quan Lũy',
  my: 'ကွမ်လေး ဆိပ်ကမ်း ကားရပ်နားရာ',
  th: 'ลานจอดท่าเรือกวนเหล่ย',
};
/** The focused element: its id, else its form's or section's id and its tag (a string: it runs in the page). */
const FOCUSED = `(() => {
  const a = document.activeElement;
  if (!a) return '';
  const box = a.closest('form,section');
  return a.id || (box ? box.id : '') + ':' + a.tagName;
})()`;

/**
 * The port admin's console (/admin) in Debian's Chromium: a port with nothing of its own (a water port the seed gives
 * no lanes, schedule, holding area or fees) set up entirely in the browser — a firm and its admin, a staff account,
 * the schedule, a lane, a holding area, fees — then the firm books (API, as the firm's new admin), and the new staff
 * account checks the truck in and calls it on the new lane. Then axe on every section, the main actions by keyboard,
 * a phone's 360 px with nothing wider, and the Chinese words.
 */
describe('admin console (browser)', () => {
  const PORT = 'GUANLEI';
  const clock = portDayClock();
  let api: TestApi;
  let browser: Browser;
  let adminEmail: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    adminEmail = `admin-${api.redisPrefix}@kouan.test`;
    // What the keyboard, phone and Chinese tests find listed whatever runs first: a firm, and staff of the port.
    await createFirm(api, 'Lancang Barge Co');
    await portStaffToken(api, PORT);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await api?.close();
  });

  /** The console signed in as the port admin, at the API's instant, on `PORT`. */
  const openAdmin = async (locale: string, viewport = { width: 1280, height: 900 }) => {
    // bypassCSP: only so axe-core's script can be added; the console itself runs under its CSP.
    const context = await browser.newContext({ locale, viewport, bypassCSP: true });
    await context.clock.install({ time: clock.now() });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/admin`);
    await page.fill('#email', adminEmail);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('#login button[type=submit]');
    await page.locator('#console').waitFor({ state: 'visible', ...WAIT });
    await page.selectOption('#port', PORT);
    await page.locator('#laneList').getByText(/./).first().waitFor(WAIT);
    await page.locator('#feeHistory').getByText(/./).first().waitFor(WAIT);
    return { page, errors };
  };

  const said = (page: Page, text: RegExp | string) => page.locator('#msg', { hasText: text }).waitFor(WAIT);

  it('sets up an empty port in the browser; the firm books, the new staff check the truck in and call it on the new lane', async () => {
    const before = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body;
    expect([before.lanes, before.parkingAreas, before.schedule]).toEqual([[], [], null]);
    await api.http.get(`${API}/ports/${PORT}/fees`).expect(404);

    const { page, errors } = await openAdmin('en-GB');
    const tag = randomBytes(3).toString('hex');

    // A firm, and its admin.
    await page.fill('#firmName', `Guanlei River Freight ${tag}`);
    await page.fill('#firmEmail', `ops-${tag}@river.example`);
    await page.click('#firmForm button[type=submit]');
    await said(page, 'created');
    const firmAdmin = { email: `boss-${tag}@river.example`, password: 'firm-admin-password' };
    await page.fill('#fuEmail', firmAdmin.email);
    await page.fill('#fuPassword', firmAdmin.password);
    await page.selectOption('#fuRole', 'firm_admin');
    await page.click('#firmUserForm button[type=submit]');
    await page.locator('#firmUsers td', { hasText: firmAdmin.email }).waitFor(WAIT);

    // Lane staff of this port.
    const staff = { email: `lane-${tag}@port.example`, password: 'lane-staff-password' };
    await page.selectOption('#accountRole', 'port_staff');
    await page.fill('#accountEmail', staff.email);
    await page.fill('#accountPassword', staff.password);
    await page.click('#accountForm button[type=submit]');
    await page.locator('#accountList td', { hasText: staff.email }).waitFor(WAIT);

    // The schedule: previewed, then saved.
    await page.fill('#openFrom', OPENING_HOURS.openFrom);
    await page.fill('#openTo', OPENING_HOURS.openTo);
    await page.fill('#capExport', '8');
    await page.click('#schedulePreview');
    await page.locator('#scheduleOut .slots span').first().waitFor(WAIT);
    expect(await page.locator('#scheduleOut .slots span').count()).toBe(12);
    await page.click('#scheduleSave');
    await said(page, 'Schedule saved');

    // A lane named in each drivers' language, opened, then renamed: its name, and its names (one dropped).
    await page.selectOption('#laneDir', 'export');
    await page.fill('#laneName', 'Quay 1');
    for (const [lang, text] of Object.entries(LANE_NAMES)) await page.fill(`#laneName-${lang}`, text);
    await page.click('#laneForm button[type=submit]');
    await said(page, 'Quay 1');
    const laneAdded = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes;
    expect(laneAdded).toEqual([expect.objectContaining({ name: 'Quay 1', names: LANE_NAMES })]);
    await page.selectOption('#laneList select', 'open');
    await said(page, 'Open');
    await page.click('#laneList button:has-text("Rename")');
    expect(await page.inputValue('#laneName-my')).toBe(LANE_NAMES.my);
    expect(await page.locator('#laneDir').isDisabled()).toBe(true);
    await page.fill('#laneName', 'Quay A');
    await page.fill('#laneName-vi', 'Bến A');
    await page.fill('#laneName-th', '');
    await page.click('#laneSave');
    await said(page, 'Lane Quay A saved');
    const { th: _dropped, ...renamed } = { ...LANE_NAMES, vi: 'Bến A' };
    await page.locator('#laneList td', { hasText: 'Quay A' }).waitFor(WAIT);
    expect(await page.inputValue('#laneName')).toBe('');

    // A holding area.
    await page.fill('#areaName', 'Guanlei quay yard');
    for (const [lang, text] of Object.entries(AREA_NAMES)) await page.fill(`#areaName-${lang}`, text);
    await page.fill('#areaLat', '21.62');
    await page.fill('#areaLon', '101.24');
    await page.fill('#areaRadius', '400');
    await page.fill('#areaBays', '12');
    await page.fill('#areaReefer', '2');
    await page.fill('#areaDirections-zh', '码头右转');
    await page.fill('#areaDirections-lo', 'ລ້ຽວຂວາຢູ່ທ່າເຮືອ');
    await page.click('#areaSave');
    await page.locator('#areaList td', { hasText: 'Guanlei quay yard' }).waitFor(WAIT);

    // Fees from today at the port: the two first rows (entry and handling), one changed; two rows added and the
    // last of them removed again; previewed (10 t, 25 t, 40 t and a 25 t reefer), then published.
    const today = clock.now().toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' });
    await page.fill('#feeFrom', today);
    const row = (i: number) => page.locator('#feeItems fieldset').nth(i);
    expect(await page.locator('#feeItems fieldset').count()).toBe(2);
    await row(0).locator('input[id^=feeAmount-]').fill('60');
    await page.click('#feeAdd');
    await page.click('#feeAdd');
    expect(await page.locator('#feeItems legend').allTextContents()).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4']);
    await row(2).locator('input[id^=feeCode-]').fill('inspection');
    await row(2).locator('input[id^=feeName-][id$=-zh]').fill('查验费');
    await row(2).locator('input[id^=feeName-][id$=-en]').fill('Inspection');
    await row(2).locator('input[id^=feeName-][id$=-lo]').fill('ຄ່າກວດກາ');
    await row(2).locator('input[id^=feeAmount-]').fill('120.5');
    await row(2).locator('select').selectOption('per_truck');
    await row(3).locator('input[id^=feeCode-]').fill('mistake');
    await row(3).getByRole('button', { name: 'Remove item 4' }).click();
    expect(await page.locator('#feeItems fieldset').count()).toBe(3);
    await page.click('#feePreview');
    await page.locator('#feeOut td').first().waitFor(WAIT);
    expect(await page.locator('#feeOut tbody tr').count()).toBe(4);
    await page.click('#feePublish');
    await page.locator('#feeHistory td', { hasText: today }).waitFor(WAIT);

    const after = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body;
    expect(after.schedule).toEqual(expect.objectContaining({ ...OPENING_HOURS, capacity: { export: 8, import: 6 } }));
    expect(after.lanes).toEqual([
      expect.objectContaining({ name: 'Quay A', names: renamed, direction: 'export', status: 'open' }),
    ]);
    expect(after.parkingAreas).toEqual([
      expect.objectContaining({
        name: 'Guanlei quay yard',
        names: AREA_NAMES,
        directions: { zh: '码头右转', lo: 'ລ້ຽວຂວາຢູ່ທ່າເຮືອ' },
        bays: 12,
        reeferBays: 2,
      }),
    ]);
    expect((await api.http.get(`${API}/ports/${PORT}/fees`).expect(200)).body).toEqual({
      version: expect.any(Number),
      effectiveFrom: today,
      currency: 'CNY',
      items: [
        { code: 'entry', name: { zh: '入场费', en: 'Entry' }, amount: 60, unit: 'per_truck' },
        { code: 'handling', name: { zh: '装卸费', en: 'Handling' }, amount: 2, unit: 'per_tonne' },
        {
          code: 'inspection',
          name: { zh: '查验费', en: 'Inspection', lo: 'ຄ່າກວດກາ' },
          amount: 120.5,
          unit: 'per_truck',
        },
      ],
    });
    await page.locator('#feeHistory td', { hasText: 'Inspection 120.5 per truck' }).waitFor(WAIT);
    // The form starts again from the version just published: its three rows.
    const codes = page.locator('#feeItems input[id^=feeCode-]');
    expect(await Promise.all((await codes.all()).map((c) => c.inputValue()))).toEqual([
      'entry',
      'handling',
      'inspection',
    ]);

    // The firm's new admin books a truck on the slot of now.
    const login = async (who: { email: string; password: string }) =>
      (await api.http.post(`${API}/auth/login`).send(who).expect(200)).body.accessToken as string;
    const firmToken = await login(firmAdmin);
    const plate = `云K${tag.slice(0, 4).toUpperCase()}`;
    const vehicle = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firmToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const driver = await api.http
      .post(`${API}/drivers`)
      .set(bearer(firmToken))
      .send({ name: 'Ai Lin', phone: '+8613800111222', licenceNo: 'YN-1', language: 'zh' })
      .expect(201);
    const booking = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firmToken))
      .send({
        slotId: (await slotAt(api, PORT)).id,
        vehicleId: vehicle.body.id,
        driverId: driver.body.id,
        cargo: cargo(),
      })
      .expect(201);

    // The new staff account checks it in and calls it on the new lane.
    const staffToken = await login(staff);
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staffToken)).send({ plate }).expect(201);
    const called = await api.http
      .post(`${API}/ports/${PORT}/lanes/${after.lanes[0].id}/call-next`)
      .set(bearer(staffToken))
      .expect(200);
    expect(called.body).toEqual(expect.objectContaining({ bookingId: booking.body.id }));

    // Every section drawn with data: axe, then the screenshot of the console.
    await page.reload();
    await page.locator('#firmList td').first().waitFor(WAIT);
    await page.locator('#areaList td').first().waitFor(WAIT);
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(IMG, 'admin.png') });
    }
    expect(errors).toEqual([]);
  });

  it('reaches every section and its main actions by keyboard, and axe finds nothing serious in the open panels', async () => {
    const { page } = await openAdmin('en-GB');
    await page.locator('#firmList td').first().waitFor(WAIT);
    // The firm's users and a reset password: the panels that open on demand.
    await page.locator('#firmList button', { hasText: 'Users' }).first().press('Enter');
    await page.locator('#firmUserForm').waitFor(WAIT);
    page.once('dialog', (d) => void d.accept());
    await page.locator('#accountList button', { hasText: 'Reset password' }).first().press('Enter');
    await page.locator('#secret code').waitFor(WAIT);
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('#lang').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 250; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate<string>(FOCUSED));
    }
    const actions = [
      'firmForm:BUTTON',
      'firmUserForm:BUTTON',
      'accountForm:BUTTON',
      'schedulePreview',
      'scheduleSave',
      'laneSave',
      'areaSave',
      'feeAdd',
      'feePreview',
      'feePublish',
      'verify',
      'audit:A',
    ];
    expect(actions.filter((a) => !reached.has(a))).toEqual([]);

    // The audit chain verified from the keyboard.
    await page.locator('#verify').press('Enter');
    await page.locator('#auditOut.ok').waitFor(WAIT);
  });

  it('loads at most 40 KB gzipped: its HTML and every asset it links', async () => {
    const gz = async (path: string) => {
      const res = await api.http.get(path).set('Accept-Encoding', 'gzip').expect(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      return { bytes: Number(res.headers['content-length']), text: res.text };
    };
    const html = await gz('/admin');
    const assets = [...html.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining([expect.stringMatching(/^\/assets\/admin\.js\?v=/)]));
    let total = html.bytes;
    for (const a of assets) total += (await gz(a)).bytes;
    expect(total).toBeLessThanOrEqual(40 * 1024);
  });

  it('fits a 360 px phone with nothing wider than the screen, and speaks Chinese', async () => {
    const { page } = await openAdmin('zh-CN', { width: 360, height: 740 });
    await page.locator('#firmList td').first().waitFor(WAIT);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await page.textContent('#title')).toBe(`口岸管理 · ${PORT}`);
    for (const [id, words] of [
      ['firmsTitle', '企业'],
      ['accountsTitle', '账号'],
      ['scheduleTitle', '时段安排'],
      ['lanesTitle', '车道'],
      ['areasTitle', '待检停车区'],
      ['feesTitle', '收费'],
      ['auditTitle', '审计记录'],
    ])
      expect(await page.textContent(`#${id}`)).toBe(words);
    expect(await page.textContent('#verify')).toBe('校验审计链');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
