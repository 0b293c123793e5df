import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';

/**
 * Issue 16: the lane console renews its session by itself. An officer whose access token has expired still calls the
 * next truck without seeing the sign-in; one whose session has really ended is asked to sign in (in the page's
 * language), and the call made meanwhile is sent once they have. Time moves with the API's injected Clock, which
 * judges access tokens and sessions alike, so nothing waits 15 minutes. It runs from 10:00 port time (the browsers'
 * clocks start there too), so the slot holding "now" is open whatever the hour the suite runs at.
 */
const WAIT = { timeout: 15_000 };
const MIN = 60_000;
const SESSION = 'kouan.staff.session';

describe('lane console sessions (browser)', () => {
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  const clock = portDayClock();
  /** How far the tests moved the API's clock on (moveClock). */
  let moved = 0;
  let seq = 0;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Session Console Freight', 1);
  });
  afterEach(async () => {
    clock.run(clock.now().getTime() - moved);
    moved = 0;
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /**
   * The API's clock `ms` on, running from there, while the pages' clocks go on at the real pace: the console does not
   * know its token has expired. Moved back after each test, so the file's own tokens (its admin's, its firm's) stay good.
   */
  const moveClock = (ms: number) => {
    clock.run(clock.now().getTime() + ms);
    moved += ms;
  };

  /** A port officer of `port`, with a truck of its own checked in there (in the slot holding the API's now). */
  const officerWithTruck = async (port: string) => {
    await putSchedule(api, port, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    const email = `officer-${randomBytes(3).toString('hex')}@port.example`;
    const created = await api.http
      .post(`${API}/ports/${port}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'staff-password' })
      .expect(201);
    const staffToken = api.tokens.sign({ sub: created.body.id, role: 'port_staff', portCode: port });
    const slot = await slotAt(api, port);
    const plate = `云S${randomBytes(2).toString('hex').toUpperCase()}${++seq}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    await api.http
      .post(`${API}/ports/${port}/check-ins`)
      .set(bearer(staffToken))
      .send({ plate: v.body.plate })
      .expect(201);
    return {
      email,
      password: 'staff-password',
      bookingId: b.body.id as string,
      plate: v.body.plate as string,
      lane: await laneOf(api, port),
    };
  };

  const status = async (id: string) =>
    ((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [id]))[0] as { status: string }).status;
  const stored = async (page: Page) =>
    JSON.parse((await page.evaluate(`localStorage.getItem('${SESSION}')`)) as string) as {
      accessToken: string;
      refreshToken: string;
    } | null;

  const signIn = async (page: Page, who: { email: string; password: string }) => {
    await page.fill('#email', who.email);
    await page.fill('#password', who.password);
    await page.click('#login button[type=submit]');
  };

  /**
   * A console signed in as `who`, in `locale`. `quiet()` waits until it has made no API request for half a second: the
   * views it reads on opening and again when its socket connects are all in, so the next request is the test's click.
   */
  const openConsole = async (who: { email: string; password: string }, locale: string) => {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    // The console times its renewal and its kept writes on its own clock: it starts at the API's.
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let inFlight = 0;
    // Real time: how long the console has been quiet, which no clock of the test changes.
    let lastSeen = Date.now();
    const isApi = (url: string) => url.includes('/api/v1/');
    page.on('request', (r) => {
      if (isApi(r.url())) {
        inFlight += 1;
        lastSeen = Date.now();
      }
    });
    const finished = (r: Request) => {
      if (isApi(r.url())) {
        inFlight -= 1;
        lastSeen = Date.now();
      }
    };
    page.on('requestfinished', finished);
    page.on('requestfailed', finished);
    const quiet = () => until('the console is quiet', () => inFlight === 0 && Date.now() - lastSeen > 500);
    await page.goto(`${api.url}/staff`);
    await signIn(page, who);
    await page.locator('#live.on').waitFor(WAIT);
    await quiet();
    return { page, errors };
  };

  it('the access token has expired: Call next renews it and lands, the sign-in never shows, the socket comes back live; Log out ends the session', async () => {
    const officer = await officerWithTruck('MOHAN');
    const { page, errors } = await openConsole(officer, 'en-US');
    const before = (await stored(page))!;
    const sid = before.refreshToken.split('.')[0];
    const laneCard = page.locator(`#dir-export .lane-card[data-lane="${officer.lane}"]`);
    await laneCard.locator('button.call').waitFor(WAIT);

    // 16 minutes on: the API now refuses the console's access token (the console's own timer has not fired yet).
    moveClock(16 * MIN);
    expect(api.tokens.verify(before.accessToken)).toBeNull();
    await laneCard.locator('button.call').click();
    await page.locator('#dir-export .called-row', { hasText: officer.plate }).waitFor(WAIT);
    expect(await status(officer.bookingId)).toBe('called');
    expect(await page.locator('#login').isHidden()).toBe(true);
    expect(await page.locator('#console').isVisible()).toBe(true);

    // It renewed once, keeps the new pair, and its socket reconnected with the new token.
    const after = (await stored(page))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(api.tokens.verify(after.accessToken)).toMatchObject({ sessionId: sid });
    expect(await api.ds.query('SELECT rotations, revoked_at FROM sessions WHERE id = $1', [sid])).toEqual([
      { rotations: 1, revoked_at: null },
    ]);
    await page.locator('#live.on').waitFor(WAIT);

    // Log out: the server ends the session, so its refresh token is worth nothing even if it was copied.
    await page.click('#logout');
    await page.locator('#login').waitFor(WAIT);
    await until(
      'the session ended',
      async () =>
        (
          (await api.ds.query('SELECT revoked_reason FROM sessions WHERE id = $1', [sid]))[0] as {
            revoked_reason: string | null;
          }
        ).revoked_reason === 'logout',
    );
    await api.http.post(`${API}/auth/refresh`).send({ refreshToken: after.refreshToken }).expect(401);
    expect(await stored(page)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('the session has really ended (unused for over 2 h): a Chinese console asks in Chinese to sign in, and sends the kept call once the officer has', async () => {
    const officer = await officerWithTruck('HEKOU');
    const { page, errors } = await openConsole(officer, 'zh-CN');
    const laneCard = page.locator(`#dir-export .lane-card[data-lane="${officer.lane}"]`);
    await laneCard.locator('button.call').waitFor(WAIT);

    moveClock(2 * 60 * MIN + MIN);
    await laneCard.locator('button.call').click();
    await page.locator('#login').waitFor(WAIT);
    expect(await page.locator('#loginMsg').innerText()).toBe('登录已失效。重新登录后，将发送您刚才的操作。');
    expect(await status(officer.bookingId)).toBe('checked_in');

    await signIn(page, officer);
    await until('the kept call was sent', async () => (await status(officer.bookingId)) === 'called');
    await page.locator('#msg', { hasText: '重新登录后已发送 1 项操作。' }).waitFor(WAIT);
    await page.locator('#dir-export .called-row', { hasText: officer.plate }).waitFor(WAIT);
    await page.locator('#live.on').waitFor(WAIT);
    // Sent once: a reload does not send it again.
    await page.reload();
    await page.locator('#live.on').waitFor(WAIT);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a wrong password on a Chinese console is said in Chinese', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${api.url}/staff`);
    await signIn(page, {
      email: `nobody-${randomBytes(3).toString('hex')}@port.example`,
      password: 'not-the-password',
    });
    await page.locator('#loginMsg', { hasText: '邮箱或密码错误。' }).waitFor(WAIT);
    expect(await page.locator('#loginMsg').innerText()).toBe('邮箱或密码错误。');
  });
});
