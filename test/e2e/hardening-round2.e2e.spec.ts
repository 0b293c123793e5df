import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { API, bearer, createFirm, startApi, TestApi, TestFirm } from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { freePort } from '../support/processes';
import { RawSocket } from '../support/raw-socket';

/**
 * Issue 16 "second hardening round" (contract: Additions (third round) → Hardening, second round), the limits
 * part, one test per finding of the probe, each sent as the attacker sent it:
 * - the JSON depth check was scanned on bytes in whatever charset the client named: UTF-16 (whose CJK
 *   characters hold a `"` byte) hid 190,000 nested arrays from it → 500; bodies must now be UTF-8 (415), and
 *   depth and size are checked on the inflated body (gzip, deflate, br);
 * - socket.io messages had no depth or size limit: a raw frame of 400,000 nested arrays stalled the process;
 * - X-Forwarded-For was believed from any private address: TRUSTED_PROXIES now decides;
 * - /metrics was public: METRICS_TOKEN asks for a bearer token, METRICS_PORT moves it to loopback.
 */

const METRICS_TOKEN = 'metrics-token-of-the-e2e-test';

/** Arrays nested `levels` deep around `inner`: `[[[inner]]]`. */
const arrays = (levels: number, inner = '') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
/** The probe's body: a string holding U+4E22 (丢, bytes 22 4E in UTF-16LE: a `"` to a byte scanner), then deep arrays. */
const PROBE_BODY = `{"note":"丢","cargo":${arrays(190_000)}}`;

const messageOf = (res: Response) => {
  const m = (res.body as { message?: unknown }).message;
  return Array.isArray(m) ? m.join('\n') : String(m);
};

function expectContractError(res: Response, status: number) {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status,
    body: expect.objectContaining({
      statusCode: status,
      error: expect.stringMatching(/\S/),
      message: expect.anything(),
    }),
  });
  expect(messageOf(res)).toMatch(/\S/);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
}

let addressSeq = 0;
/** A client address no other test of this file uses (TEST-NET-2). */
const newAddress = () => `198.51.100.${++addressSeq}`;

describe('hardening, second round: limits', () => {
  const clients: LiveClient[] = [];
  const raws: RawSocket[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const r of raws.splice(0)) r.close();
  });

  describe('with METRICS_TOKEN set and the default TRUSTED_PROXIES', () => {
    let api: TestApi;
    let firm: TestFirm;

    beforeAll(async () => {
      api = await startApi({ METRICS_TOKEN });
      firm = await createFirm(api, 'Round Two Freight', 1);
    });
    afterAll(() => api.close());

    /** POST /bookings as the firm's dispatcher with these very bytes (superagent would send a Buffer as JSON) and headers. */
    const post = (body: Buffer | string, headers: Record<string, string>) =>
      api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .set(headers)
        .serialize((b: Buffer | string) => b as string)
        .send(body);
    const health = async () => (await api.http.get('/health')).status;

    describe('JSON bodies', () => {
      it('the probe: UTF-16LE with a 丢 and 190,000 nested arrays → 415 naming UTF-8, and /health still answers', async () => {
        const body = Buffer.from(PROBE_BODY, 'utf16le');
        expect(body.length).toBeLessThan(1024 * 1024);
        const res = await post(body, { 'Content-Type': 'application/json; charset=utf-16le' });
        expectContractError(res, 415);
        expect(messageOf(res)).toMatch(/UTF-8/);
        expect(await health()).toBe(200);
      });

      it('every charset but UTF-8 → 415, also with a shallow body; UTF-8 named in any case, or none, is parsed', async () => {
        const shallow = { note: '丢' };
        for (const [charset, encoding] of [
          ['utf-16le', 'utf16le'],
          ['UTF-16', 'utf16le'],
          ['latin1', 'latin1'],
          ['utf-32', 'utf8'],
        ] as const) {
          const res = await post(Buffer.from(JSON.stringify(shallow), encoding), {
            'Content-Type': `application/json; charset=${charset}`,
          });
          expect({ charset, status: res.status }).toEqual({ charset, status: 415 });
          expectContractError(res, 415);
        }
        for (const type of [
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset="UTF-8"',
        ]) {
          const res = await post(JSON.stringify(shallow), { 'Content-Type': type });
          // parsed, then refused by validation for what the body lacks (not for its charset)
          expectContractError(res, 400);
          expect({ type, message: messageOf(res) }).toEqual({ type, message: expect.stringMatching(/slotId/) });
        }
      });

      it('the probe in UTF-8 → 400 naming the depth limit', async () => {
        const res = await post(PROBE_BODY, { 'Content-Type': 'application/json; charset=utf-8' });
        expectContractError(res, 400);
        expect(messageOf(res)).toMatch(/nested deeper than 32/);
        expect(await health()).toBe(200);
      });

      const compressors = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };

      it.each(Object.keys(compressors) as Array<keyof typeof compressors>)(
        '%s: a small request inflating to 1,000,000 nested arrays → 400; the probe in UTF-16 → 415; /health answers',
        async (encoding) => {
          const compress = compressors[encoding];
          const deep = compress(Buffer.from(arrays(500_000)));
          expect(deep.length).toBeLessThan(10_000);
          const refused = await post(deep, { 'Content-Type': 'application/json', 'Content-Encoding': encoding });
          expectContractError(refused, 400);
          expect(messageOf(refused)).toMatch(/nested deeper than 32/);
          const probe = await post(compress(Buffer.from(PROBE_BODY, 'utf16le')), {
            'Content-Type': 'application/json; charset=utf-16le',
            'Content-Encoding': encoding,
          });
          expectContractError(probe, 415);
          expect(await health()).toBe(200);
          // an honest compressed body is read as usual
          const honest = await post(compress(Buffer.from(JSON.stringify({ note: '丢' }))), {
            'Content-Type': 'application/json',
            'Content-Encoding': encoding,
          });
          expect(messageOf(honest)).toMatch(/slotId/);
        },
      );

      it('a gzip bomb (30 KB inflating to 30 MB) → 413: the 1 MiB limit counts inflated bytes; /health answers', async () => {
        const bomb = gzipSync(Buffer.from(`{"note":"${' '.repeat(30 * 1024 * 1024)}"}`), { level: 9 });
        expect(bomb.length).toBeLessThan(64 * 1024);
        const res = await post(bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        expectContractError(res, 413);
        expect(await health()).toBe(200);
        // the sign-in routes' 4 KiB cap counts inflated bytes too
        const login = gzipSync(Buffer.from(JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(5 * 1024) })));
        expect(login.length).toBeLessThan(4 * 1024);
        const res2 = await api.http
          .post(`${API}/auth/login`)
          .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
          .serialize((b: Buffer) => b as unknown as string)
          .send(login);
        expectContractError(res2, 413);
      });

      it('many refused bodies at once: no 5xx, and /health answers among them', async () => {
        const attempts = [
          post(Buffer.from(PROBE_BODY, 'utf16le'), { 'Content-Type': 'application/json; charset=utf-16le' }),
          post(gzipSync(Buffer.from(PROBE_BODY, 'utf16le')), {
            'Content-Type': 'application/json; charset=utf-16le',
            'Content-Encoding': 'gzip',
          }),
          post(gzipSync(Buffer.from(arrays(500_000))), {
            'Content-Type': 'application/json',
            'Content-Encoding': 'gzip',
          }),
          post(PROBE_BODY, { 'Content-Type': 'application/json' }),
        ];
        const [h, ...statuses] = await Promise.all([health(), ...attempts.map(async (a) => (await a).status)]);
        expect({ health: h, statuses }).toEqual({ health: 200, statuses: [415, 415, 400, 400] });
      });
    });

    describe('socket.io messages', () => {
      /** An anonymous client on /live, joined by hand. */
      const joined = async (headers: Record<string, string> = {}) => {
        const raw = await RawSocket.open(api.url, headers);
        raws.push(raw);
        expect(await raw.join()).toMatch(/^40\/live,\{"sid":/);
        return raw;
      };
      const ackOf = (id: number) => (f: string) => f.startsWith(`43/live,${id}[`);
      /** The server still serves sockets: a new client subscribes and gets its board. */
      const stillServes = async () => {
        const board = await connectLive(api.url, clients, { headers: { 'X-Forwarded-For': newAddress() } });
        expect(await board.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' })).toEqual({ ok: true });
        expect(await health()).toBe(200);
      };

      it('the probe: 42/live,["subscribe", 400,000 nested arrays] (800 KB) → the connection is closed, no handler ran', async () => {
        const raw = await joined();
        raw.send(`42/live,1["subscribe",${arrays(400_000)}]`);
        expect(await raw.closeOr(ackOf(1))).toEqual({ closed: 1009 });
        await stillServes();
      });

      it('20 KB of 10,000 nested arrays (under the size cap) → closed before the handler: no ack', async () => {
        const raw = await joined();
        const frame = `42/live,2["subscribe",${arrays(10_000)}]`;
        expect(frame.length).toBeLessThan(64 * 1024);
        raw.send(frame);
        expect(await raw.closeOr(ackOf(2))).toEqual({ closed: expect.any(Number) });
        await stillServes();
      });

      it('an argument nested 32 levels reaches the handler (which refuses it); 33 levels close the connection', async () => {
        const raw = await joined();
        raw.send(`42/live,3["subscribe",${arrays(32)}]`);
        const answered = await raw.closeOr(ackOf(3));
        expect(answered).toEqual({ frame: expect.stringMatching(/"ok":false/) });
        raw.send(`42/live,4["subscribe",${arrays(33)}]`);
        expect(await raw.closeOr(ackOf(4))).toEqual({ closed: expect.any(Number) });
      });

      it('a 100 KB flat message (over the 64 KB cap) → closed unread: no ack', async () => {
        const raw = await joined();
        raw.send(`42/live,5["subscribe",{"port":"${'M'.repeat(100 * 1024)}","direction":"export"}]`);
        expect(await raw.closeOr(ackOf(5))).toEqual({ closed: 1009 });
        await stillServes();
      });

      it('deep nesting in a binary event (the recursive rebuild) and in the CONNECT payload → closed', async () => {
        const binary = await joined();
        binary.send(`451-/live,6["subscribe",${arrays(5_000, '{"_placeholder":true,"num":0}')}]`);
        binary.send(Buffer.from([1, 2, 3]));
        expect(await binary.closeOr(ackOf(6))).toEqual({ closed: expect.any(Number) });

        const connect = await RawSocket.open(api.url);
        raws.push(connect);
        connect.send(`40/live,{"token":${arrays(5_000)}}`);
        expect(await connect.closeOr((f) => f.startsWith('40/live,') || f.startsWith('44/live,'))).toEqual({
          closed: expect.any(Number),
        });
        await stillServes();
      });
    });

    describe('GET /metrics', () => {
      it('401 in the contract shape without the token or with another; 200 with it', async () => {
        const none = await api.http.get('/metrics');
        expectContractError(none, 401);
        expect(none.headers['www-authenticate']).toBe('Bearer');
        expect(none.text).not.toMatch(/nodejs_version_info|process_resident_memory/);
        expectContractError(await api.http.get('/metrics').set(bearer(`${METRICS_TOKEN}x`)), 401);
        expectContractError(await api.http.get('/metrics').set(bearer(METRICS_TOKEN.slice(0, -1))), 401);
        expectContractError(await api.http.get('/metrics').set({ Authorization: METRICS_TOKEN }), 401);
        // a staff member's access token is not the metrics token
        expectContractError(await api.http.get('/metrics').set(bearer(api.adminToken)), 401);
        const ok = await api.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
        expect(ok.text).toMatch(/^nodejs_version_info/m);
      });
    });

    it('X-Forwarded-For from 127.0.0.1 counts while loopback is trusted: each forwarded address has its own subscribe allowance', async () => {
      const first = await connectLive(api.url, clients, { headers: { 'X-Forwarded-For': newAddress() } });
      for (let i = 0; i < 60; i++) await first.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' });
      expect(await first.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' })).toEqual({
        ok: false,
        error: expect.stringMatching(/too many subscribes/),
      });
      const second = await connectLive(api.url, clients, { headers: { 'X-Forwarded-For': newAddress() } });
      expect(await second.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' })).toEqual({ ok: true });
    });
  });

  describe('TRUSTED_PROXIES decides whose X-Forwarded-For counts', () => {
    const LIMIT = 5;
    const anonymous = (api: TestApi, address: string) =>
      api.http.get(`${API}/ports`).set({ 'X-Forwarded-For': address });

    describe("default (loopback): a proxy on this machine forwards each client's address", () => {
      let api: TestApi;
      beforeAll(async () => {
        api = await startApi({ PUBLIC_THROTTLE_LIMIT: String(LIMIT) });
      });
      afterAll(() => api.close());

      it(`two forwarded addresses have ${LIMIT} anonymous requests each`, async () => {
        const [a, b] = [newAddress(), newAddress()];
        for (let i = 0; i < LIMIT; i++) await anonymous(api, a).expect(200);
        expect((await anonymous(api, a)).status).toBe(429);
        await anonymous(api, b).expect(200);
      });
    });

    describe('TRUSTED_PROXIES=10.0.0.1: requests from 127.0.0.1 are taken at that address', () => {
      let api: TestApi;
      beforeAll(async () => {
        api = await startApi({ PUBLIC_THROTTLE_LIMIT: String(LIMIT), TRUSTED_PROXIES: '10.0.0.1' });
      });
      afterAll(() => api.close());

      it(`two X-Forwarded-For values share one allowance of ${LIMIT} anonymous requests`, async () => {
        const [a, b] = [newAddress(), newAddress()];
        for (let i = 0; i < LIMIT; i++) await anonymous(api, a).expect(200);
        const refused = await anonymous(api, b);
        expectContractError(refused, 429);
      });

      it('and share one allowance of socket subscribes (the gateway applies the same list)', async () => {
        const first = await connectLive(api.url, clients, { headers: { 'X-Forwarded-For': newAddress() } });
        for (let i = 0; i < 60; i++) await first.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' });
        const second = await connectLive(api.url, clients, { headers: { 'X-Forwarded-For': newAddress() } });
        expect(await second.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' })).toEqual({
          ok: false,
          error: expect.stringMatching(/too many subscribes/),
        });
      });
    });
  });

  describe('METRICS_PORT: /metrics on a listener of its own on 127.0.0.1', () => {
    let api: TestApi;
    let metricsPort: number;

    /** GET on the metrics listener, by plain node:http (supertest would start a server of its own). */
    const scrape = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: metricsPort, path, headers }, (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (chunk: string) => (text += chunk))
            .on('end', () => {
              resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text });
            });
        });
        req.on('error', reject).end();
      });

    /** The local address the kernel lists for a socket listening on `port` (from /proc/net/tcp and tcp6). */
    const listeningOn = (port: number) => {
      const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
      return ['/proc/net/tcp', '/proc/net/tcp6']
        .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n').slice(1))
        .map((line) => line.trim().split(/\s+/))
        .filter(([, local, , state]) => state === '0A' && local.endsWith(`:${hexPort}`))
        .map(([, local]) => local.split(':')[0]);
    };

    let closed = false;

    beforeAll(async () => {
      metricsPort = await freePort();
      api = await startApi({ METRICS_PORT: String(metricsPort), METRICS_TOKEN });
    });
    afterAll(() => (closed ? undefined : api.close()));

    it('serves it there (with the token), only on loopback, and answers 404 on the API port', async () => {
      expect(listeningOn(metricsPort)).toEqual(['0100007F']);
      const ok = await scrape('/metrics', bearer(METRICS_TOKEN));
      expect({ status: ok.status, type: ok.type }).toEqual({
        status: 200,
        type: expect.stringMatching(/^text\/plain/),
      });
      expect(ok.text).toMatch(/^nodejs_version_info/m);
      const refused = await scrape('/metrics');
      expect({ status: refused.status, body: JSON.parse(refused.text) as unknown }).toEqual({
        status: 401,
        body: { statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/METRICS_TOKEN/) },
      });
      expect((await scrape('/health', bearer(METRICS_TOKEN))).status).toBe(404);
      expectContractError(await api.http.get('/metrics').set(bearer(METRICS_TOKEN)), 404);
    });

    it('stops with the app', async () => {
      closed = true;
      await api.close();
      await expect(scrape('/metrics', bearer(METRICS_TOKEN))).rejects.toThrow(/ECONNREFUSED/);
      expect(listeningOn(metricsPort)).toEqual([]);
    });
  });
});
