import http from 'node:http';
import type { Pool } from 'pg';
import type { Response } from 'supertest';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { API, bearer, cargo, createFirm, portDate, slotsOf, startApi, TestApi } from '../support/harness';
import { connectLive, LiveClient, refusedLive } from '../support/live-client';
import { until } from '../support/processes';

/**
 * Issue 6 "Hardening", the limits: sign-in throttled per address, per address and account, and per account;
 * anonymous routes and driver sessions per address; socket `subscribe` per address; socket.io origins.
 * Every request of a test comes from 127.0.0.1, so each test poses as client addresses of its own with
 * X-Forwarded-For (Express and the socket gate trust it from loopback).
 */

const LOGIN_ADDRESS_LIMIT = 5;
const LOGIN_ACCOUNT_LIMIT = 8;
const PUBLIC_LIMIT = 20;
const SESSION_ADDRESS_LIMIT = 3;
/** LOGIN_THROTTLE_LIMIT's default: wrong passwords per address and account in a minute. */
const ADDRESS_ACCOUNT_LIMIT = 10;
/** Hard-coded in the gateway. */
const SUBSCRIBES_PER_MINUTE = 60;
const BOARD_ORIGIN = 'https://board.kouan.example';
const EVIL_ORIGIN = 'https://evil.example';

let addressSeq = 0;
/** A client address no other test uses (TEST-NET-3, 203.0.113.0/24, then 198.51.100.0/24). */
const newAddress = () => {
  addressSeq += 1;
  return addressSeq < 250 ? `203.0.113.${addressSeq}` : `198.51.100.${addressSeq - 249}`;
};
const from = (address: string) => ({ 'X-Forwarded-For': address });

function expectTooMany(res: Response) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual(
    expect.objectContaining({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'too_many_requests',
      message: expect.stringMatching(/\S/),
    }),
  );
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.body).not.toHaveProperty('accessToken');
}

describe('hardening: limits', () => {
  const clients: LiveClient[] = [];
  /** Closes this describe's sockets, then its API. */
  /** The API's own Postgres pool (node-postgres, under TypeORM's driver). */
  const poolOf = (api: TestApi) => (api.ds.driver as PostgresDriver).master as Pool;
  const shutDown = (api: TestApi) => {
    for (const c of clients.splice(0)) c.close();
    return api.close();
  };

  describe('with low per-address and per-account limits, CORS_ORIGINS unset', () => {
    let api: TestApi;
    let firmId: string;
    let seq = 0;

    beforeAll(async () => {
      api = await startApi({
        LOGIN_ADDRESS_LIMIT: String(LOGIN_ADDRESS_LIMIT),
        LOGIN_ACCOUNT_LIMIT: String(LOGIN_ACCOUNT_LIMIT),
        PUBLIC_THROTTLE_LIMIT: String(PUBLIC_LIMIT),
        DRIVER_SESSION_ADDRESS_LIMIT: String(SESSION_ADDRESS_LIMIT),
      });
      const firm = await api.http
        .post(`${API}/firms`)
        .set(bearer(api.adminToken))
        .send({ name: 'Throttle Freight', country: 'CN', contactEmail: 'ops@throttle.example' })
        .expect(201);
      firmId = firm.body.id;
    });
    afterAll(() => shutDown(api));

    const newUser = async () => {
      seq += 1;
      const user = { email: `limits${seq}@throttle.example`, password: `password-${seq}-long-enough` };
      await api.http
        .post(`${API}/firms/${firmId}/users`)
        .set(bearer(api.adminToken))
        .send({ ...user, role: 'dispatcher' })
        .expect(201);
      return user;
    };
    const login = (address: string, email: string, password: string) =>
      api.http.post(`${API}/auth/login`).set(from(address)).send({ email, password });

    it(`logins for 30 different emails from one address → 429 after ${LOGIN_ADDRESS_LIMIT}; another address still logs in`, async () => {
      const attacker = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await login(attacker, `nobody-${i}@throttle.example`, 'some-password');
        statuses.push(res.status);
        if (res.status === 429) expectTooMany(res);
      }
      expect(statuses).toEqual([...Array(LOGIN_ADDRESS_LIMIT).fill(401), ...Array(30 - LOGIN_ADDRESS_LIMIT).fill(429)]);
      const user = await newUser();
      expectTooMany(await login(attacker, user.email, user.password));
      await login(newAddress(), user.email, user.password).expect(200);
    });

    it(`one account guessed from a new address each time → 429 after ${LOGIN_ACCOUNT_LIMIT}, even with the right password`, async () => {
      const victim = await newUser();
      const bystander = await newUser();
      for (let i = 0; i < LOGIN_ACCOUNT_LIMIT; i++)
        await login(newAddress(), victim.email, `wrong-guess-${i}`).expect(401);
      expectTooMany(await login(newAddress(), victim.email, victim.password));
      expectTooMany(await login(newAddress(), victim.email.toUpperCase(), victim.password));
      // the count is the account's: other accounts are untouched
      await login(newAddress(), bystander.email, bystander.password).expect(200);
    });

    it(`anonymous routes: 429 after ${PUBLIC_LIMIT} from one address across routes (pages and probes exempt), another address still 200`, async () => {
      const busy = newAddress();
      for (let i = 0; i < PUBLIC_LIMIT; i++) await api.http.get(`${API}/ports`).set(from(busy)).expect(200);
      expectTooMany(await api.http.get(`${API}/ports`).set(from(busy)));
      // One allowance per address across the anonymous API, not one per route.
      expectTooMany(await api.http.get(`${API}/ports/MOHAN/queue`).query({ direction: 'export' }).set(from(busy)));
      // Pages and probes are not counted: a post's phones share one address, and load balancers probe often.
      await api.http.get('/d').set(from(busy)).expect(200);
      await api.http.get('/health').set(from(busy)).expect(200);
      await api.http.get(`${API}/ports`).set(from(newAddress())).expect(200);
    });

    it(`driver sessions → 429 after ${SESSION_ADDRESS_LIMIT} from one address (also with the right code), another address 200`, async () => {
      const firm = await createFirm(api, 'Session Haulage', 1);
      const slot = (await slotsOf(api, 'MOHAN', portDate())).find((s) => s.bookable)!;
      const booked = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
        .expect(201);
      const open = (address: string) =>
        api.http
          .post(`${API}/driver/session`)
          .set(from(address))
          .send({ reference: booked.body.reference, driverCode: booked.body.driverCode });
      const post = newAddress();
      for (let i = 0; i < SESSION_ADDRESS_LIMIT; i++) await open(post).expect(200);
      expectTooMany(await open(post));
      // also a wrong code from that address is refused before it is checked
      expectTooMany(
        await api.http
          .post(`${API}/driver/session`)
          .set(from(post))
          .send({ reference: 'MOHAN-20260101-ZZZZ', driverCode: '000000' }),
      );
      await open(newAddress()).expect(200);
    });

    it(`socket subscribe: ${SUBSCRIBES_PER_MINUTE} a minute per address, the rest refused; another address still subscribes`, async () => {
      const board = await connectLive(api.url, clients);
      const answers = [];
      for (let i = 0; i < SUBSCRIBES_PER_MINUTE + 10; i++)
        answers.push(await board.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' }));
      expect(answers.slice(0, SUBSCRIBES_PER_MINUTE)).toEqual(Array(SUBSCRIBES_PER_MINUTE).fill({ ok: true }));
      for (const a of answers.slice(SUBSCRIBES_PER_MINUTE)) {
        expect(a).toEqual({ ok: false, error: expect.stringMatching(/too many subscribes/) });
      }
      // a new socket from the same address does not start a new count
      const again = await connectLive(api.url, clients);
      expect(await again.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' })).toEqual({
        ok: false,
        error: expect.any(String),
      });
      const elsewhere = await connectLive(api.url, clients, { headers: from(newAddress()) });
      expect(await elsewhere.emitWithAck('subscribe', { port: 'MOHAN', direction: 'export' })).toEqual({ ok: true });
      await elsewhere.waitFor('queue:update');
    });

    it('socket.io origins with CORS_ORIGINS unset: a foreign Origin is refused; same-origin and no Origin connect', async () => {
      const err = await refusedLive(api.url, clients, { headers: { Origin: EVIL_ORIGIN } });
      expect(err.message).toMatch(/\S/);
      const same = await connectLive(api.url, clients, { headers: { Origin: api.url } });
      const noOrigin = await connectLive(api.url, clients);
      expect([same.socket.connected, noOrigin.socket.connected]).toEqual([true, true]);
      // an origin is allowed only once listed in CORS_ORIGINS
      await refusedLive(api.url, clients, { headers: { Origin: BOARD_ORIGIN } });
    });
  });

  describe('with DB_IDLE_SECONDS=1', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startApi({ DB_IDLE_SECONDS: '1' });
    });
    afterAll(() => shutDown(api));

    it('closes a pooled connection idle that long (well before the 10 s pg would keep it)', async () => {
      await api.http.get(`${API}/ports`).expect(200);
      expect(poolOf(api).totalCount).toBeGreaterThan(0);
      await until('the idle connections closed', () => poolOf(api).totalCount === 0, 5000);
    });
  });

  describe(`with the default login limits and CORS_ORIGINS=${BOARD_ORIGIN}`, () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startApi({ CORS_ORIGINS: BOARD_ORIGIN });
    });
    afterAll(() => shutDown(api));

    it("keeps an idle kept-alive connection open past Node's own 5 s (HTTP_KEEP_ALIVE_SECONDS, 65): the next request reuses it", async () => {
      // One connection, as a camera or a firm's system posting every few seconds holds it.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = () =>
        new Promise<{ status?: number; keepAlive?: string | string[]; reused: boolean }>((resolve, reject) => {
          const req = http.get(`${api.url}/health`, { agent }, (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode, keepAlive: res.headers['keep-alive'], reused: req.reusedSocket }),
            );
          });
          req.on('error', reject);
        });
      try {
        expect(await get()).toMatchObject({ status: 200, keepAlive: 'timeout=65', reused: false });
        // Idle longer than Node's default keepAliveTimeout (5 s), which closed the connection under a client reusing it.
        await new Promise((resolve) => setTimeout(resolve, 5500));
        expect(await get()).toMatchObject({ status: 200, reused: true });
      } finally {
        agent.destroy();
      }
    });

    it("keeps idle Postgres connections DB_IDLE_SECONDS (600), not pg's own 10 s: their prepared statements stay planned", () => {
      expect(poolOf(api).options.idleTimeoutMillis).toBe(600_000);
    });

    it(`an attacker's ${ADDRESS_ACCOUNT_LIMIT + 1} wrong passwords for the admin do not lock the admin out from another address`, async () => {
      const email = `admin-${api.redisPrefix}@kouan.test`;
      const attacker = newAddress();
      const login = (address: string, password: string) =>
        api.http.post(`${API}/auth/login`).set(from(address)).send({ email, password });
      for (let i = 0; i < ADDRESS_ACCOUNT_LIMIT; i++) await login(attacker, `wrong-password-${i}`).expect(401);
      expectTooMany(await login(attacker, `wrong-password-${ADDRESS_ACCOUNT_LIMIT}`));
      // the attacker stays stopped, even when it learns the password
      expectTooMany(await login(attacker, 'admin-password'));
      const res = await login(newAddress(), 'admin-password').expect(200);
      expect(res.body.role).toBe('port_admin');
    });

    it('socket.io origins: the listed origin and same-origin connect, a foreign one is refused', async () => {
      const listed = await connectLive(api.url, clients, { headers: { Origin: BOARD_ORIGIN } });
      const same = await connectLive(api.url, clients, { headers: { Origin: api.url } });
      expect([listed.socket.connected, same.socket.connected]).toEqual([true, true]);
      expect((await refusedLive(api.url, clients, { headers: { Origin: EVIL_ORIGIN } })).message).toMatch(/\S/);
    });
  });
});
