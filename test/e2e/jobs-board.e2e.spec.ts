import { chromium } from 'playwright-core';
import {
  API,
  bearer,
  bookedDriverToken,
  createFirm,
  portStaffToken,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

const BOARD = '/admin/queues';
const SESSION = `${API}/admin/jobs-board/session`;
const CHROMIUM = '/usr/bin/chromium';

/**
 * Bull Board at /admin/queues: port admins only, with the API's error body, through a bearer header or the
 * HttpOnly cookie `POST /api/v1/admin/jobs-board/session` sets; the page and its assets load as a browser
 * loads them, under the API's helmet headers.
 */
describe('jobs board (Bull Board at /admin/queues)', () => {
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Board Watchers', 1);
    staff = await portStaffToken(api, 'HEKOU');
  });
  afterAll(() => api.close());

  /** The board cookie the session route sets for `token`, as `name=value` for a Cookie header. */
  const boardCookie = async (token: string) => {
    const res = await api.http.post(SESSION).set(bearer(token)).expect(204);
    const [cookie] = res.headers['set-cookie'] as unknown as string[];
    return { header: cookie, pair: cookie.split(';')[0] };
  };

  it('answers 401 in the API error shape without a valid token, on the page, its assets and its JSON API', async () => {
    const expired = api.tokens.sign({ sub: 'admin', role: 'port_admin' }, new Date(Date.now() - 60_000));
    for (const path of [BOARD, `${BOARD}/`, `${BOARD}/api/queues`, `${BOARD}/static/css/x.css`]) {
      for (const headers of [{}, bearer('not-a-token'), bearer(expired), { Cookie: 'kouan_jobs_board=not-a-token' }]) {
        const res = await api.http.get(path).set(headers).expect(401);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'missing, invalid or expired access token',
        });
      }
    }
    // The board's actions (retry, clean, pause) are refused alike.
    await api.http.put(`${BOARD}/api/queues/maintenance/pause`).expect(401);
  });

  it('answers 403 to port staff, firm users and drivers, by bearer or by cookie', async () => {
    const driver = await bookedDriverToken(api, firm, 'HEKOU');
    const others = { port_staff: staff, firm_admin: firm.adminToken, dispatcher: firm.dispatcherToken, driver };
    for (const [role, token] of Object.entries(others)) {
      for (const path of [BOARD, `${BOARD}/api/queues`]) {
        const res = await api.http.get(path).set(bearer(token)).expect(403);
        expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: `role ${role} may not do this` });
        await api.http.get(path).set('Cookie', `kouan_jobs_board=${token}`).expect(403);
      }
      // Nor can they open a board session.
      await api.http.post(SESSION).set(bearer(token)).expect(403);
    }
    await api.http.post(SESSION).expect(401);
  });

  it('shows a port admin the page, an asset it links and the JSON API listing the maintenance queue', async () => {
    const page = await api.http
      .get(BOARD)
      .set(bearer(api.adminToken))
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('<title>Kouan jobs</title>');
    expect(page.text).toContain(`<base href="${BOARD}/" />`);
    // helmet's headers still apply; the board's CSP keeps it same-origin (no Google Fonts); nothing is cached.
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['content-security-policy']).not.toContain('https:');
    expect(page.headers['cache-control']).toBe('no-store');

    const script = /src="(static\/js\/main\.[\w.]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await api.http.get(`${BOARD}/${script}`).set(bearer(api.adminToken)).expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(Number(asset.headers['content-length'] ?? asset.text.length)).toBeGreaterThan(1000);

    const queues = await api.http.get(`${BOARD}/api/queues`).set(bearer(api.adminToken)).expect(200);
    expect((queues.body.queues as Array<{ name: string }>).map((q) => q.name)).toEqual(['maintenance']);
  });

  it('trades a port admin token for a short, HttpOnly, SameSite=Strict cookie scoped to the board, which opens it', async () => {
    const { header, pair } = await boardCookie(api.adminToken);
    expect(header).toMatch(/^kouan_jobs_board=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(header).toContain('Path=/admin/queues');
    expect(header).toContain('HttpOnly');
    expect(header).toContain('Secure');
    expect(header).toContain('SameSite=Strict');
    const expires = Date.parse(/Expires=([^;]+)/.exec(header)![1]);
    expect(expires).toBeGreaterThan(Date.now());
    // Never past the token that opened it (the harness's admin token lives 15 minutes).
    expect(expires).toBeLessThanOrEqual(api.tokens.verify(api.adminToken)!.expiresAt!);

    await api.http.get(BOARD).set('Cookie', `theme=dark; ${pair}`).expect(200);
    const queues = await api.http.get(`${BOARD}/api/queues`).set('Cookie', pair).expect(200);
    expect(queues.body.queues).toEqual([expect.objectContaining({ name: 'maintenance' })]);
  });

  it('leaves the rest of the API as it was: the prefix, the guards and the JSON 404', async () => {
    await api.http
      .get(`/${API.slice(1)}${BOARD}`)
      .set(bearer(api.adminToken))
      .expect(404);
    // /admin itself is the admin console page (issue 18), not the board's.
    const page = await api.http.get('/admin').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).not.toContain('<base href');
    for (const path of ['/admin/elsewhere', '/admin/queues-elsewhere']) {
      const res = await api.http.get(path).set(bearer(api.adminToken)).expect(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Cannot GET ${path}` });
    }
    // The board cookie is not an API credential: the API reads bearer headers only.
    const { pair } = await boardCookie(api.adminToken);
    await api.http.get(`${API}/bookings`).set('Cookie', pair).expect(401);
  });

  // Debian's Chromium, as pages.e2e uses it (.ci/run installs it): no browser, no pass.
  it('opens in a real browser after the session call, and lists the maintenance queue', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      // Requests off the API's origin, and how each ended: the browser must not even try them.
      const elsewhere: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('requestfinished', (r) => {
        if (!r.url().startsWith(api.url)) elsewhere.push(`${r.url()} loaded`);
      });
      page.on('requestfailed', (r) => {
        if (!r.url().startsWith(api.url)) elsewhere.push(`${r.url()} ${r.failure()?.errorText}`);
      });
      // How a port admin opens it (docs/operations.md): the session call with the bearer token, then the board.
      await page.goto(`${api.url}/health`);
      const status = await page.evaluate(
        async ([url, token]) =>
          (await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status,
        [SESSION, api.adminToken],
      );
      expect(status).toBe(204);
      await page.goto(`${api.url}${BOARD}`);
      await page.getByText('maintenance', { exact: false }).first().waitFor({ timeout: 15_000 });
      expect(errors).toEqual([]);
      expect(elsewhere.filter((r) => !/ (csp|net::ERR_BLOCKED_BY_CSP)$/.test(r))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
