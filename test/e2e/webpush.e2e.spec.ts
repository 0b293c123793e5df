import { createDecipheriv, createECDH, createPublicKey, ECDH, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import webPush from 'web-push';
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
import { until } from '../support/processes';

type Json = Record<string, unknown>;
const PORT = 'HEKOU';
const SUBJECT = 'mailto:ops@kouan.test';
/** How long the worker may take to relay and send (a hang limit: on a busy machine the relay can lag seconds). */
const SEND_LIMIT_MS = 30_000;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A push service on 127.0.0.1: records each POST, answers 201, or 410 on /gone (a subscription it has dropped). */
class LocalPushService {
  readonly received: Received[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = req.url === '/gone' ? 410 : 201;
      res.end();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<unknown> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(r));
  }
}

/** What a browser holds for one subscription: its P-256 key pair and 16-byte authentication secret. */
function browserKeys(): { ecdh: ECDH; auth: Buffer; keys: { p256dh: string; auth: string } } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
}

/** RFC 8291 / RFC 8188 as a browser does it: one aes128gcm record, decrypted with the browser's private key. */
function decrypt(body: Buffer, ecdh: ECDH, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const hkdf = (ikm: Buffer, s: Buffer, info: Buffer, n: number) => Buffer.from(hkdfSync('sha256', ikm, s, info, n));
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = hkdf(ecdh.computeSecret(senderKey), auth, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(-16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, -16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 and optional zero padding.
  let end = padded.length - 1;
  while (padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString('utf8');
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292): signed by the server's key, for this push service. */
function verifyVapid(header: string | undefined, publicKey: string, origin: string, now: Date): Json {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  expect(m).not.toBeNull();
  const [, jwt, k] = m as RegExpExecArray;
  expect(k).toBe(publicKey);
  const [head, claims, signature] = jwt.split('.');
  expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'ES256' });
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = Buffer.from(`${head}.${claims}`);
  expect(verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Json;
  expect(payload).toMatchObject({ aud: origin, sub: SUBJECT });
  expect(payload.exp as number).toBeGreaterThan(now.getTime() / 1000);
  expect(payload.exp as number).toBeLessThanOrEqual(now.getTime() / 1000 + 24 * 3600);
  return payload;
}

/**
 * Web Push (docs/notifications.md): the driver's page subscribes through the API, staff call the truck, and the worker
 * pushes to the push service the browser chose: a local one here, which checks the VAPID signature and decrypts the
 * message as a browser would. The port keeps its hours and the API and worker run at 10:00 there (portDayClock).
 */
describe('Web Push to the driver (local push service, real Postgres and Redis)', () => {
  const vapid = webPush.generateVAPIDKeys();
  const clock = portDayClock('10:00:00');
  let api: TestApi;
  let push: LocalPushService;
  let firm: TestFirm;
  let staff: string;

  beforeAll(async () => {
    push = await new LocalPushService().start();
    api = await startApi(
      { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: SUBJECT },
      { clock },
    );
    await api.worker({ NOTIFY_CHANNELS: 'sms,webpush' });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 10, import: 10 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Push Transport', 4);
    staff = await portStaffToken(api, PORT);
  });

  afterAll(async () => {
    await api.close();
    await push.stop();
  });

  /** Books vehicle `i` into the slot holding the clock's instant; returns the booking and its driver's token. */
  const book = async (i: number) => {
    const now = clock.now().getTime();
    const slot = (await slotsOf(api, PORT, portDate())).find(
      (s) => Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt),
    );
    const booked = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot?.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
      .expect(201);
    const id = booked.body.id as string;
    return {
      id,
      reference: booked.body.reference as string,
      plate: (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[i]]))[0].plate as string,
      token: api.tokens.sign({ sub: id, role: 'driver', firmId: firm.id, portCode: PORT }),
    };
  };
  const subscription = (bookingId: string) =>
    api.ds.query('SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE booking_id = $1', [bookingId]) as Promise<
      Json[]
    >;
  const callNext = async () => {
    const lanes = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes as Json[];
    const lane = lanes.find((l) => l.direction === 'export') as Json;
    return (await api.http.post(`${API}/ports/${PORT}/lanes/${lane.id}/call-next`).set(bearer(staff)).expect(200))
      .body as Json;
  };

  it("the driver subscribes, staff call the truck: the push service gets a VAPID-signed message only the driver's browser can read", async () => {
    const truck = await book(0);
    const browser = browserKeys();
    const key = await api.http.get(`${API}/driver/push/key`).set(bearer(truck.token)).expect(200);
    expect(key.body).toEqual({ publicKey: vapid.publicKey });
    await api.http
      .put(`${API}/driver/push-subscription`)
      .set(bearer(truck.token))
      .send({ endpoint: `${push.origin}/first`, expirationTime: null, keys: browser.keys })
      .expect(204);
    // Subscribing again (a new sign-in, a renewed subscription) replaces it: one per booking.
    await api.http
      .put(`${API}/driver/push-subscription`)
      .set(bearer(truck.token))
      .send({ endpoint: `${push.origin}/ok`, keys: browser.keys })
      .expect(204);
    expect(await subscription(truck.id)).toEqual([{ endpoint: `${push.origin}/ok`, ...browser.keys }]);

    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: truck.plate }).expect(201);
    expect((await callNext()).bookingId).toBe(truck.id);
    const got = await until('the push', () => push.received.find((r) => r.path === '/ok') ?? false, SEND_LIMIT_MS);
    expect(got.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      ttl: expect.stringMatching(/^\d+$/),
      urgency: 'high',
    });
    verifyVapid(got.headers.authorization, vapid.publicKey, push.origin, clock.now());
    const message = JSON.parse(decrypt(got.body, browser.ecdh, browser.auth)) as Json;
    // createFirm's drivers speak Chinese: the export lane 1 and the port in their words; no code, no phone.
    expect(message).toEqual({
      type: 'called',
      reference: truck.reference,
      lane: expect.stringContaining('1'),
      port: '河口公路口岸',
      text: expect.stringContaining(message.lane as string),
    });
    expect(JSON.stringify(message)).not.toMatch(/\+86/);
    // The text message still goes out: SMS is the fallback for phones without a push service.
    await until('both channels sent', async () => {
      const sent = (await api.ds.query(
        `SELECT channel FROM notifications WHERE booking_id = $1 AND status = 'sent' ORDER BY channel`,
        [truck.id],
      )) as Json[];
      return sent.map((n) => n.channel).join() === 'sms,webpush';
    });

    // The booking ends: its subscription goes with it.
    await api.http.post(`${API}/bookings/${truck.id}/complete`).set(bearer(staff)).expect(200);
    await until('the subscription cleared', async () => (await subscription(truck.id)).length === 0);
  });

  it('a push service answering 410 (the browser dropped the subscription) has it deleted; nothing is retried', async () => {
    const truck = await book(1);
    const browser = browserKeys();
    await api.http
      .put(`${API}/driver/push-subscription`)
      .set(bearer(truck.token))
      .send({ endpoint: `${push.origin}/gone`, keys: browser.keys })
      .expect(204);
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: truck.plate }).expect(201);
    expect((await callNext()).bookingId).toBe(truck.id);
    await until('the push refused', () => push.received.some((r) => r.path === '/gone'), SEND_LIMIT_MS);
    const webpush = async () =>
      (await api.ds.query(`SELECT status, attempts FROM notifications WHERE booking_id = $1 AND channel = 'webpush'`, [
        truck.id,
      ])) as Json[];
    await until('the notification done', async () => (await webpush())[0]?.status === 'sent');
    expect(await webpush()).toEqual([{ status: 'sent', attempts: 1 }]);
    expect(await subscription(truck.id)).toEqual([]);
    expect(push.received.filter((r) => r.path === '/gone')).toHaveLength(1);
  });

  it('bad subscriptions are 400; another booking, a firm or nobody cannot touch a driver’s subscription', async () => {
    const mine = await book(2);
    const theirs = await book(3);
    const browser = browserKeys();
    const put = (token: string, body: unknown) =>
      api.http
        .put(`${API}/driver/push-subscription`)
        .set(bearer(token))
        .send(body as object);
    const good = { endpoint: `${push.origin}/mine`, keys: browser.keys };
    const compressed = Buffer.from(browser.keys.p256dh, 'base64url');
    compressed[0] = 3;
    for (const bad of [
      {},
      { endpoint: good.endpoint },
      { keys: good.keys },
      { ...good, endpoint: 'not a url' },
      { ...good, endpoint: 'ftp://127.0.0.1/push' },
      { ...good, endpoint: `http://user:pw@127.0.0.1:${push.origin.split(':')[2]}/x` },
      { ...good, endpoint: `${push.origin}/${'x'.repeat(1100)}` },
      { ...good, keys: { p256dh: good.keys.p256dh } },
      { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(1) } },
      { ...good, keys: { ...good.keys, p256dh: compressed.toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: randomBytes(12).toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: `${good.keys.auth.slice(0, 21)}+` } },
      { ...good, keys: 'p256dh' },
      { ...good, extra: true },
    ]) {
      const res = await put(mine.token, bad);
      expect({ bad, status: res.status, message: typeof res.body.message }).toEqual({
        bad,
        status: 400,
        message: expect.stringMatching(/^(string|object)$/),
      });
    }
    expect(await subscription(mine.id)).toEqual([]);

    await put(mine.token, good).expect(204);
    // The other booking's driver subscribes and unsubscribes its own only.
    await put(theirs.token, { ...good, endpoint: `${push.origin}/theirs` }).expect(204);
    await api.http.delete(`${API}/driver/push-subscription`).set(bearer(theirs.token)).expect(204);
    expect(await subscription(theirs.id)).toEqual([]);
    expect(await subscription(mine.id)).toEqual([{ endpoint: good.endpoint, ...good.keys }]);
    // Not a driver: refused.
    await put(firm.dispatcherToken, good).expect(403);
    await api.http.delete(`${API}/driver/push-subscription`).set(bearer(staff)).expect(403);
    await api.http.put(`${API}/driver/push-subscription`).send(good).expect(401);
    await api.http.get(`${API}/driver/push/key`).expect(401);
    // Its own: gone, and deleting again is fine.
    await api.http.delete(`${API}/driver/push-subscription`).set(bearer(mine.token)).expect(204);
    await api.http.delete(`${API}/driver/push-subscription`).set(bearer(mine.token)).expect(204);
    expect(await subscription(mine.id)).toEqual([]);
  });
});

describe('Web Push guards: off without VAPID keys; public https push services only', () => {
  let off: TestApi;
  let guarded: TestApi;
  let firm: TestFirm;
  const keys = browserKeys().keys;

  beforeAll(async () => {
    const vapid = webPush.generateVAPIDKeys();
    off = await startApi();
    guarded = await startApi({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: SUBJECT,
      WEBHOOK_ALLOW_PRIVATE: 'false',
    });
  });

  afterAll(async () => {
    await off?.close();
    await guarded?.close();
  });

  const driverOf = async (api: TestApi) => {
    firm = await createFirm(api, 'Guarded Transport');
    const [slot] = await slotsOf(api, PORT, portDate());
    const booked = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    return api.tokens.sign({ sub: booked.body.id as string, role: 'driver', firmId: firm.id, portCode: PORT });
  };

  it('without VAPID keys the channel is off: no key, no subscription', async () => {
    const token = await driverOf(off);
    const key = await off.http.get(`${API}/driver/push/key`).set(bearer(token)).expect(200);
    expect(key.body).toEqual({ publicKey: null });
    await off.http
      .put(`${API}/driver/push-subscription`)
      .set(bearer(token))
      .send({ endpoint: 'https://push.example.com/x', keys })
      .expect(404);
  });

  it('a push service on a private, loopback or plain-http address is refused', async () => {
    const token = await driverOf(guarded);
    const put = (endpoint: string) =>
      guarded.http.put(`${API}/driver/push-subscription`).set(bearer(token)).send({ endpoint, keys });
    expect((await put('http://93.184.215.14/push').expect(400)).body.code).toBe('bad_request');
    for (const endpoint of [
      'https://127.0.0.1/push',
      'https://10.1.2.3/push',
      'https://[::1]/push',
      'https://169.254.169.254/latest',
      'https://2130706433/push',
    ])
      expect({ endpoint, code: (await put(endpoint)).body.code }).toEqual({ endpoint, code: 'url_not_allowed' });
    // A public https address is stored (nothing is sent: no worker runs here).
    await put('https://93.184.215.14/push').expect(204);
  });
});
