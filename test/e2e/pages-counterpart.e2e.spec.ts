import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  counterpartToken,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  startApi,
  TestApi,
} from '../support/harness';

const WAIT = { timeout: 20_000 };
const PORT = 'MOHAN';

/**
 * A closed far side and an incident on the pages (issue 20): the public board says "Boten Road side closed until
 * 14:00: <reason>" in its rotating languages, the far side's reason in each one it gave, as soon as the far side
 * says it (live); the lane console shows the far side's status and acceptance, and the port's incidents.
 */
describe('a closed far side and incidents on the pages (browser)', () => {
  let api: TestApi;
  let browser: Browser;
  let officer: string;
  const contexts: BrowserContext[] = [];
  const clock = portDayClock();
  const day = () => clock.now().toISOString().slice(0, 10);

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await api.worker();
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    officer = await counterpartToken(api, PORT);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await api?.close();
  });

  const open = async (path: string) => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}${path}`);
    return { page, errors };
  };

  it('the board hears the far side close and says why in each of its languages', async () => {
    const { page, errors } = await open(`/board/${PORT}`);
    await page.locator('#live.on').waitFor(WAIT);
    expect(await page.locator('#notices .notice').count()).toBe(0);
    await api.http
      .post(`${API}/ports/${PORT}/counterpart/status`)
      .set(bearer(officer))
      .send({
        status: 'closed',
        reason: 'customs system down',
        reasons: { zh: '海关系统故障', lo: 'ລະບົບພາສີຂັດຂ້ອງ' },
        until: `${day()}T14:00:00+08:00`,
      })
      .expect(200);
    const notice = page.locator('#notices .notice');
    // The words rotate zh → en → Lao: each says the far side's reason in its own language where it gave one.
    for (const said of [
      'Boten Road一侧关闭至14:00：海关系统故障',
      'Boten Road side closed until 14:00: customs system down',
      'ຝັ່ງ Boten Road ປິດຈົນຮອດ 14:00: ລະບົບພາສີຂັດຂ້ອງ',
    ]) {
      // The whole text, by a locator (a string predicate for waitForFunction is eval'd in the page, which its CSP,
      // without unsafe-eval, refuses once the predicate has to be polled).
      const whole = new RegExp(`^${said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      await page.locator('#notices .notice', { hasText: whole }).waitFor(WAIT);
    }
    await api.http
      .post(`${API}/ports/${PORT}/counterpart/status`)
      .set(bearer(officer))
      .send({ status: 'open', reason: 'system back' })
      .expect(200);
    await notice.waitFor({ state: 'detached', ...WAIT });
    expect(errors).toEqual([]);
  });

  it('the lane console shows the far side closed, what it accepts, and an open incident', async () => {
    const email = `staff-${randomBytes(3).toString('hex')}@port.example`;
    await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'staff-password', role: 'port_staff' })
      .expect(201);
    const tomorrow = new Date(clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: tomorrow, windows: [{ from: '08:00', to: '12:00', trucks: 40 }], reason: 'inspection staff short' })
      .expect(200);
    await api.http
      .post(`${API}/ports/${PORT}/counterpart/status`)
      .set(bearer(officer))
      .send({ status: 'closed', reason: 'customs system down', until: `${day()}T14:00:00+08:00` })
      .expect(200);
    const { page, errors } = await open('/staff');
    await page.fill('#email', email);
    await page.fill('#password', 'staff-password');
    await page.click('#login button[type=submit]');
    await page.locator('#live.on').waitFor(WAIT);
    const side = page.locator('#side');
    await side.locator('.notice', { hasText: 'Boten Road side closed until 14:00: customs system down' }).waitFor(WAIT);
    expect(await side.locator('.side-acceptance').innerText()).toBe(
      `Boten Road accepts on ${tomorrow}: 08:00–12:00 40 (inspection staff short)`,
    );
    const staffToken = api.tokens.sign({
      sub: (await api.ds.query('SELECT id FROM users WHERE email = $1', [email]))[0].id,
      role: 'port_staff',
      portCode: PORT,
    });
    await api.http
      .post(`${API}/ports/${PORT}/incidents`)
      .set(bearer(staffToken))
      .send({ kind: 'weather', message: 'fog on the bridge' })
      .expect(201);
    await side.locator('.notice', { hasText: 'Weather: fog on the bridge' }).waitFor(WAIT);
    expect(errors).toEqual([]);
  });
});
