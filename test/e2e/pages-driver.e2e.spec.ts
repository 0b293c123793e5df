import Redis from 'ioredis';
import { DateTime } from 'luxon';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  noticeInStream,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { seriousViolations } from '../support/axe';
import { REDIS_URL } from '../support/db';
import { launchChromium } from '../support/browser';
import { CuttableLink, freePort, until } from '../support/processes';

const IMG = join(__dirname, '..', '..', 'docs', 'img');
const WAIT = { timeout: 15_000 };

/**
 * The driver's page (/d) in Debian's Chromium at 360×740, as a Lao driver uses it: booked (slot, check-in window,
 * the way to the holding area), waiting, called (plate, lane in Lao, deadline counting down), done; honest about a
 * dead network within 5 s; no serious accessibility violation (axe-core). The API and the pages run from 10:00 port
 * time: the slot holding now takes check-ins, the later ones it books (up to 16:00) are in the day, and the page
 * counts the called truck's time left on the API's clock.
 */
describe('driver page (browser)', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  let staff: string;
  let lane: string;
  const contexts: BrowserContext[] = [];
  const clock = portDayClock();
  /** A context whose pages read the API's time (the page judges windows, deadlines and its session's renewal by it). */
  const atClock = async (context: BrowserContext) => {
    await context.clock.install({ time: clock.now() });
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Lao Driver Freight', 6);
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

  /** A booking of driver `i` (who speaks Lao) in the slot holding now + `hoursAhead`, with its code. */
  async function book(i: number, hoursAhead: number) {
    await api.ds.query(`UPDATE drivers SET language = 'lo' WHERE id = $1`, [firm.driverIds[i]]);
    const slot = await slotAt(api, PORT, hoursAhead);
    const res = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
      .expect(201);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[i]]))[0]
      .plate as string;
    return {
      id: res.body.id as string,
      reference: res.body.reference as string,
      code: res.body.driverCode as string,
      plate,
      slot,
    };
  }

  async function open(url: string): Promise<{ page: Page; errors: string[] }> {
    // bypassCSP: only so the test can add axe-core's script; the page itself runs under its CSP.
    const context = await atClock(
      await browser.newContext({
        locale: 'lo-LA',
        // A Lao phone in Laos, as the README's screenshot shows it (one hour behind Beijing).
        timezoneId: 'Asia/Vientiane',
        viewport: { width: 360, height: 740 },
        bypassCSP: true,
      }),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/d`);
    return { page, errors };
  }

  async function logIn(page: Page, b: { reference: string; code: string }) {
    await page.fill('#reference', b.reference);
    await page.fill('#driverCode', b.code);
    await page.click('#login button[type=submit]');
    await page.locator('#live.on').waitFor(WAIT);
  }

  it('a Lao driver follows the truck from booked to called to done, in Lao', async () => {
    const b = await book(0, 0);
    const { page, errors } = await open(api.url);
    await logIn(page, b);

    // Booked: the slot, the check-in window and the holding area with a map link, in Lao.
    await page.locator('#bookedBox').waitFor(WAIT);
    expect(await page.locator('#status').innerText()).toBe('ຈອງແລ້ວ — ຍັງບໍ່ເຊັກອິນ');
    const booked = await page.locator('#bookedBox').innerText();
    expect(booked).toContain('ເວລານັດໝາຍ');
    expect(booked).toContain(DateTime.fromISO(b.slot.startsAt).setZone('Asia/Shanghai').toFormat('HH:mm'));
    expect(await page.locator('#bookedBox a.map').first().getAttribute('href')).toMatch(/^geo:-?\d+\.\d+,-?\d+\.\d+/);
    // The holding area is named in Lao, in its name and in its directions (no English name inside Lao sentences).
    expect(booked).toContain('ບ່ອນຈອດລໍຖ້າ Mohan');
    expect(booked).not.toContain('holding area');
    expect(await seriousViolations(page)).toEqual([]);

    // Checked in by the gate: a position, announced to screen readers.
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: b.plate }).expect(201);
    await page.locator('#posBox:not([hidden]) #position', { hasText: '1' }).waitFor(WAIT);
    expect(await page.locator('#posBox').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#bookedBox').isVisible()).toBe(false);
    expect(await page.locator('#parking').innerText()).toContain('ບ່ອນຈອດລໍຖ້າ Mohan');

    // Called: the plate, the lane in Lao, and the time left, counting down.
    await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
    await page.locator('#calledBox:not([hidden])').waitFor(WAIT);
    expect(await page.locator('#calledBox').getAttribute('role')).toBe('alert');
    expect(await page.locator('#calledPlate').innerText()).toBe(b.plate);
    expect(await page.locator('#calledLane').innerText()).toBe('ຊ່ອງທາງຂາອອກ 1');
    // The deadline comes with GET /driver/booking, read again after the socket says "called": wait for it.
    const deadline = page.locator('#calledDeadline', { hasText: /^ໄປຮອດຊ່ອງທາງພາຍໃນ 1[45] ນາທີ \d\d? ວິນາທີ$/ });
    await deadline.waitFor(WAIT);
    const first = await deadline.innerText();
    await page.locator('#calledDeadline').filter({ hasNotText: first }).waitFor(WAIT);
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(IMG, 'driver-lo-called.png') });

    // Done: no lane to drive to any more.
    await api.http.post(`${API}/bookings/${b.id}/complete`).set(bearer(staff)).expect(200);
    await page.locator('#status', { hasText: 'ສຳເລັດ' }).waitFor(WAIT);
    expect(await page.locator('#calledBox').isVisible()).toBe(false);
    expect(await page.locator('#instructions').isVisible()).toBe(false);
    expect(await page.locator('body').innerText()).not.toContain('export-1');
    expect(errors).toEqual([]);
  });

  it('a code the firm issued anew signs the phone out at once, and the new code signs it in again', async () => {
    const b = await book(3, 1);
    const { page, errors } = await open(api.url);
    await logIn(page, b);
    await page.locator('#bookedBox').waitFor(WAIT);

    const fresh = await api.http
      .post(`${API}/bookings/${b.id}/driver-code`)
      .set(bearer(firm.dispatcherToken))
      .expect(200);
    await page.locator('#login:not([hidden])').waitFor(WAIT);
    expect(await page.locator('#loginMsg').innerText()).toBe('ເລກການຈອງ ຫຼື ລະຫັດບໍ່ຖືກ');
    expect(await page.locator('#state').isVisible()).toBe(false);

    await logIn(page, { reference: b.reference, code: fresh.body.driverCode });
    await page.locator('#bookedBox').waitFor(WAIT);
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('shows its first content within 3 s of the HTML on slow 3G (400 ms round trips, 500 kbit/s)', async () => {
    const context = await browser.newContext({ locale: 'lo-LA', viewport: { width: 360, height: 740 } });
    contexts.push(context);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: 500_000 / 8,
      uploadThroughput: 500_000 / 8,
    });
    await page.goto(`${api.url}/d`, { waitUntil: 'load', timeout: 30_000 });
    await page.locator('#login').waitFor(WAIT);
    // First contentful paint after the HTML's last byte (the page's own timeline).
    const afterHtml = await page.evaluate<number>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return fcp.startTime - nav.responseEnd;
    })()`);
    expect(afterHtml).toBeGreaterThan(0);
    expect(afterHtml).toBeLessThan(3000);
  });

  it('speaks Chinese and Burmese to drivers whose phones do', async () => {
    for (const [i, locale, timezoneId, lang, booked] of [
      [2, 'zh-CN', 'Asia/Shanghai', 'zh', '已预约，未签到'],
      [2, 'my-MM', 'Asia/Yangon', 'my', 'ဘွတ်ကင်ပြီး — မစာရင်းသွင်းရသေး'],
    ] as const) {
      const b = await book(i, 5 + (lang === 'my' ? 1 : 0));
      // A driver who speaks the phone's language: what the server words (the holding area's name) follows it.
      await api.ds.query('UPDATE drivers SET language = $2 WHERE id = $1', [firm.driverIds[i], lang]);
      const context = await atClock(
        await browser.newContext({ locale, timezoneId, viewport: { width: 360, height: 740 } }),
      );
      const page = await context.newPage();
      await page.goto(`${api.url}/d`);
      await logIn(page, b);
      await page.locator('#status', { hasText: booked }).waitFor(WAIT);
      // The socket's first state can come before GET /driver/booking brings the trip (slot, holding area): wait for it.
      await page
        .locator('#bookedBox', { hasText: lang === 'zh' ? '磨憨口岸货车等候区' : 'Mohan ကုန်တင်ကား စောင့်ဆိုင်းရာ' })
        .waitFor(WAIT);
      // The port by its name in the driver's language where the seed has one (zh), else the seed's own.
      expect(await page.locator('#bookedBox').innerText()).toContain(
        lang === 'zh' ? ' · 磨憨公路口岸' : ' · Mohan Road',
      );
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe(lang);
      if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(IMG, `driver-${lang}.png`) });
      await api.http.post(`${API}/bookings/${b.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    }
  });

  it('a silent network shows offline, dimmed, within 5 s, and the page comes back by itself', async () => {
    const b = await book(1, 3);
    const link = new CuttableLink(await freePort(), { host: '127.0.0.1', port: Number(new URL(api.url).port) });
    await link.start();
    try {
      const { page } = await open(`http://127.0.0.1:${link.port}`);
      await logIn(page, b);
      await page.locator('#bookedBox').waitFor(WAIT);
      expect(await page.evaluate<boolean>('document.body.classList.contains("stale")')).toBe(false);

      link.silence(true);
      const cutAt = Date.now();
      await page.locator('#live.off').waitFor(WAIT);
      const noticed = Date.now() - cutAt;
      expect(noticed).toBeLessThanOrEqual(5_000);
      expect(await page.evaluate<boolean>('document.body.classList.contains("stale")')).toBe(true);
      expect(await page.locator('#live').innerText()).toMatch(/ອອບລາຍ · \d+ (ວິນາທີ|ນາທີ)ກ່ອນ/);

      link.silence(false);
      await page.locator('#live.on').waitFor({ timeout: 30_000 });
      expect(await page.evaluate<boolean>('document.body.classList.contains("stale")')).toBe(false);
    } finally {
      await link.cut();
    }
  });

  it('back from a dead zone within 2 min: the page shows its new place and the notice it missed without reading anything again', async () => {
    // The notice goes out through the worker's relay, into the stream.
    const worker = await api.worker();
    const ahead = await book(4, 0);
    const b = await book(5, 0);
    for (const t of [ahead, b]) {
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: t.plate }).expect(201);
    }
    const link = new CuttableLink(await freePort(), { host: '127.0.0.1', port: Number(new URL(api.url).port) });
    await link.start();
    const redis = new Redis(REDIS_URL);
    try {
      const { page, errors } = await open(`http://127.0.0.1:${link.port}`);
      // The page starts by reading its booking, then its port (the notices): the dead zone comes after both answers
      // (a read lost in it is read again on the way back, as it must be).
      const portRead = page.waitForEvent('requestfinished', {
        predicate: (r) => r.url().endsWith(`/api/v1/ports/${PORT}`),
        ...WAIT,
      });
      // Live once its socket has told it its state: the socket then holds the stream offset it comes back from.
      await logIn(page, b);
      await portRead;
      await page.locator('#posBox:not([hidden]) #position', { hasText: '2' }).waitFor(WAIT);
      const reads: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/')) reads.push(r.url());
      });

      link.silence(true);
      await page.locator('#live.off').waitFor(WAIT);
      // The server has given the socket up (no pong): socket.io keeps its session in Redis for LIVE_RECOVERY_MS.
      // (Its rooms, `booking:<id>`, are in it as they are; earlier tests' closed pages left sessions of their own.)
      await until(
        'the session kept in Redis',
        async () => {
          for (const key of await redis.keys(`${api.redisPrefix}:socket.io:session:*`)) {
            if (Buffer.from((await redis.get(key)) ?? '', 'base64').includes(`booking:${b.id}`)) return true;
          }
          return false;
        },
        30_000,
      );
      await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
      await noticeInStream(api, redis, staff, PORT, 'Fog on the bridge');

      link.silence(false);
      await page.locator('#posBox:not([hidden]) #position', { hasText: '1' }).waitFor({ timeout: 30_000 });
      await page.locator('#notices', { hasText: 'Fog on the bridge' }).waitFor(WAIT);
      await page.locator('#live.on').waitFor(WAIT);
      // Its session was restored: no GET /driver/booking, no GET /ports/:code.
      expect(reads).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      redis.disconnect();
      await link.cut();
      await worker.close();
    }
  });
});
