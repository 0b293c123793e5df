import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
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
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * The pages served by the API (/d, /board/:port, /staff, /yard, /firm) in a real browser: Debian's Chromium driven by
 * playwright-core. No browser, no pass: CI installs Chromium (.ci/run), and a missing one fails here loudly.
 */
const IMG = join(__dirname, '..', '..', 'docs', 'img');
const WAIT = { timeout: 15_000 };

describe('pages (browser)', () => {
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  let plateSeq = 0;
  const contexts: BrowserContext[] = [];
  // The API, its worker and the browsers at 10:00 port time: the slot holding "now" is open and its check-in window
  // too, whatever the hour the suite runs at.
  const clock = portDayClock();

  interface Truck {
    bookingId: string;
    reference: string;
    driverCode: string;
    plate: string;
  }

  const openPort = (port: string) =>
    putSchedule(api, port, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });

  const book = async (port: string): Promise<Truck> => {
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
      .send({ slotId: (await slotAt(api, port)).id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    return { bookingId: b.body.id, reference: b.body.reference, driverCode: b.body.driverCode, plate: v.body.plate };
  };

  const staffUser = async (port: string) => {
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

  const checkIn = (port: string, token: string, plate: string) =>
    api.http.post(`${API}/ports/${port}/check-ins`).set(bearer(token)).send({ plate }).expect(201);

  const callNext = async (port: string, token: string) => {
    const lane = await laneOf(api, port);
    return api.http.post(`${API}/ports/${port}/lanes/${lane}/call-next`).set(bearer(token)).expect(200);
  };

  const masked = (plate: string) => `${[...plate].slice(0, 2).join('')}·***${plate.slice(-2)}`;

  /** A page that records every console error and uncaught exception, so each test can assert there were none. */
  const open = async (opts: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 }, ...opts });
    contexts.push(context);
    // The pages count down deadlines and time since a call on their own clock: the API's.
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, context, errors };
  };

  const text = (page: Page, selector: string) => page.locator(selector).innerText();

  /** The README's screenshots: written to docs/img only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
  const screenshot = async (page: Page, name: string) => {
    const png = await page.screenshot(process.env.UPDATE_SCREENSHOTS === '1' ? { path: join(IMG, name) } : {});
    expect(png.length).toBeGreaterThan(5_000);
  };

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Pages Freight', 1);
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('serves the five pages and their assets with a CSP, and they load without console errors', async () => {
    await openPort('MOHAN');
    const { page, errors } = await open();
    for (const path of ['/d', '/staff', '/yard', '/firm', '/board/MOHAN']) {
      const res = await page.goto(api.url + path);
      expect(res?.status()).toBe(200);
      const headers = res!.headers();
      expect(headers['content-type']).toMatch(/^text\/html/);
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers['content-security-policy']).toContain("script-src 'self'");
      expect(headers['cache-control']).toBe('no-cache');
      await page.waitForLoadState('networkidle');
    }
    // The board has connected its socket (WebSocket allowed by the CSP) and shows both directions.
    await page.locator('#live.on').waitFor(WAIT);
    // In Chinese (first, and again each time the words rotate, see pages-board); each direction drawn from its own view.
    // A rotation is zh → en → the neighbour's language, 8 s each: within 30 s Chinese is back.
    await page.locator('#dir-export h2', { hasText: '出境' }).waitFor({ timeout: 30_000 });
    await page.locator('#dir-import h2', { hasText: '入境' }).waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);

    const asset = await api.http.get('/assets/socket.io.min.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    const html = await api.http.get('/d').expect(200);
    const version = /\/assets\/driver\.js\?v=([\w-]+)/.exec(html.text)![1];
    const js = await api.http.get(`/assets/driver.js?v=${version}`).expect(200);
    expect(js.headers['cache-control']).toContain('immutable');
    await api.http.get('/assets/driver.js').set('If-None-Match', js.headers.etag).expect(304);
    await api.http.get('/assets/../../package.json').expect(404);
    await api.http.get('/assets/nothing.js').expect(404);
    await api.http.get('/board/bad%20port').expect(404);
  });

  it('each page loads at most 40 KB gzipped of HTML, CSS and JavaScript: one bundled script of its own', async () => {
    await openPort('MOHAN');
    const sizes: Record<string, number> = {};
    for (const [path, script] of [
      ['/d', 'driver.js'],
      ['/staff', 'staff.js'],
      ['/yard', 'yard.js'],
      ['/firm', 'firm.js'],
      ['/board/MOHAN', 'board.js'],
    ]) {
      // A fresh context a page: nothing comes from the cache, every byte is counted as a first visit on a phone.
      const { page, errors } = await open();
      const loaded: Array<{ url: string; encoding: string | undefined; bytes: Promise<number> }> = [];
      page.on('response', (res) => {
        if (!['document', 'script', 'stylesheet'].includes(res.request().resourceType())) return;
        const bytes = res
          .request()
          .sizes()
          .then((s) => s.responseBodySize);
        loaded.push({ url: new URL(res.url()).pathname, encoding: res.headers()['content-encoding'], bytes });
      });
      await page.goto(api.url + path);
      await page.waitForLoadState('networkidle');
      const scripts = loaded.filter((l) => l.url.endsWith('.js')).map((l) => l.url);
      expect({ path, scripts: scripts.sort() }).toEqual({
        path,
        scripts: [`/assets/${script}`, '/assets/socket.io.min.js'].sort(),
      });
      expect(loaded.every((l) => l.encoding === 'gzip')).toBe(true);
      sizes[path] = (await Promise.all(loaded.map((l) => l.bytes))).reduce((a, b) => a + b, 0);
      expect(errors).toEqual([]);
    }
    // Over the budget, or so small that something the page needs was not counted (socket.io alone is ~15 KB).
    expect(Object.entries(sizes).filter(([, bytes]) => bytes > 40 * 1024 || bytes < 15_000)).toEqual([]);
  });

  it('driver: logs in with reference and code, follows the position, and is told when called, without a reload', async () => {
    await openPort('MOHAN');
    const staff = await staffUser('MOHAN');
    const ahead = [await book('MOHAN'), await book('MOHAN')];
    const mine = await book('MOHAN');
    for (const t of [...ahead, mine]) await checkIn('MOHAN', staff.token, t.plate);

    const { page, errors } = await open();
    await page.goto(`${api.url}/d`);
    await page.fill('#reference', mine.reference);
    await page.fill('#driverCode', mine.driverCode);
    await page.click('#login button[type=submit]');
    await page.locator('#position', { hasText: /^3$/ }).waitFor(WAIT);
    expect(await text(page, '#status')).toBe('Waiting in the holding area');
    expect(await text(page, '#eta')).toMatch(/Estimated wait: ~\d+ min/);
    expect(await text(page, '#parking')).toMatch(/Bay \d+/);
    await page.locator('#live.on').waitFor(WAIT);
    await screenshot(page, 'driver.png');

    await callNext('MOHAN', staff.token);
    await page.locator('#position', { hasText: /^2$/ }).waitFor(WAIT);
    await callNext('MOHAN', staff.token);
    const called = await callNext('MOHAN', staff.token);
    expect(called.body.bookingId).toBe(mine.bookingId);
    await page.locator('body.called #calledBox').waitFor({ state: 'visible', ...WAIT });
    expect(await text(page, '#calledLane')).toMatch(/\S/);
    expect(await text(page, '#calledBox')).toContain('Go to lane');
    expect(await page.locator('#waitBox').isVisible()).toBe(false);

    // The language picker relabels the page at once.
    await page.selectOption('#lang', 'zh');
    expect(await text(page, '#calledBox')).toContain('请前往车道');
    expect(errors).toEqual([]);
  });

  it('driver: the check-in button uses the phone location and explains a refusal', async () => {
    await openPort('MENGKANG');
    const t = await book('MENGKANG');
    const area = (await api.http.get(`${API}/ports/MENGKANG`).expect(200)).body.parkingAreas[0] as {
      lat: number;
      lon: number;
    };
    const { page, context, errors } = await open({
      geolocation: { latitude: area.lat + 0.05, longitude: area.lon },
      permissions: ['geolocation'],
    });
    await page.goto(`${api.url}/d`);
    await page.fill('#reference', t.reference);
    await page.fill('#driverCode', t.driverCode);
    await page.click('#login button[type=submit]');
    await page.locator('#checkin').waitFor({ state: 'visible', ...WAIT });
    await page.click('#checkin');
    await page.locator('#msg.error', { hasText: 'not in the holding area' }).waitFor(WAIT);
    await context.setGeolocation({ latitude: area.lat + 0.0005, longitude: area.lon });
    await page.click('#checkin');
    await page.locator('#position', { hasText: /^1$/ }).waitFor(WAIT);
    expect(await page.locator('#checkin').isVisible()).toBe(false);
    // The 422 is the only console error: Chromium logs every failed request.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });

  it('board: masked plates only, live as trucks check in and are called', async () => {
    await openPort('HEKOU');
    const staff = await staffUser('HEKOU');
    const [a, b, c] = [await book('HEKOU'), await book('HEKOU'), await book('HEKOU')];
    await checkIn('HEKOU', staff.token, a.plate);
    await checkIn('HEKOU', staff.token, b.plate);

    const { page, errors } = await open({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${api.url}/board/hekou`);
    const rows = page.locator('#dir-export tbody tr');
    await rows.nth(1).waitFor(WAIT);
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining(masked(a.plate)),
      expect.stringContaining(masked(b.plate)),
    ]);
    await page.locator('#live.on').waitFor(WAIT);
    // From here on, changes arrive as deltas the board applies: it never reads the whole queue again.
    const reads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/queue')) reads.push(r.url());
    });

    await checkIn('HEKOU', staff.token, c.plate);
    await rows.nth(2).waitFor(WAIT);
    expect(await rows.nth(2).innerText()).toContain(masked(c.plate));

    await callNext('HEKOU', staff.token);
    await page.locator('#dir-export .called', { hasText: masked(a.plate) }).waitFor(WAIT);
    await rows.nth(2).waitFor({ state: 'detached', ...WAIT });
    const body = await page.locator('body').innerText();
    for (const t of [a, b, c]) expect(body).not.toContain(t.plate);
    expect(reads).toEqual([]);
    await screenshot(page, 'board-phone.png');
    expect(errors).toEqual([]);
  });

  it('staff console: logs in, calls the next truck, records the outcome and checks in a plate', async () => {
    await openPort('TIANBAO');
    const staff = await staffUser('TIANBAO');
    const [a, b] = [await book('TIANBAO'), await book('TIANBAO')];
    await checkIn('TIANBAO', staff.token, a.plate);

    const { page, errors } = await open({ viewport: { width: 1024, height: 900 } });
    await page.goto(`${api.url}/staff`);
    await page.fill('#email', staff.email);
    await page.fill('#password', staff.password);
    await page.click('#login button[type=submit]');
    // Staff see whole plates and references.
    await page.locator('#dir-export table.waiting tr', { hasText: a.plate }).waitFor(WAIT);
    await page.locator('#live.on').waitFor(WAIT);

    await page.locator('#dir-export .lane-card button.call').first().click();
    const calledRow = page.locator('#dir-export .called-row', { hasText: a.plate });
    await calledRow.waitFor(WAIT);
    expect(await calledRow.innerText()).toContain(a.reference);
    expect(await page.locator('#dir-export table.waiting').count()).toBe(0);
    // The row comes by socket; the message once the console's own call-next answers.
    await page.locator('#msg.ok', { hasText: `Called ${a.plate}` }).waitFor(WAIT);
    const status = await api.http.get(`${API}/bookings/${a.bookingId}`).set(bearer(firm.dispatcherToken)).expect(200);
    expect(status.body.status).toBe('called');

    await calledRow.locator('button', { hasText: 'Complete' }).click();
    await calledRow.waitFor({ state: 'detached', ...WAIT });
    await page.locator('#msg.ok', { hasText: `${a.plate}: completed` }).waitFor(WAIT);

    await page.fill('#plate', b.plate);
    await page.click('#checkin button');
    await page.locator('#msg.ok', { hasText: 'position 1' }).waitFor(WAIT);
    await page.locator('#dir-export table.waiting tr', { hasText: b.plate }).waitFor(WAIT);

    // A check-in at the gate (not from this console) arrives as a change on the socket and lands second.
    // The console applies it to what it shows: no read of the whole queue again.
    const c = await book('TIANBAO');
    const reads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/queue')) reads.push(r.url());
    });
    await checkIn('TIANBAO', staff.token, c.plate);
    const second = page.locator('#dir-export table.waiting tbody tr', { hasText: c.plate });
    await second.waitFor(WAIT);
    expect(await second.locator('td').first().innerText()).toBe('2');
    expect(reads).toEqual([]);

    // An API error is shown as the API words it.
    await page.fill('#plate', b.plate);
    await page.click('#checkin button');
    await page.locator('#msg.error').waitFor(WAIT);
    expect(await text(page, '#msg')).toMatch(/already/i);
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });

  it('staff console: a plate on bookings of two firms lists both, and the officer picks the one to check in', async () => {
    await openPort('RUILI');
    const staff = await staffUser('RUILI');
    const other = await createFirm(api, 'Pages Haulage', 1);
    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}${(plateSeq += 1)}`;
    const bookOf = async (f: TestFirm) => {
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(f.dispatcherToken))
        .send({ plate, country: 'CN' })
        .expect(201);
      return (
        await api.http
          .post(`${API}/bookings`)
          .set(bearer(f.dispatcherToken))
          .send({
            slotId: (await slotAt(api, 'RUILI')).id,
            vehicleId: v.body.id,
            driverId: f.driverIds[0],
            cargo: cargo(),
          })
          .expect(201)
      ).body as { id: string; reference: string };
    };
    const [mine, theirs] = [await bookOf(firm), await bookOf(other)];

    const { page, errors } = await open({ viewport: { width: 1024, height: 900 } });
    await page.goto(`${api.url}/staff`);
    await page.fill('#email', staff.email);
    await page.fill('#password', staff.password);
    await page.click('#login button[type=submit]');
    await page.locator('#checkin').waitFor(WAIT);
    await page.fill('#plate', plate);
    await page.click('#checkin button');
    await page.locator('#candidates button.candidate').nth(1).waitFor(WAIT);
    const choices = await page.locator('#candidates button.candidate').allInnerTexts();
    expect(choices.sort()).toEqual([`Pages Freight · ${mine.reference}`, `Pages Haulage · ${theirs.reference}`].sort());
    const status = async (id: string) =>
      ((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [id]))[0] as { status: string }).status;
    expect([await status(mine.id), await status(theirs.id)]).toEqual(['booked', 'booked']);

    await page.click(`#candidates button[data-booking="${theirs.id}"]`);
    await page.locator('#msg.ok', { hasText: `${plate} checked in: position` }).waitFor(WAIT);
    await page.locator('#candidates').waitFor({ state: 'hidden', ...WAIT });
    expect([await status(mine.id), await status(theirs.id)]).toEqual(['booked', 'checked_in']);
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });

  it('firm dashboard: logs in and sees its bookings change status live', async () => {
    await openPort('DULONG');
    const staff = await staffUser('DULONG');
    const t = await book('DULONG');
    const email = `disp-${randomBytes(3).toString('hex')}@firm.example`;
    await api.http
      .post(`${API}/firms/${firm.id}/users`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'dispatcher-password', role: 'dispatcher' })
      .expect(201);

    const { page, errors } = await open({ viewport: { width: 1024, height: 800 } });
    await page.goto(`${api.url}/firm`);
    await page.fill('#email', email);
    await page.fill('#password', 'dispatcher-password');
    await page.click('#login button[type=submit]');
    const row = page.locator(`tr[data-booking="${t.bookingId}"]`);
    await row.waitFor(WAIT);
    expect(await row.locator('.st').innerText()).toMatch(/booked/i);
    await page.locator('#live.on').waitFor(WAIT);

    await checkIn('DULONG', staff.token, t.plate);
    await row.locator('.st', { hasText: /checked in/i }).waitFor(WAIT);
    expect(await row.locator('.queue').innerText()).toMatch(/^#1/);
    // Webhooks are the firm admin's, not a dispatcher's.
    expect(await page.locator('#hooks').isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('firm dashboard: the firm admin adds a webhook (secret shown once), and sees a failing one flagged with its attempts', async () => {
    const receiver = await new WebhookReceiver().start();
    receiver.answer = 500;
    // Attempts 0.5 s apart for 2 s: the last comes after the 1 s of failing that disables the endpoint, however loaded the machine.
    const worker = await api.worker({
      WEBHOOK_RETRY_SECONDS: '0.5,0.5,0.5,0.5',
      WEBHOOK_DISABLE_AFTER_SECONDS: '1',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    try {
      const email = `fadmin-${randomBytes(3).toString('hex')}@firm.example`;
      await api.http
        .post(`${API}/firms/${firm.id}/users`)
        .set(bearer(api.adminToken))
        .send({ email, password: 'firm-admin-password', role: 'firm_admin' })
        .expect(201);
      const { page, errors } = await open({ viewport: { width: 1024, height: 900 } });
      await page.goto(`${api.url}/firm`);
      await page.fill('#email', email);
      await page.fill('#password', 'firm-admin-password');
      await page.click('#login button[type=submit]');
      await page.locator('#hooks').waitFor(WAIT);
      await page.fill('#hUrl', receiver.url);
      await page.locator('#hEvents input[value="booking.created"]').check();
      await page.click('#hookForm button[type=submit]');
      const hook = page.locator('.hook', { hasText: receiver.url });
      const secret = await hook.locator('.secret').innerText(WAIT);
      expect(secret).toMatch(/^whsec_/);

      await book('DULONG');
      await until(
        'the endpoint disabled',
        async () => {
          const [h] = (
            await api.http
              .get(`${API}/webhooks`)
              .set(bearer(api.tokens.sign({ sub: firm.id, role: 'firm_admin', firmId: firm.id })))
              .expect(200)
          ).body;
          return Boolean(h?.disabledAt);
        },
        15_000,
      );
      await page.reload();
      const flagged = page.locator('.hook.disabled', { hasText: receiver.url });
      await flagged.waitFor(WAIT);
      expect(await flagged.locator('.flag').innerText()).toMatch(/Disabled/);
      expect(await flagged.locator('.attempts li').first().innerText()).toMatch(
        /booking\.created · try \d · failed \(500\)/,
      );
      // The secret was shown once: not after a reload.
      expect(await flagged.locator('.secret').count()).toBe(0);
      expect(errors.filter((e) => !/status of (500|409)/.test(e))).toEqual([]);
    } finally {
      await worker.close();
      await receiver.stop();
    }
  });
});
