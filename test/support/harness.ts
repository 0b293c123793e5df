import type { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { DateTime } from 'luxon';
import { TokenService, UsersService } from '@kouan/auth';
import { Clock } from '@kouan/common';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp } from '../../apps/api/src/configure-app';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { admin, cloneTemplate, dropRedisKeys, REDIS_URL } from './db';
import { until } from './processes';
import { portTime, TestClock } from './test-clock';

export const API = '/api/v1';

export interface TestApi {
  app: INestApplication;
  http: TestAgent;
  url: string;
  ds: DataSource;
  /** The test's own database, for processes a test starts beside the in-process API (as the API logs in). */
  dbUrl: string;
  /** The same database as its owner, the superuser `postgres`. */
  ownerDbUrl: string;
  redisPrefix: string;
  /** The clock the API and its workers read, when the test gave one (startApi's `clock`). */
  clock?: TestClock;
  adminToken: string;
  tokens: TokenService;
  /** A second API process on the same database and Redis (two Nest apps in one test). */
  another(): Promise<{ app: INestApplication; http: TestAgent; url: string }>;
  /** The worker (apps/worker) on the same database and Redis, in this process; closed with the API unless closed before. */
  worker(overrides?: Record<string, string>): Promise<INestApplicationContext>;
  close(): Promise<void>;
}

const APP_OPTIONS = { bodyParser: false, logger: false, abortOnError: false } as const;
const SILENT = { log() {}, error() {}, warn() {} };

/** `module` compiled with every provider of its Clock replaced by `clock` (Nest's testing module). */
const compiledWith = (module: DynamicModule, clock: TestClock) =>
  Test.createTestingModule({ imports: [module] })
    .setLogger(SILENT)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();

async function boot(env: Record<string, string>, clock?: TestClock) {
  const module = ApiModule.forRoot(env);
  const app = await configureApp(
    clock
      ? (await compiledWith(module, clock)).createNestApplication<NestExpressApplication>(APP_OPTIONS)
      : await NestFactory.create<NestExpressApplication>(module, APP_OPTIONS),
  );
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, http: request(url), url };
}

/**
 * The API on a database of its own (cloned from the template) and a Redis key prefix of its own, so test
 * files run in parallel without seeing each other. With `appRole`, the API and its workers log in as a role of
 * their own in `kouan_app` (docs/operations.md), not as the tables' owner. With `clock`, the API, its second process
 * and its workers all take the time from it (test/support/test-clock.ts) instead of the system clock.
 */
export async function startApi(
  overrides: Record<string, string> = {},
  opts: { appRole?: boolean; clock?: TestClock } = {},
): Promise<TestApi> {
  const db = await cloneTemplate();
  const redisPrefix = `kouan-test-${randomBytes(5).toString('hex')}`;
  const role = opts.appRole ? `kouan_app_${randomBytes(5).toString('hex')}` : null;
  if (role) await admin((c) => c.query(`CREATE ROLE ${role} LOGIN IN ROLE kouan_app`));
  const dbUrl = role ? db.url.replace('postgres://postgres@', `postgres://${role}@`) : db.url;
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '10',
    // Every request of a test comes from 127.0.0.1: the per-address limits are tested where they are set low.
    PUBLIC_THROTTLE_LIMIT: '1000000',
    OPEN_THROTTLE_LIMIT: '1000000',
    LOGIN_ADDRESS_LIMIT: '100000',
    DRIVER_SESSION_ADDRESS_LIMIT: '100000',
    // The tests' webhook receivers listen on 127.0.0.1.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    ...overrides,
  };
  const first = await boot(env, opts.clock).catch(async (e: unknown) => {
    // An API that does not boot leaves nothing behind: the file's afterAll has no api to close.
    await db.drop();
    if (role) await admin((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
    throw e;
  });
  const others: INestApplicationContext[] = [];
  const users = first.app.get(UsersService);
  const tokens = first.app.get(TokenService);
  const adminUser = await users.create({
    email: `admin-${redisPrefix}@kouan.test`,
    password: 'admin-password',
    role: 'port_admin',
  });
  return {
    ...first,
    ds: first.app.get<DataSource>(getDataSourceToken()),
    dbUrl,
    ownerDbUrl: db.url,
    redisPrefix,
    clock: opts.clock,
    tokens,
    adminToken: tokens.sign({ sub: adminUser.id, role: 'port_admin' }),
    async another() {
      const next = await boot(env, opts.clock);
      others.push(next.app);
      return next;
    },
    async worker(over: Record<string, string> = {}) {
      const module = WorkerModule.forRoot({ ...env, DB_POOL_SIZE: '4', ...over });
      const worker = opts.clock
        ? await (await compiledWith(module, opts.clock)).init()
        : await NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
      const close = worker.close.bind(worker);
      let closed: Promise<void> | undefined;
      worker.close = () => (closed ??= close());
      others.push(worker);
      return worker;
    },
    async close() {
      for (const app of [...others, first.app]) await app.close();
      await db.drop();
      if (role) await admin((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
      await dropRedisKeys(`${redisPrefix}:*`);
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * Port staff open a weather incident at `port` saying `message`, and the worker's relay (the test starts it) puts the
 * notice into the socket.io stream, from which a socket back from a cut gets it replayed: resolves once it is there.
 */
export async function noticeInStream(api: TestApi, redis: Redis, staff: string, port: string, message: string) {
  await api.http
    .post(`${API}/ports/${port}/incidents`)
    .set(bearer(staff))
    .send({ kind: 'weather', message })
    .expect(201);
  await until('the notice in the stream', async () =>
    (await redis.xrange(`${api.redisPrefix}:socket.io`, '-', '+')).some(([, fields]) =>
      fields.join(' ').includes(message),
    ),
  );
}

/** Tomorrow at the port (Asia/Shanghai): its slots are all in the future whatever the time of day. */
export const portDate = (daysAhead = 1, zone = 'Asia/Shanghai') =>
  DateTime.now().setZone(zone).plus({ days: daysAhead }).toISODate() as string;

/**
 * The opening hours a test gives its port when the hours are not its subject: a port day with a night, as real
 * ports have, so a test that passes must pass at the hour its clock says (portDayClock), not at every hour.
 */
export const OPENING_HOURS = { openFrom: '08:00', openTo: '20:00' } as const;

/**
 * A clock for startApi that runs at the real pace from `time` at the port, `daysAhead` days from today: every rule
 * the API and its workers judge (slots, windows, deadlines, sessions) sees that hour whenever the suite runs.
 */
export const portDayClock = (time = '10:00:00', daysAhead = 1) =>
  new TestClock().run(portTime(portDate(daysAhead), time));

export interface TestFirm {
  id: string;
  adminToken: string;
  dispatcherToken: string;
  vehicleIds: string[];
  driverIds: string[];
}

let plateSeq = 0;

/** A firm with a firm admin, a dispatcher, and `vehicles` trucks and drivers, created through the API. */
export async function createFirm(api: TestApi, name: string, vehicles = 1): Promise<TestFirm> {
  const firm = await api.http
    .post(`${API}/firms`)
    .set(bearer(api.adminToken))
    .send({ name, country: 'CN', contactEmail: `ops@${name.toLowerCase().replace(/\W/g, '')}.example` })
    .expect(201);
  const id = firm.body.id as string;
  const tag = randomBytes(4).toString('hex');
  const admin = await api.http
    .post(`${API}/firms/${id}/users`)
    .set(bearer(api.adminToken))
    .send({ email: `admin-${tag}@firm.example`, password: 'firm-admin-password', role: 'firm_admin' })
    .expect(201);
  const dispatcher = await api.http
    .post(`${API}/firms/${id}/users`)
    .set(bearer(api.adminToken))
    .send({ email: `dispatch-${tag}@firm.example`, password: 'dispatcher-password', role: 'dispatcher' })
    .expect(201);
  const adminToken = api.tokens.sign({ sub: admin.body.id, role: 'firm_admin', firmId: id });
  const dispatcherToken = api.tokens.sign({ sub: dispatcher.body.id, role: 'dispatcher', firmId: id });
  const vehicleIds: string[] = [];
  const driverIds: string[] = [];
  for (let i = 0; i < vehicles; i++) {
    plateSeq += 1;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(dispatcherToken))
      .send({ plate: `云K${tag.slice(0, 3)}${plateSeq}`.slice(0, 15), country: 'CN' })
      .expect(201);
    const d = await api.http
      .post(`${API}/drivers`)
      .set(bearer(dispatcherToken))
      .send({
        name: `Driver ${i}`,
        phone: `+8613800${String(100000 + plateSeq).slice(-6)}`,
        licenceNo: `L-${i}`,
        language: 'zh',
      })
      .expect(201);
    vehicleIds.push(v.body.id);
    driverIds.push(d.body.id);
  }
  return { id, adminToken, dispatcherToken, vehicleIds, driverIds };
}

/** A truck and its driver of one firm. */
export interface Crew {
  vehicleId: string;
  driverId: string;
  /** The truck's plate, as staff check it in. */
  plate: string;
}

/** `n` trucks and drivers of `firm` straight in SQL: hundreds of them through HTTP would dominate the run time. */
export async function crews(api: TestApi, firm: Pick<TestFirm, 'id'>, n: number): Promise<Crew[]> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const vehicles = await api.ds.query<{ id: string; plate: string }[]>(
    `INSERT INTO vehicles (firm_id, plate, country)
     SELECT $1, 'CC' || $2 || lpad(g::text, 4, '0'), 'CN' FROM generate_series(1, $3) g RETURNING id, plate`,
    [firm.id, tag, n],
  );
  const drivers = await api.ds.query<{ id: string }[]>(
    `INSERT INTO drivers (firm_id, name, phone, licence_no, language)
     SELECT $1, 'Driver ' || g, '+86139' || lpad(g::text, 8, '0'), 'L-' || $2 || g, 'zh' FROM generate_series(1, $3) g RETURNING id`,
    [firm.id, tag, n],
  );
  return vehicles.map((v, i) => ({ vehicleId: v.id, driverId: drivers[i].id, plate: v.plate }));
}

export const cargo = (over: Record<string, unknown> = {}) => ({
  description: 'Cassava chips',
  hsCode: '071410',
  weightKg: 20000,
  perishable: false,
  ...over,
});

/** A new truck as the API answered its registration and booking. */
export interface BookedTruck {
  bookingId: string;
  reference: string;
  driverCode: string;
  /** The plate as the vehicle was registered (normalised by the API). */
  plate: string;
}

/**
 * A new truck of `firm` with `plate`, registered and booked into `slotId` with the firm's first driver through the
 * API (`http`: the test's API or another process of it), carrying `cargo(cargoOver)`.
 */
export async function bookNewTruck(
  http: TestAgent,
  firm: TestFirm,
  slotId: string,
  plate: string,
  cargoOver: Record<string, unknown> = {},
): Promise<BookedTruck> {
  const v = await http
    .post(`${API}/vehicles`)
    .set(bearer(firm.dispatcherToken))
    .send({ plate, country: 'CN' })
    .expect(201);
  const b = await http
    .post(`${API}/bookings`)
    .set(bearer(firm.dispatcherToken))
    .send({ slotId, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo(cargoOver) })
    .expect(201);
  return { bookingId: b.body.id, reference: b.body.reference, driverCode: b.body.driverCode, plate: v.body.plate };
}

/**
 * A driver's access token for a real booking of `firm` (tomorrow's first export slot at `port`, whatever the time of
 * day): a driver token is good only while its booking exists with the driver code it was opened with.
 */
export async function bookedDriverToken(api: TestApi, firm: TestFirm, port: string): Promise<string> {
  const [slot] = await slotsOf(api, port, portDate());
  const booking = await api.http
    .post(`${API}/bookings`)
    .set(bearer(firm.dispatcherToken))
    .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
    .expect(201);
  return api.tokens.sign({ sub: booking.body.id, role: 'driver', firmId: firm.id, portCode: port });
}

export interface SlotView {
  id: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  booked: number;
  available: number;
  bookable: boolean;
}

export async function slotsOf(api: TestApi, port: string, date: string, direction = 'export'): Promise<SlotView[]> {
  const res = await api.http.get(`${API}/ports/${port}/slots`).query({ date, direction }).expect(200);
  return res.body as SlotView[];
}

export const DEFAULT_SCHEDULE = {
  slotMinutes: 60,
  capacity: { export: 6, import: 6 },
  openFrom: '08:00',
  openTo: '20:00',
  firmQuotaPercent: 30,
  horizonDays: 7,
  earlyArrivalMinutes: 60,
  checkInGraceMinutes: 30,
  calledTimeoutMinutes: 15,
};

export async function putSchedule(api: TestApi, port: string, over: Partial<typeof DEFAULT_SCHEDULE>) {
  return api.http
    .put(`${API}/ports/${port}/schedule`)
    .set(bearer(api.adminToken))
    .send({ ...DEFAULT_SCHEDULE, ...over })
    .expect(200);
}

/** A port staff member of `port` (at the lanes, or in the yard), created through the API; returns its token. */
export async function portStaffToken(
  api: TestApi,
  port: string,
  role: 'port_staff' | 'yard_staff' = 'port_staff',
): Promise<string> {
  const res = await api.http
    .post(`${API}/ports/${port}/staff`)
    .set(bearer(api.adminToken))
    .send({
      email: `${role}-${port.toLowerCase()}-${randomBytes(3).toString('hex')}@port.example`,
      password: 'staff-password',
      role,
    })
    .expect(201);
  return api.tokens.sign({ sub: res.body.id, role, portCode: port });
}

/** A regulator, created through the API; returns its token. */
export async function regulatorToken(api: TestApi): Promise<string> {
  const res = await api.http
    .post(`${API}/regulators`)
    .set(bearer(api.adminToken))
    .send({ email: `regulator-${randomBytes(3).toString('hex')}@gov.example`, password: 'regulator-password' })
    .expect(201);
  return api.tokens.sign({ sub: res.body.id, role: 'regulator' });
}

/** An officer of the far side of `port` (role counterpart), created through the API; returns its token. */
export async function counterpartToken(api: TestApi, port: string): Promise<string> {
  const res = await api.http
    .post(`${API}/ports/${port}/counterpart/users`)
    .set(bearer(api.adminToken))
    .send({ email: `counterpart-${randomBytes(3).toString('hex')}@far.example`, password: 'counterpart-password' })
    .expect(201);
  return api.tokens.sign({ sub: res.body.id, role: 'counterpart', portCode: port });
}

/** The id of `port`'s first lane of `direction`, as GET /ports/:code lists it. */
export async function laneOf(api: Pick<TestApi, 'http'>, port: string, direction = 'export'): Promise<string> {
  const lanes = (await api.http.get(`${API}/ports/${port}`).expect(200)).body.lanes as Array<{
    id: string;
    direction: string;
  }>;
  return lanes.find((l) => l.direction === direction)!.id;
}

/** The slot of `port` and `direction` that contains now (by the API's clock) + `hoursAhead` (the port's day, Asia/Shanghai). */
export async function slotAt(api: TestApi, port: string, hoursAhead = 0, direction = 'export'): Promise<SlotView> {
  const at = (api.clock?.now() ?? new Date()).getTime() + hoursAhead * 3600_000;
  const date = DateTime.fromMillis(at).setZone('Asia/Shanghai').toISODate() as string;
  const slot = (await slotsOf(api, port, date, direction)).find(
    (s) => Date.parse(s.startsAt) <= at && at < Date.parse(s.endsAt),
  );
  if (!slot) throw new Error(`no ${port} slot at ${new Date(at).toISOString()}`);
  return slot;
}
