import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import request from 'supertest';
import { redisOptions } from '@kouan/config';
import { JobQueue } from '@kouan/jobs';
import {
  API,
  bearer,
  cargo,
  createFirm,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { AppProcess, freePort, OwnRedis, until } from '../support/processes';

/**
 * Redis is not a single point of failure. The API and the worker run as real processes (from dist/, as
 * `npm start` runs them) on a redis-server of this test's own, which the test SIGKILLs in the middle of a burst
 * of bookings, check-ins and call-nexts, then starts again (empty, like the development Redis). Postgres stays
 * up throughout and is the source of truth.
 */

const PORT_CODE = 'MENGKANG';
const ZONE = 'Asia/Shanghai';
// Open round the clock, and booked by the real time: the API and the worker under test are real processes from dist/
// (a crash must be a crash), which read the system clock; no test clock reaches them. The slot of "now + 5 min"
// exists and may be checked into at any hour only on such a port.
const ALL_DAY = {
  openFrom: '00:00',
  openTo: '24:00',
  slotMinutes: 60,
  capacity: { export: 300, import: 300 },
  firmQuotaPercent: 100,
};

type Json = Record<string, unknown>;

interface Truck {
  id: string;
  plate: string;
  vehicleId: string;
  driverId: string;
}

describe('Redis outage', () => {
  let api: TestApi;
  let redis: OwnRedis;
  let apiProcess: AppProcess;
  let worker: AppProcess;
  let url: string;
  let firm: TestFirm;
  let staffToken: string;
  let exportLane: string;
  let slotId: string;
  let vehicles: Array<{ id: string; plate: string }>;
  let drivers: Array<{ id: string }>;
  const booked: Truck[] = [];
  const sockets: LiveClient[] = [];
  let driver: LiveClient;
  let board: LiveClient;
  let driverToken: string;
  let versionBefore: number;
  const ownPrefix = `kouan-test-outage-${randomBytes(4).toString('hex')}`;

  const http = () => request(url);
  const book = (i: number) =>
    http()
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId, vehicleId: vehicles[i].id, driverId: drivers[i].id, cargo: cargo() });
  const checkIn = (plate: string) =>
    http().post(`${API}/ports/${PORT_CODE}/check-ins`).set(bearer(staffToken)).send({ plate });
  const callNext = () => http().post(`${API}/ports/${PORT_CODE}/lanes/${exportLane}/call-next`).set(bearer(staffToken));

  const connect = (token?: string) => connectLive(url, sockets, { token });

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    api = await startApi();
    await putSchedule(api, PORT_CODE, ALL_DAY);
    const soon = DateTime.now().setZone(ZONE).plus({ minutes: 5 });
    const slot = (await slotsOf(api, PORT_CODE, soon.toISODate() as string)).find(
      (s) => Date.parse(s.startsAt) <= soon.toMillis() && soon.toMillis() < Date.parse(s.endsAt),
    );
    slotId = slot!.id;
    firm = await createFirm(api, 'Outage Haulage', 0);
    const tag = randomBytes(3).toString('hex').toUpperCase();
    vehicles = await api.ds.query(
      `INSERT INTO vehicles (firm_id, plate, country)
       SELECT $1, '云K' || $2 || lpad(g::text, 3, '0'), 'CN' FROM generate_series(1, 120) g ORDER BY g RETURNING id, plate`,
      [firm.id, tag],
    );
    drivers = await api.ds.query(
      `INSERT INTO drivers (firm_id, name, phone, licence_no, language)
       SELECT $1, 'Driver ' || g, '+86139' || lpad(g::text, 8, '0'), 'L-' || g, 'lo' FROM generate_series(1, 120) g ORDER BY g RETURNING id`,
      [firm.id],
    );
    staffToken = await portStaffToken(api, PORT_CODE);
    exportLane = (await api.http.get(`${API}/ports/${PORT_CODE}`).expect(200)).body.lanes.find(
      (l: Json) => l.direction === 'export',
    ).id;

    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: api.dbUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: ownPrefix,
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '8',
    };
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    apiProcess = new AppProcess('api', { ...env, PORT: String(port), PUBLIC_THROTTLE_LIMIT: '100000' });
    worker = new AppProcess('worker', env);
    await until('the API process to answer /health', async () => (await http().get('/health')).status === 200, 30_000);

    // 20 trucks booked and checked in, in order, through the API process while Redis is up.
    for (let i = 0; i < 20; i++) {
      const res = await book(i).expect(201);
      booked.push({ id: res.body.id, plate: vehicles[i].plate, vehicleId: vehicles[i].id, driverId: drivers[i].id });
      await checkIn(vehicles[i].plate).expect(201);
    }
    // A driver and a public board, connected and up to date before Redis goes away.
    const last = booked[booked.length - 1];
    driverToken = api.tokens.sign({ sub: last.id, role: 'driver', firmId: firm.id, portCode: PORT_CODE });
    driver = await connect(driverToken);
    board = await connect();
    expect(await board.emitWithAck('subscribe', { port: PORT_CODE, direction: 'export' })).toEqual({ ok: true });
    versionBefore = board.of('queue:update')[0].version as number;
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await apiProcess?.stop();
    await worker?.stop();
    await redis?.kill();
    await api?.close();
  });

  it('keeps both processes up through a SIGKILL of Redis mid-burst: every answer 2xx, 4xx or 503, no 500, no dropped connection', async () => {
    const results: Array<{ what: string; status: number | 'dropped'; body?: unknown }> = [];
    const track = (what: string, req: PromiseLike<request.Response>) =>
      Promise.resolve(req).then(
        (res) => void results.push({ what, status: res.status, body: res.body }),
        () => void results.push({ what, status: 'dropped' }),
      );
    const burst = Promise.all([
      ...Array.from({ length: 60 }, (_, k) => track('book', book(40 + k))),
      ...Array.from({ length: 8 }, () => track('call-next', callNext())),
      ...[20, 21, 22, 23, 24, 25].map((i) =>
        track(
          'check-in',
          book(i).then((res) => checkIn(vehicles[i].plate).then((c) => (res.status === 201 ? c : res))),
        ),
      ),
      ...Array.from({ length: 10 }, () =>
        track(
          'login',
          http()
            .post(`${API}/auth/login`)
            .send({ email: `admin-${api.redisPrefix}@kouan.test`, password: 'admin-password' }),
        ),
      ),
    ]);
    await until('a few answers before the kill', () => results.length >= 10);
    await redis.kill();
    await burst;

    const bad = results.filter(
      (r) => r.status === 'dropped' || r.status === 500 || (r.status >= 500 && r.status !== 503),
    );
    expect(bad).toEqual([]);
    for (const r of results) {
      if (r.status === 503) {
        expect(r.what).toBe('login');
        expect(r.body).toMatchObject({ statusCode: 503, code: 'unavailable' });
      }
    }
    // Bookings need only Postgres: all 60 were taken, Redis or not.
    expect(results.filter((r) => r.what === 'book' && r.status === 201)).toHaveLength(60);
    expect(apiProcess.alive).toBe(true);
    expect(worker.alive).toBe(true);
  });

  it('while Redis is down: bookings, cancel, check-in, call-next and outcomes answer; /ready is 503; login is 503 unavailable', async () => {
    expect(await redis.ping()).toBe(false);
    await http().get('/health').expect(200);
    const ready = await http().get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      statusCode: 503,
      code: 'unavailable',
      message: expect.stringContaining('redis'),
      details: { redis: { status: 'down' } },
    });
    const login = await http()
      .post(`${API}/auth/login`)
      .send({ email: `admin-${api.redisPrefix}@kouan.test`, password: 'admin-password' });
    expect(login.status).toBe(503);
    expect(login.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'unavailable',
      message: expect.stringMatching(/\S/),
    });

    const created = await book(110).expect(201);
    await http()
      .post(`${API}/bookings/${created.body.id}/cancel`)
      .set(bearer(firm.dispatcherToken))
      .expect(200, { status: 'cancelled' });
    await book(111).expect(201);
    await checkIn(vehicles[111].plate).expect(201);
    const called = await callNext().expect(200);
    await http()
      .post(`${API}/bookings/${called.body.bookingId}/complete`)
      .set(bearer(staffToken))
      .expect(200, { status: 'completed' });
    // Reads that need only Postgres go on too.
    await http().get(`${API}/ports/${PORT_CODE}/queue`).query({ direction: 'export' }).expect(200);
    expect(apiProcess.alive).toBe(true);
    expect(worker.alive).toBe(true);
  });

  it('when Redis returns: /ready is 200, the next change reaches a connected driver with the position REST gives, the board sees the version jump, and the worker restores its schedules', async () => {
    const last = booked[booked.length - 1];
    await redis.start();
    await until('/ready to answer 200 again', async () => (await http().get('/ready')).status === 200, 20_000);
    // The adapters' subscribers are back when Redis counts the three on the queue deltas' channel again: the API's
    // server and the API's and the worker's publishers (the stream's readers resume by themselves).
    await until(
      'the socket.io adapters to re-subscribe',
      async () =>
        Number(((await redis.call('PUBSUB', 'NUMSUB', `${ownPrefix}:socket.io#/live#`)) as [string, number])[1]) >= 3,
      20_000,
    );

    const heard = driver.events.length;
    const boardHeard = board.events.length;
    await callNext().expect(200);
    const rest = (await http().get(`${API}/driver/booking`).set(bearer(driverToken)).expect(200)).body as Json;
    const update = await until(
      'the driver to hear of the call',
      () =>
        driver.events
          .slice(heard)
          .map((e) => e.data)
          .find((d) => d.position === rest.position) ?? false,
    );
    expect(update).toMatchObject({
      bookingId: last.id,
      status: 'checked_in',
      position: rest.position,
      etaMinutes: rest.etaMinutes,
    });
    const fresh = await until(
      'the board to hear of the call',
      () => board.events.slice(boardHeard).find((e) => e.event === 'queue:update')?.data ?? false,
    );
    // Changes made while Redis was down were never announced: the version tells the board it missed some.
    expect(fresh.version as number).toBeGreaterThan(versionBefore + 1);

    // The worker reconnected by itself and put back the recurring jobs the empty Redis lost.
    const jobQueue = new Queue(JobQueue.Maintenance, {
      connection: redisOptions(redis.url),
      prefix: `${ownPrefix}:bull`,
    });
    try {
      const schedulers = await until(
        'the worker to restore its schedules',
        async () => {
          const found = await jobQueue.getJobSchedulers();
          return found.length === 6 ? found : false;
        },
        // A hang limit: the worker restores at once when its connection is ready, and every minute whatever happens.
        75_000,
      );
      expect(schedulers.map((s) => s.key).sort()).toEqual([
        'expire-overdue',
        'mark-devices-offline',
        'purge-gate-reads',
        'purge-idempotency-keys',
        'purge-port-events',
        'remind-drivers',
      ]);
    } finally {
      await jobQueue.close();
    }
    expect(apiProcess.alive).toBe(true);
    expect(worker.alive).toBe(true);
  }, 150_000);
});
