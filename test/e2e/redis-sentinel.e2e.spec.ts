import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import request from 'supertest';
import {
  API,
  bearer,
  cargo,
  createFirm,
  Crew,
  crews,
  laneOf,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { AppProcess, freePort, until } from '../support/processes';
import { SentinelGroup } from '../support/sentinel';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Redis through Sentinel: the API and the worker run as real processes (from dist/, as `npm start` runs them) on a
 * master, a replica and three sentinels of this test's own, and follow them through a failover. The test SIGKILLs the
 * master in the middle of bookings, check-ins, call-nexts and logins, with deadline jobs coming due around the kill,
 * and shows: the replica is promoted and takes a write within 15 s; no request gets a 500 or a dropped connection;
 * every deadline fires; every webhook is delivered; every driver's socket shows what REST says again.
 */

const PORT_CODE = 'MENGKANG';
// Open round the clock and booked by the real time: the processes under test read the system clock (no test clock
// reaches them), so the slot of "now + 5 min" exists and may be checked into at any hour only on such a port. No
// grace after a slot: a moved slot's check-in window closes when it ends, the deadline the test watches.
const ALL_DAY = {
  openFrom: '00:00',
  openTo: '24:00',
  slotMinutes: 60,
  capacity: { export: 1000, import: 1000 },
  firmQuotaPercent: 100,
  checkInGraceMinutes: 0,
};
const WAITING = 30;
/** Seconds after the kill at which the deadline bookings' check-in windows close: before, during and after failover. */
const DEADLINES = [2, 4, 6, 9, 13, 18];
const CALL_EVERY = 6;
/** How long a process from dist/ may take to boot before the test gives up on it. */
const BOOT_MS = 90_000;
const HOOKED = ['booking.created', 'booking.checked_in', 'booking.called', 'booking.completed', 'booking.no_show'];

type Json = Record<string, unknown>;

interface Result {
  what: string;
  status: number | 'dropped';
  at: number;
  body?: unknown;
}

describe('Redis through Sentinel: the master SIGKILLed mid-traffic', () => {
  let api: TestApi;
  let group: SentinelGroup;
  let probe: Redis;
  let apiProcess: AppProcess;
  let worker: AppProcess;
  let receiver: WebhookReceiver;
  let url: string;
  let firm: TestFirm;
  let staffToken: string;
  let lane: string;
  let slotId: string;
  let trucks: Crew[];
  const drivers: Array<{ bookingId: string; token: string; socket: LiveClient }> = [];
  const sockets: LiveClient[] = [];
  const deadlines: Array<{ id: string; closesAt: number }> = [];
  const results: Result[] = [];
  let killedAt = 0;
  let failedOverAt = 0;
  let readyAgainAt = 0;

  const http = () => request(url);
  const book = (i: number) =>
    http()
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId, vehicleId: trucks[i].vehicleId, driverId: trucks[i].driverId, cargo: cargo() });
  const checkIn = (i: number) =>
    http().post(`${API}/ports/${PORT_CODE}/check-ins`).set(bearer(staffToken)).send({ plate: trucks[i].plate });
  const callNext = () => http().post(`${API}/ports/${PORT_CODE}/lanes/${lane}/call-next`).set(bearer(staffToken));
  const complete = (id: string) => http().post(`${API}/bookings/${id}/complete`).set(bearer(staffToken));
  const login = () =>
    http()
      .post(`${API}/auth/login`)
      .send({ email: `admin-${api.redisPrefix}@kouan.test`, password: 'admin-password' });

  /** Sends one request and records its answer (or that the connection dropped); resolves with the answer either way. */
  const track = async (what: string, req: PromiseLike<request.Response>) => {
    try {
      const res = await req;
      results.push({ what, status: res.status, at: Date.now(), body: res.body });
      return res;
    } catch {
      results.push({ what, status: 'dropped', at: Date.now() });
      return undefined;
    }
  };

  beforeAll(async () => {
    group = await new SentinelGroup().start();
    probe = group.client();
    receiver = await new WebhookReceiver().start();
    api = await startApi();
    await putSchedule(api, PORT_CODE, ALL_DAY);
    slotId = (await slotAt(api, PORT_CODE, 5 / 60)).id;
    firm = await createFirm(api, 'Sentinel Haulage', 0);
    trucks = await crews(api, firm, 600);
    staffToken = await portStaffToken(api, PORT_CODE);
    lane = await laneOf(api, PORT_CODE);
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: receiver.url, events: HOOKED })
      .expect(201);
    receiver.secret = hook.body.secret as string;

    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: api.dbUrl,
      ...group.env(),
      REDIS_PREFIX: `kouan-test-sentinel-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '8',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SECONDS: '0.5,0.5,0.5,0.5,0.5,0.5,0.5',
    };
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    apiProcess = new AppProcess('api', {
      ...env,
      PORT: String(port),
      // Logins go on all through the test, from one address and for one account: counted in Redis, never refused.
      PUBLIC_THROTTLE_LIMIT: '1000000',
      LOGIN_THROTTLE_LIMIT: '10000',
      LOGIN_ADDRESS_LIMIT: '100000',
      LOGIN_ACCOUNT_LIMIT: '100000',
    });
    // At info, the worker says when it has started.
    worker = new AppProcess('worker', { ...env, LOG_LEVEL: 'info' });
    const up = (p: AppProcess, check: () => Promise<boolean> | boolean) => async () => {
      if (!p.alive) throw new Error(`it died: ${p.exit}\n${p.output.join('')}`);
      return check();
    };
    // Hang limits, not budgets: two processes booting from dist/ on a loaded 2-core machine took over 30 s.
    await until(
      'the API process to be ready',
      up(apiProcess, async () => (await http().get('/ready')).status === 200),
      BOOT_MS,
    );
    await until(
      'the worker to start',
      up(worker, () => worker.said('worker started')),
      BOOT_MS,
    );

    // Trucks waiting in line, each driver's phone connected to the API process.
    for (let i = 0; i < WAITING; i++) {
      const res = await book(i).expect(201);
      await checkIn(i).expect(201);
      const token = api.tokens.sign({ sub: res.body.id, role: 'driver', firmId: firm.id, portCode: PORT_CODE });
      drivers.push({ bookingId: res.body.id, token, socket: await connectLive(url, sockets, { token }) });
    }
  }, 300_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    probe?.disconnect();
    await apiProcess?.stop();
    await worker?.stop();
    await group?.stop();
    await receiver?.stop();
    await api?.close();
  });

  /** A booked truck whose slot (moved here) ends, closing its check-in window, at `closesAt`. */
  async function closingAt(i: number, closesAt: number, hoursAhead: number): Promise<void> {
    const slot = await slotAt(api, PORT_CODE, hoursAhead);
    await api.ds.query(
      `UPDATE slots SET starts_at = $2::timestamptz - interval '1 hour', ends_at = $2::timestamptz WHERE id = $1`,
      [slot.id, new Date(closesAt)],
    );
    const res = await http()
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: trucks[i].vehicleId, driverId: trucks[i].driverId, cargo: cargo() })
      .expect(201);
    deadlines.push({ id: res.body.id as string, closesAt });
  }

  it('fails over within 15 s of the kill, and no request meanwhile gets a 500 or a dropped connection', async () => {
    // Deadlines around the kill: the first jobs are in Redis (and on the replica) when the master dies.
    const kill = Date.now() + 3000;
    for (const [k, s] of DEADLINES.entries()) await closingAt(WAITING + k, kill + s * 1000, 3 + 2 * k);
    await until('the deadline jobs in Redis', async () => (await probe.keys('*expire-overdue@*')).length > 0, 10_000);

    let stop = false;
    let next = WAITING + DEADLINES.length;
    let checkedIn = 0;
    const booker = async () => {
      // The last truck is kept for the second failover's deadline.
      while (!stop && next < trucks.length - 1) {
        const i = next++;
        const res = await track('book', book(i));
        if (res?.status === 201 && (await track('check-in', checkIn(i)))?.status === 201) checkedIn++;
      }
    };
    // One call per CALL_EVERY check-ins, half the watched drivers at most, the second quarter after the kill: the line
    // grows, so the connected drivers move up, calls are made across the kill, and half of the drivers still wait at
    // the end however fast the traffic runs.
    const caller = async () => {
      for (let calls = 1; !stop && calls <= WAITING / 2; calls++) {
        const res = await track('call-next', callNext());
        if (res?.status === 200) await track('complete', complete(res.body.bookingId as string));
        await until(
          'check-ins to go on',
          () => stop || (checkedIn >= calls * CALL_EVERY && (calls < WAITING / 4 || killedAt > 0)),
          60_000,
        );
      }
    };
    const logins = async () => {
      while (!stop) await track('login', login());
    };
    const traffic = Promise.all([booker(), booker(), caller(), logins()]);

    await until('traffic before the kill', () => Date.now() >= kill && results.length >= 20, 20_000);
    const oldMaster = await group.killMaster();
    killedAt = Date.now();
    const heard = results.length;
    // The first write that the promoted replica takes, through a client that finds the master as the processes do.
    await until(
      'a write through the new master',
      async () => (await probe.set('kouan-test:failover', String(killedAt))) === 'OK',
      30_000,
    );
    failedOverAt = Date.now();
    expect(await group.masterPort()).not.toBe(oldMaster);
    await until('the API to be ready again', async () => (await http().get('/ready')).status === 200, 30_000);
    readyAgainAt = Date.now();
    // Traffic goes on a while on the new master, then stops.
    const after = results.length;
    await until('traffic on the new master', () => results.length >= after + 40, 30_000);
    stop = true;
    await traffic;

    process.stdout.write(
      `sentinel failover: write through the new master ${failedOverAt - killedAt} ms after the kill, ` +
        `API ready ${readyAgainAt - killedAt} ms after; ${results.length} requests, ${results.length - heard} from the kill on\n`,
    );
    expect(failedOverAt - killedAt).toBeLessThan(15_000);
    const bad = results.filter((r) => r.status === 'dropped' || (r.status >= 500 && r.status !== 503));
    expect(bad).toEqual([]);
    // Only what needs Redis to answer safely (the login throttle) may say 503 while the master is away.
    for (const r of results.filter((x) => x.status === 503)) {
      expect(r.what).toBe('login');
      expect(r.body).toMatchObject({ statusCode: 503, code: 'unavailable' });
    }
    // Bookings, check-ins and calls need only Postgres: each was taken across the kill.
    for (const what of ['book', 'check-in', 'call-next', 'login'])
      expect(
        results.filter((r) => r.what === what && typeof r.status === 'number' && r.status < 300 && r.at > killedAt)
          .length,
      ).toBeGreaterThan(0);
    expect(apiProcess.alive).toBe(true);
    expect(worker.alive).toBe(true);
  }, 120_000);

  it('every deadline fires: the trucks that never came are no-shows, none before its window closed', async () => {
    const noShowAt = async (id: string) => {
      const [row] = await api.ds.query(
        `SELECT status, extract(epoch FROM updated_at) * 1000 AS at FROM bookings WHERE id = $1`,
        [id],
      );
      return row.status === 'no_show' ? Number(row.at) : false;
    };
    const fired = await Promise.all(deadlines.map((d) => until('the no-show', () => noShowAt(d.id), 60_000)));
    const late = deadlines.map((d, k) => fired[k] - Math.max(d.closesAt, failedOverAt));
    process.stdout.write(`deadlines after the later of their time and the failover: ${late.join(', ')} ms\n`);
    for (const [k, d] of deadlines.entries()) expect(fired[k]).toBeGreaterThanOrEqual(d.closesAt);
    // Due jobs that the promoted replica holds, or that the worker's sweep puts back on it, run once it is master and
    // the worker's connections are back (BullMQ's retries are a second apart): seconds, not the minutely backstop.
    expect(Math.max(...late)).toBeLessThan(10_000);
  }, 90_000);

  it('every webhook is delivered: each hooked event of the firm reached the receiver, signed', async () => {
    const expected = async () =>
      (
        await api.ds.query<Array<{ id: string }>>(
          `SELECT id FROM booking_events WHERE firm_id = $1 AND type = ANY($2) ORDER BY seq`,
          [firm.id, HOOKED],
        )
      ).map((e) => e.id);
    await until(
      'every event delivered',
      async () => {
        const got = new Set(receiver.accepted().map((b) => b.id));
        return (await expected()).every((id) => got.has(id));
      },
      60_000,
    );
    const ids = await expected();
    // Bookings, check-ins, calls, completions and no-shows from both sides of the kill.
    expect(ids.length).toBeGreaterThan(WAITING * 2 + DEADLINES.length * 2);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  }, 90_000);

  /** Waits until every driver's last booking:update shows what REST says (and returns REST); fails naming one that does not. */
  async function expectLiveEqualsRest(): Promise<Json[]> {
    const pick = (u: Json | undefined) =>
      u && JSON.stringify({ status: u.status, position: u.position, etaMinutes: u.etaMinutes, reason: u.reason });
    const rest = async () =>
      Promise.all(
        drivers.map(
          async (d) => (await http().get(`${API}/driver/booking`).set(bearer(d.token)).expect(200)).body as Json,
        ),
      );
    let last: Json[] = [];
    try {
      await until(
        'live = REST',
        async () => {
          last = await rest();
          return drivers.every((d, i) => pick(d.socket.of('booking:update').at(-1)) === pick(last[i]));
        },
        15_000,
      );
    } catch {
      const i = drivers.findIndex((d, k) => pick(d.socket.of('booking:update').at(-1)) !== pick(last[k]));
      expect({ truck: i, live: pick(drivers[i].socket.of('booking:update').at(-1)) }).toEqual({
        truck: i,
        live: pick(last[i]),
      });
    }
    return last;
  }

  it("every driver's socket shows again what REST says: the same status, position, ETA and reason", async () => {
    const rest = await expectLiveEqualsRest();
    // The sockets stayed connected through the failover; some drivers were called and done, others moved up.
    expect(drivers.every((d) => d.socket.socket.connected)).toBe(true);
    expect(rest.some((r) => r.status === 'completed')).toBe(true);
    expect(rest.some((r) => r.status === 'checked_in' && typeof r.position === 'number')).toBe(true);
  }, 60_000);

  it('a failover the sentinels are told to make, the old master alive and demoted: the processes write to the new one', async () => {
    await group.revive();
    const before = await group.masterPort();
    // The demoted master stays up, as a replica: its clients must find the promoted one (the sentinels close their
    // connections to it as they reconfigure it; each then asks them again).
    await group.failover();
    await until('the sentinels to name the other server', async () => (await group.masterPort()) !== before, 30_000);
    const logins: Result[] = [];
    await until(
      'a login counted on the new master',
      async () => {
        const res = await login();
        logins.push({ what: 'login', status: res.status, at: Date.now(), body: res.body });
        return res.status === 200;
      },
      30_000,
    );
    expect(logins.filter((r) => r.status !== 200 && r.status !== 503)).toEqual([]);
    // The worker's job queue moved too: a deadline a few seconds away fires.
    const closesAt = Date.now() + 3000;
    await closingAt(trucks.length - 1, closesAt, 3 + 2 * DEADLINES.length);
    const { id } = deadlines[deadlines.length - 1];
    const [row] = await until(
      'the no-show',
      async () => {
        const found = await api.ds.query(`SELECT status FROM bookings WHERE id = $1`, [id]);
        return found[0].status === 'no_show' ? found : false;
      },
      30_000,
    );
    expect(row.status).toBe('no_show');
    // And the live side: a call moves every waiting driver, and each socket hears it through the new master.
    const res = await callNext().expect(200);
    await complete(res.body.bookingId as string).expect(200);
    const rest = await expectLiveEqualsRest();
    expect(rest.some((r) => r.status === 'checked_in' && typeof r.position === 'number')).toBe(true);
  }, 90_000);
});

/**
 * TLS both ways: a master and a sentinel that clients can reach only by TLS (the sentinel names the master's TLS
 * port), with passwords. The API and the worker find the master through the sentinel and use it: readiness, the
 * login throttle's counters and the worker's BullMQ schedulers all cross those connections.
 */
describe('Redis through Sentinel over TLS', () => {
  let api: TestApi;
  let group: SentinelGroup;
  let probe: Redis;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    group = await new SentinelGroup({ tls: true, replicas: 0, sentinels: 1 }).start();
    probe = group.client();
    api = await startApi();
  }, 60_000);

  afterAll(async () => {
    probe?.disconnect();
    for (const p of processes) await p.stop();
    await group?.stop();
    await api?.close();
  });

  it('the API and the worker connect through a TLS sentinel to a TLS master: ready, logins counted, schedules made', async () => {
    const prefix = `kouan-test-sentinel-tls-${randomBytes(4).toString('hex')}`;
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: api.dbUrl,
      ...group.env(),
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '4',
    };
    const port = await freePort();
    const apiProcess = new AppProcess('api', { ...env, PORT: String(port) });
    processes.push(apiProcess, new AppProcess('worker', env));
    const http = () => request(`http://127.0.0.1:${port}`);
    await until(
      'the API process to be ready',
      async () => {
        if (!apiProcess.alive) throw new Error(`it died: ${apiProcess.exit}\n${apiProcess.output.join('')}`);
        return (await http().get('/ready')).status === 200;
      },
      BOOT_MS,
    );
    await http()
      .post(`${API}/auth/login`)
      .send({ email: `admin-${api.redisPrefix}@kouan.test`, password: 'admin-password' })
      .expect(200);
    await until(
      'the throttle counters and the schedules in Redis',
      async () => {
        const keys = await probe.keys(`${prefix}:*`);
        return keys.some((k) => k.includes('throttle')) && keys.some((k) => k.startsWith(`${prefix}:bull:`));
      },
      30_000,
    );
    // Every client of the API came this way (the only address they were given is the sentinel's TLS port).
    const names = [...String(await probe.client('LIST')).matchAll(/ name=(\S+)/g)].map((m) => m[1]);
    expect(names).toEqual(
      expect.arrayContaining([
        'kouan:shared',
        'kouan:socket.io',
        'kouan:socket.io-read',
        'kouan:live-publisher',
        'kouan:live-publisher-read',
        'kouan:sessions-ended',
      ]),
    );
    expect(processes.every((p) => p.alive)).toBe(true);
  }, 180_000);
});
