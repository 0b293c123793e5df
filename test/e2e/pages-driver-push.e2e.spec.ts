import { createECDH, randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import webPush from 'web-push';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

const WAIT = { timeout: 15_000 };
const PORT = 'MOHAN';
const SUBJECT = 'mailto:ops@kouan.test';
/** The driver page's words for the toggle and its refusal, in Lao (apps/api/src/pages/i18n/driver/lo.json). */
const LO = {
  pushOff: 'ແຈ້ງຂ້ອຍເມື່ອຖືກເອີ້ນ ເຖິງແມ່ນປິດໜ້ານີ້ແລ້ວ',
  pushOn: 'ເປີດແລ້ວ: ຈະແຈ້ງເມື່ອຖືກເອີ້ນ ເຖິງແມ່ນປິດໜ້ານີ້ (ແຕະເພື່ອປິດ)',
  pushDenied: 'ການແຈ້ງເຕືອນຂອງໜ້ານີ້ຖືກບລັອກ: ກະລຸນາອະນຸຍາດໃນການຕັ້ງຄ່າໂທລະສັບ',
};

/**
 * What a browser's push service would hand the page: an endpoint and the browser's P-256 key and auth secret. Debian's
 * headless Chromium cannot get a real one (see the describe below), so the page's PushManager is given this one:
 * `subscribe` records the options the page passed and keeps the subscription (in localStorage, as a browser keeps it
 * across reloads), `getSubscription` returns it, `unsubscribe` drops it. Everything else is the real page, the real
 * service worker and permission, and the real API.
 */
function fakePushManager(endpoint: string, keys: { p256dh: string; auth: string }): string {
  return `(() => {
  const KEPT = 'test.pushSubscription';
  const sub = (json) => json && {
    endpoint: json.endpoint,
    expirationTime: null,
    options: json.options,
    toJSON: () => ({ endpoint: json.endpoint, expirationTime: null, keys: json.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEPT); return true; },
  };
  PushManager.prototype.getSubscription = async function () {
    return sub(JSON.parse(localStorage.getItem(KEPT) || 'null'));
  };
  PushManager.prototype.subscribe = async function (options) {
    const raw = new Uint8Array(options.applicationServerKey);
    const key = btoa(String.fromCharCode(...raw)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    const json = { endpoint: ${JSON.stringify(endpoint)}, keys: ${JSON.stringify(keys)}, options: { userVisibleOnly: options.userVisibleOnly, key } };
    localStorage.setItem(KEPT, JSON.stringify(json));
    return sub(json);
  };
})()`;
}

/**
 * The driver page's "tell me when I'm called" toggle (apps/api/src/pages/driver/push.ts) in Debian's Chromium, with
 * a service worker and the notifications permission granted to the page.
 *
 * A real subscription is out of reach here, tried both ways: in a browser context (Playwright's, off the record)
 * `pushManager.subscribe` fails at once with "AbortError: Registration failed - permission denied" (Chromium has no
 * Push API off the record), and in a persistent profile it never settles (over 120 s): Chromium subscribes through
 * Google's push service (GCM/FCM), which this machine and CI cannot reach. So the subscription object is the one
 * above; what is checked is the page's side: shown only when the server has a VAPID key, its states, the server's key
 * passed to `subscribe`, the PUT of the subscription (the push_subscriptions row) and the DELETE when turned off. The
 * server's side, from a stored subscription to a decrypted push, is test/e2e/webpush.e2e.spec.ts.
 */
describe('driver page push toggle (browser)', () => {
  const vapid = webPush.generateVAPIDKeys();
  const clock = portDayClock('10:00:00');
  let api: TestApi;
  /** The same product without VAPID keys: Web Push off. */
  let plain: TestApi;
  let browser: Browser;
  const firms = new Map<TestApi, TestFirm>();
  const used = new Map<TestApi, number>();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi(
      { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: SUBJECT },
      { clock },
    );
    plain = await startApi({}, { clock });
    for (const a of [api, plain]) {
      await putSchedule(a, PORT, { ...OPENING_HOURS, capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
      firms.set(a, await createFirm(a, 'Push Toggle Freight', 4));
      used.set(a, 0);
    }
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await plain?.close();
  });

  /** A booking in two hours of the next driver of `on`'s firm, who reads Lao. */
  async function book(on: TestApi) {
    const firm = firms.get(on)!;
    const i = used.get(on)!;
    used.set(on, i + 1);
    await on.ds.query(`UPDATE drivers SET language = 'lo' WHERE id = $1`, [firm.driverIds[i]]);
    const res = await on.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(on, PORT, 2)).id,
        vehicleId: firm.vehicleIds[i],
        driverId: firm.driverIds[i],
        cargo: cargo(),
      })
      .expect(201);
    return { id: res.body.id as string, reference: res.body.reference as string, code: res.body.driverCode as string };
  }

  /** A browser's subscription: an endpoint on 127.0.0.1 and real P-256 keys, as the API validates them. */
  function browserSubscription() {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return {
      endpoint: `http://127.0.0.1:9/push/${randomBytes(6).toString('hex')}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    };
  }

  /** /d signed in as `b`'s driver, on a Lao phone whose PushManager hands out `sub`; `grant` the notifications. */
  async function open(on: TestApi, b: { reference: string; code: string }, sub = browserSubscription(), grant = true) {
    const context = await browser.newContext({
      locale: 'lo-LA',
      timezoneId: 'Asia/Vientiane',
      viewport: { width: 360, height: 740 },
      // Only so the test can add axe-core's script; the page itself runs under its CSP.
      bypassCSP: true,
    });
    contexts.push(context);
    if (grant) await context.grantPermissions(['notifications'], { origin: on.url });
    await context.addInitScript(fakePushManager(sub.endpoint, sub.keys));
    await context.clock.install({ time: clock.now().getTime() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${on.url}/d`);
    const key = page.waitForResponse((r) => r.url().endsWith('/api/v1/driver/push/key'), WAIT);
    await page.fill('#reference', b.reference);
    await page.fill('#driverCode', b.code);
    await page.click('#login button[type=submit]');
    expect((await key).status()).toBe(200);
    await page.locator('#bookedBox').waitFor(WAIT);
    return { page, errors, sub };
  }

  const rows = (bookingId: string) =>
    api.ds.query('SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE booking_id = $1', [bookingId]) as Promise<
      Array<Record<string, string>>
    >;
  const toggle = (page: Page) => page.locator('#push');
  const asked = (page: Page, method: string) =>
    page.waitForResponse(
      (r) => r.request().method() === method && r.url().endsWith('/api/v1/driver/push-subscription'),
      WAIT,
    );

  it('on a server without VAPID keys the toggle stays hidden: the text message is the only way', async () => {
    const b = await book(plain);
    const { page, errors } = await open(plain, b);
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, WAIT);
    expect(await toggle(page).isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('turned on, the page subscribes with the server’s key and PUTs it; it stays on after a reload; turned off, it DELETEs it', async () => {
    const b = await book(api);
    const { page, errors, sub } = await open(api, b);
    await toggle(page).waitFor({ state: 'visible', ...WAIT });
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('false');
    expect((await toggle(page).innerText()).trim()).toBe(LO.pushOff);
    expect(await rows(b.id)).toEqual([]);

    const put = asked(page, 'PUT');
    await toggle(page).click();
    expect((await put).status()).toBe(204);
    await page.locator('#push[aria-pressed=true]').waitFor(WAIT);
    expect((await toggle(page).innerText()).trim()).toBe(LO.pushOn);
    // The browser was asked for a subscription to this server's key, each push to be shown to the driver.
    expect(await page.evaluate(`JSON.parse(localStorage.getItem('test.pushSubscription')).options`)).toEqual({
      userVisibleOnly: true,
      key: vapid.publicKey,
    });
    expect(await rows(b.id)).toEqual([{ endpoint: sub.endpoint, ...sub.keys }]);
    expect(await seriousViolations(page)).toEqual([]);

    // Reopened, the page finds the browser's subscription and the permission: on.
    await page.reload();
    await page.locator('#push[aria-pressed=true]').waitFor(WAIT);

    const del = asked(page, 'DELETE');
    await toggle(page).click();
    expect((await del).status()).toBe(204);
    await page.locator('#push[aria-pressed=false]').waitFor(WAIT);
    expect((await toggle(page).innerText()).trim()).toBe(LO.pushOff);
    expect(await rows(b.id)).toEqual([]);
    expect(await page.evaluate(`localStorage.getItem('test.pushSubscription')`)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('with notifications blocked it says so in the driver’s language, and subscribes nothing', async () => {
    const b = await book(api);
    const { page, errors } = await open(api, b, browserSubscription(), false);
    await toggle(page).waitFor({ state: 'visible', ...WAIT });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/driver/push-subscription')) requests.push(r.method());
    });
    await toggle(page).click();
    await page.locator('#msg', { hasText: LO.pushDenied }).waitFor(WAIT);
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('false');
    expect(requests).toEqual([]);
    expect(await rows(b.id)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
