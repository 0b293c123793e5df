/**
 * `npm run bench:live`: how fast a queue change reaches every driver's phone, against raw socket.io, and what
 * each change costs (API latency, bytes through Redis, API CPU) on a long line.
 *
 * On a fresh database (kouan_bench_live, dropped first and at the end) with its own Redis prefix, two API
 * processes share Postgres and Redis. TRUCKS trucks (1,000 by default; regular, one slot that contains now,
 * MOHAN export) are booked by SQL, plus spares for the check-in phases. TRUCKS driver sockets (socket.io-client,
 * websocket only, half on each API process, connected in batches) connect to `/live` after the trucks are
 * checked in (all but the last 20 by SQL as the check-in service leaves them, the last 20 through
 * POST /ports/MOHAN/check-ins with a port staff token; see checkIn()), and record their on-connect position.
 *
 * Then CALLS rounds (100; 200 from 5,000 trucks), each:
 *  1. call-next: POST /ports/MOHAN/lanes/:lane/call-next (alternating between the two processes); measured
 *     from just before the request until EVERY still-waiting driver has received a booking:update whose
 *     position is its on-connect position − calls made so far (the HTTP latency is recorded too);
 *  2. raw baseline: one socket.io emit, through a listener-less socket.io server on the same streams adapter, to the whole
 *     `/live` namespace (the same sockets), with a payload of the same size as a booking:update;
 *     measured from just before the emit until all sockets have it.
 * Both are measured in the same process and interleaved, so they see the same background load.
 *
 * Then check-in phases through POST /ports/MOHAN/check-ins onto the line, first topped up by SQL to TRUCKS
 * waiting: 20 one at a time (each change's Redis traffic attributed exactly), then BURST (400) with 8 and
 * BURST with 32 requests in flight (each phase stops sending after 45 s).
 *
 * Bytes through Redis: every message on the socket.io adapter's channels (PSUBSCRIBE `<prefix>:socket.io*`: the
 * serverSideEmit channel) and every entry of its stream (`<prefix>:socket.io`: broadcasts), whatever the event,
 * summed per change. API CPU: both processes'
 * user + system time from /proc, per change.
 *
 * Prints the rounds' table (fan-out p50/p99/max against the raw baseline, HTTP, first message on Redis), the
 * check-in phases, and a summary table against issue 7's targets: fan-out p99 ≤ 1.5 × raw p99 (the earlier
 * 2 × line too), call-next p99 ≤ 20 ms, check-in p99 ≤ 20 ms at 8 and 32 in flight, and bytes and CPU per
 * change flat from 1,000 to 5,000 trucks: each run saves its per-change figures (BENCH_LIVE_RESULTS, default
 * $TMPDIR/kouan-bench-live) and compares with a saved run of the same server code at another truck count.
 *
 * Environment (all optional): DATABASE_URL / REDIS_URL (server to use; the database name is replaced),
 * BENCH_LIVE_TRUCKS (1000), BENCH_LIVE_CALLS (100, or 200 from 5,000 trucks), BENCH_LIVE_BURST (400),
 * BENCH_LIVE_CHECKIN (mixed | api | sql), BENCH_LIVE_RESULTS (dir), BENCH_PROFILE=<dir> (CPU-profile both API
 * processes during the measured rounds and print a summary). Needs an open-file limit above TRUCKS + 1,000
 * (the npm script raises the soft limit to the hard one; the bench refuses to start below).
 */
import { randomUUID } from 'node:crypto';
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { DateTime } from 'luxon';
import { Pool } from 'pg';
import { Logger } from '@nestjs/common';
import { Server } from 'socket.io';
import { io, Socket } from 'socket.io-client';
import { redisOptions } from '@kouan/config';
import { message } from '@kouan/queue';
import { readyWithin } from '@kouan/db';
import { type BookingUpdate, StreamsAdapter } from '@kouan/realtime';
import { printProfileSummary } from './profile-summary';
import { RECONNECTS, reconnectPhase } from './reconnect';
import {
  ApiProcess,
  benchEnv,
  cleanupBench,
  cli,
  cpuMs,
  machineBusyMs,
  fmt,
  freshDatabase,
  get,
  jwtSigner,
  log,
  nowMs,
  percentile,
  postJson,
  ROOT,
  runBench,
  sleep,
  startApi,
} from './support';

const int = (v: string | undefined, fallback: number) =>
  v && Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : fallback;
const TRUCKS = int(process.env.BENCH_LIVE_TRUCKS, 1000);
/** 100 call-nexts at 1,000 trucks, 200 from 5,000 (issue 7); BENCH_LIVE_CALLS overrides. */
const CALLS = Math.min(int(process.env.BENCH_LIVE_CALLS, TRUCKS >= 5000 ? 200 : 100), TRUCKS - 1);
/** Check-ins per burst phase (8 and then 32 in flight), on top of the TRUCKS already queued. */
const BURST = int(process.env.BENCH_LIVE_BURST, 400);
const CHECKIN = (['api', 'sql'] as const).find((m) => m === process.env.BENCH_LIVE_CHECKIN) ?? 'mixed';
const PROFILE_DIR = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : undefined;
const API_PROCS = 2;
const FIRMS = 10;
const PORT = 'MOHAN';
const DIRECTION = 'export';
const ZONE = 'Asia/Shanghai';
const NSP = '/live';
/** Check-ins in flight at once during the setup (they take turns on the queue lock anyway). */
const CHECKIN_CONCURRENCY = 8;
/**
 * The check-in phases after the rounds: a short sequential sample (one in flight, each change's Redis traffic
 * attributed exactly: wait for the adapter channels to fall quiet after each), then the bursts of issue 7.
 */
const BURST_PHASES = [
  { inFlight: 1, count: 20 },
  { inFlight: 8, count: BURST },
  { inFlight: 32, count: BURST },
];
/** A burst phase stops sending new check-ins after this long (what was sent is still awaited). */
const BURST_SEND_LIMIT_MS = 45_000;
/** After a phase, the adapter channels must be silent this long before its bytes and CPU are read… */
const QUIET_MS = 1000;
/** …or this long in the sequential sample, between one check-in and the next… */
const QUIET_SEQ_MS = 300;
/** …waiting at most this long (a backlog of queue publishes can outlive the requests). */
const DRAIN_LIMIT_MS = 90_000;
/** Spare bookings, checked in after the rounds: CALLS by SQL (back to TRUCKS waiting), then every phase's. */
const SPARES = CALLS + BURST_PHASES.reduce((n, p) => n + p.count, 0);
/** `mixed` check-in: this many trucks, the last ones, through the endpoint. */
const API_CHECKINS = 20;
const CHECKIN_LIMIT_MS = 4 * 60_000;
const CONNECT_BATCH = 50;
const PAUSE_MS = 40;
const WARMUP_PINGS = 5;
/** One round waits at most this long for every socket. */
const ROUND_LIMIT_MS = 10_000;
/** 10 minutes up to 2,000 trucks, then 1 minute per 200 (25 at 5,000). */
const TOTAL_LIMIT_MS = Math.max(10, Math.ceil(TRUCKS / 200)) * 60_000;
/** Fan-out p99 ÷ raw emit p99: issue 7's target, and the one this bench printed before it (kept as a line). */
const TARGET_RATIO = 1.5;
const OLD_TARGET_RATIO = 2;
const TARGET_HTTP_P99_MS = 20;
const TARGET_CHECKIN_P99_MS = 20;
/** Issue 22 item 5, at 8 in flight with 5,000 waiting: check-in p99 and API CPU per check-in (net of idle). */
const TARGET_CHECKIN8_P99_MS = 100;
const TARGET_CHECKIN_CPU_MS = 3;
/** The APIs' idle CPU (5,000 sockets' heartbeats, the stream reader) is sampled this long before the check-in phases. */
const IDLE_SAMPLE_MS = 5000;
/** "Flat from 1,000 to 5,000 trucks", as this bench reads it: at most this growth from the smaller run to the larger. */
const FLAT_GROWTH = 1.25;
/** Each run's figures go here, named by commit and truck count, so a run can compare itself with the other size. */
const RESULTS_DIR = process.env.BENCH_LIVE_RESULTS
  ? resolve(process.env.BENCH_LIVE_RESULTS)
  : join(os.tmpdir(), 'kouan-bench-live');

const env = benchEnv('kouan_bench_live', 'kouan-bench-live');
const SOCKET_IO_KEY = `${env.redisPrefix}:socket.io`;
/** The streams adapter's public channel: serverSideEmit (the queue deltas) travels on it. */
const REQUEST_CHANNEL = `${SOCKET_IO_KEY}#${NSP}#`;
const jwt = jwtSigner(env);

const apis: ApiProcess[] = [];
const sockets: Socket[] = [];
const redisClients: Redis[] = [];

interface Driver {
  index: number;
  bookingId: string;
  plate: string;
  firmId: string;
  /** Position on connect (before the first call). */
  initial: number;
  /** Last round whose update (call) or ping (raw) this driver has counted. */
  countedCall: number;
  countedPing: number;
  updates: number;
  last?: BookingUpdate;
  token?: string;
  socket?: Socket;
}

/** What the socket handlers compare against; set before each measurement. call −1: ignore queue updates. */
const round = {
  call: 0,
  remaining: 0,
  received: 0,
  unexpected: 0,
  doneAt: NaN,
  calledAt: NaN,
  ping: 0,
  pinged: 0,
  pingDoneAt: NaN,
  wake: undefined as undefined | (() => void),
};

/**
 * Every message published on the socket.io adapter's channels (PSUBSCRIBE `<prefix>:socket.io*`: the request
 * channel serverSideEmit uses, the broadcast channels, responses), whatever its event name or encoding. A
 * change's traffic is what arrives between it and the next measurement. Each message is counted once (Redis
 * then delivers it to every subscribed API process).
 */
const traffic = {
  bytes: 0,
  msgs: 0,
  maxMsg: 0,
  firstAt: NaN,
  lastAt: NaN,
  lastRequest: undefined as Buffer | undefined,
};
const resetTraffic = () => Object.assign(traffic, { bytes: 0, msgs: 0, maxMsg: 0, firstAt: NaN, lastAt: NaN });

async function watchAdapter(): Promise<void> {
  const sub = redis();
  sub.on('pmessageBuffer', (_pattern: unknown, channel: Buffer | string, msg: Buffer) => {
    const t = nowMs();
    traffic.bytes += msg.length;
    traffic.msgs++;
    if (msg.length > traffic.maxMsg) traffic.maxMsg = msg.length;
    if (Number.isNaN(traffic.firstAt)) traffic.firstAt = t;
    traffic.lastAt = t;
    if (String(channel) === REQUEST_CHANNEL) traffic.lastRequest = msg;
  });
  await sub.psubscribe(`${SOCKET_IO_KEY}*`);
  // Broadcasts go into the adapter's stream instead: each entry counted as its fields' bytes.
  const reader = redis();
  let offset = '$';
  void (async () => {
    while (reader.status !== 'end') {
      const read = await reader.xread('BLOCK', 1000, 'STREAMS', SOCKET_IO_KEY, offset).catch(() => null);
      for (const [id, fields] of read?.[0]?.[1] ?? []) {
        offset = id;
        const n = fields.reduce((sum, f) => sum + Buffer.byteLength(f), 0);
        traffic.bytes += n;
        traffic.msgs++;
        if (n > traffic.maxMsg) traffic.maxMsg = n;
        if (Number.isNaN(traffic.firstAt)) traffic.firstAt = nowMs();
        traffic.lastAt = nowMs();
      }
    }
  })();
}

/** Resolves once the adapter channels have been silent for quietMs (after at least one message when needOne). */
async function quiet(quietMs: number, limitMs: number, needOne: boolean): Promise<boolean> {
  const t0 = nowMs();
  for (;;) {
    const now = nowMs();
    const last = Number.isNaN(traffic.lastAt) ? (needOne ? NaN : t0) : traffic.lastAt;
    if (now - last >= quietMs) return true;
    if (now - t0 >= limitMs) return false;
    await sleep(Math.min(50, quietMs / 4));
  }
}

const waitFor = (cond: () => boolean, limitMs: number): Promise<boolean> =>
  new Promise((ok) => {
    if (cond()) return ok(true);
    const timer = setTimeout(() => {
      round.wake = undefined;
      ok(cond());
    }, limitMs);
    round.wake = () => {
      if (!cond()) return;
      clearTimeout(timer);
      round.wake = undefined;
      ok(true);
    };
  });

// ---------------------------------------------------------------------------------------------- fixtures

interface Fixtures {
  staffToken: string;
  laneId: string;
  /** The TRUCKS queued trucks, each with a driver socket. */
  drivers: Driver[];
  /** Booked, not checked in, no socket: the top-up after the rounds and the check-in phases. */
  spares: Driver[];
  slotId: string;
}

async function fixtures(db: Pool, api: ApiProcess): Promise<Fixtures> {
  // Round the clock, one-hour slots, room for every truck in the slot that contains now; a check-in window
  // long enough that the slot cannot close under the bench; bays for every truck in the holding area.
  await db.query(
    `UPDATE schedules SET slot_minutes = 60, open_from = 0, open_to = 1440, capacity_export = $2, capacity_import = $2,
       firm_quota_percent = 100, early_arrival_minutes = 60, check_in_grace_minutes = 120 WHERE port_code = $1`,
    [PORT, (TRUCKS + SPARES) * 2],
  );
  await db.query('UPDATE parking_areas SET bays = $2 WHERE port_code = $1', [PORT, TRUCKS + SPARES + 200]);
  const staffId = randomUUID();
  await db.query(
    `INSERT INTO users (id, email, password_hash, role, port_code) VALUES ($1, 'staff@bench-live.example', 'not-a-login', 'port_staff', $2)`,
    [staffId, PORT],
  );
  const staffToken = jwt.sign({ sub: staffId, role: 'port_staff', port: PORT }, { expiresIn: '2h' });
  const { rows: lanes } = await db.query<{ id: string }>(
    `SELECT id FROM lanes WHERE port_code = $1 AND direction = $2 AND status = 'open' ORDER BY name LIMIT 1`,
    [PORT, DIRECTION],
  );
  if (!lanes.length) throw new Error(`no open ${DIRECTION} lane at ${PORT}`);

  const today = DateTime.now().setZone(ZONE).toISODate() as string;
  const res = await get(api.port, `/api/v1/ports/${PORT}/slots?date=${today}&direction=${DIRECTION}`, true);
  if (res.status !== 200) throw new Error(`GET slots ${PORT} ${today}: ${res.status} ${res.body}`);
  const now = Date.now();
  const slot = (JSON.parse(res.body) as { id: string; startsAt: string; endsAt: string }[]).find(
    (s) => Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt),
  );
  if (!slot) throw new Error(`no ${PORT} ${DIRECTION} slot contains now (${today})`);
  await db.query('UPDATE slots SET capacity = $2, booked = $3 WHERE id = $1', [
    slot.id,
    (TRUCKS + SPARES) * 2,
    TRUCKS + SPARES,
  ]);

  const firmIds = Array.from({ length: FIRMS }, () => randomUUID());
  await db.query(
    `INSERT INTO firms (id, name, country, contact_email)
     SELECT f, 'Live Bench Freight ' || ord, 'CN', 'ops' || ord || '@bench-live.example' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(f, ord)`,
    [firmIds],
  );
  const drivers: Driver[] = Array.from({ length: TRUCKS + SPARES }, (_, i) => ({
    index: i,
    bookingId: randomUUID(),
    plate: `LB${String(i + 1).padStart(5, '0')}`,
    firmId: firmIds[i % FIRMS],
    initial: 0,
    countedCall: 0,
    countedPing: 0,
    updates: 0,
  }));
  const vehicleIds = drivers.map(() => randomUUID());
  const driverIds = drivers.map(() => randomUUID());
  const firms = drivers.map((d) => d.firmId);
  await db.query(
    `INSERT INTO vehicles (id, firm_id, plate, country) SELECT v, f, p, 'CN' FROM unnest($1::uuid[], $2::uuid[], $3::varchar[]) AS t(v, f, p)`,
    [vehicleIds, firms, drivers.map((d) => d.plate)],
  );
  await db.query(
    `INSERT INTO drivers (id, firm_id, name, phone, licence_no, language)
     SELECT d, f, 'Live bench driver ' || ord, '+8613800000000', 'LIVE-' || ord, (ARRAY['zh','en','lo','vi','my','th'])[1 + ord % 6]
     FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(d, f, ord)`,
    [driverIds, firms],
  );
  await db.query(
    `INSERT INTO bookings (id, reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id,
       driver_code_hash, cargo_description, hs_code, weight_kg, perishable)
     SELECT b, $4 || '-' || to_char($5::date, 'YYYYMMDD') || '-LB' || lpad(ord::text, 5, '0'), f, $6, $4, $7, $5::date, v, d,
       encode(sha256(b::text::bytea), 'hex'), 'Live bench cargo: rubber, 20 t', '400122', 20000, false
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $8::uuid[]) WITH ORDINALITY AS t(b, f, v, d, ord)`,
    [drivers.map((d) => d.bookingId), firms, vehicleIds, PORT, today, slot.id, DIRECTION, driverIds],
  );
  await db.query(
    `INSERT INTO slot_firm_usage (slot_id, firm_id, booked) SELECT $1, firm_id, count(*) FROM bookings WHERE slot_id = $1 GROUP BY firm_id`,
    [slot.id],
  );
  return {
    staffToken,
    laneId: lanes[0].id,
    drivers: drivers.slice(0, TRUCKS),
    spares: drivers.slice(TRUCKS),
    slotId: slot.id,
  };
}

/**
 * Check-in. Through the real endpoint every truck's check-in also reads and publishes the whole queue, so
 * 1,000 of them cost O(n²) (over 4 minutes on the shared 2-core box). By default (`mixed`) all but the last
 * API_CHECKINS trucks are therefore checked in by SQL exactly as admit() leaves them (queue_key from the
 * sequence, a bay in the holding area, the waitInBay instruction in the driver's language), and the last ones
 * through POST /ports/MOHAN/check-ins, which also measures check-in behind a long queue. BENCH_LIVE_CHECKIN=api
 * sends every truck through the endpoint; =sql none.
 */
async function checkIn(db: Pool, f: Fixtures): Promise<string> {
  const t0 = nowMs();
  const viaApi =
    CHECKIN === 'api' ? f.drivers.length : CHECKIN === 'sql' ? 0 : Math.min(API_CHECKINS, f.drivers.length);
  const bySql = f.drivers.slice(0, f.drivers.length - viaApi);
  const parts: string[] = [];
  if (bySql.length) {
    await checkInBySql(db, bySql);
    parts.push(
      `${bySql.length} by SQL (as admit() leaves them: queue_key from the sequence, a bay, the waitInBay text)`,
    );
  }
  if (viaApi) {
    const inFlight = CHECKIN_CONCURRENCY;
    const agents = apis.map(() => new http.Agent({ keepAlive: true, maxSockets: inFlight }));
    const headers = { authorization: `Bearer ${f.staffToken}` };
    const latencies: number[] = [];
    const failures: string[] = [];
    const todo = f.drivers.slice(f.drivers.length - viaApi);
    let next = 0;
    const t1 = nowMs();
    try {
      await Promise.all(
        Array.from({ length: Math.min(inFlight, todo.length) }, async (_, w) => {
          while (next < todo.length && failures.length < 5 && nowMs() - t1 < CHECKIN_LIMIT_MS) {
            const d = todo[next++];
            const i = w % apis.length;
            const s = nowMs();
            const r = await postJson(
              agents[i],
              apis[i].port,
              `/api/v1/ports/${PORT}/check-ins`,
              { plate: d.plate },
              headers,
            );
            latencies.push(nowMs() - s);
            if (r.status !== 201) failures.push(`${d.plate}: ${r.status} ${r.body}`);
          }
        }),
      );
    } finally {
      agents.forEach((a) => a.destroy());
    }
    if (failures.length) throw new Error(`check-in failed:\n${failures.join('\n')}`);
    if (latencies.length < todo.length)
      throw new Error(`only ${latencies.length} of ${todo.length} check-ins within ${CHECKIN_LIMIT_MS / 1000} s`);
    const sorted = latencies.sort((a, b) => a - b);
    parts.push(
      `${viaApi} through POST /ports/${PORT}/check-ins (${inFlight} in flight, p50 ${fmt(percentile(sorted, 0.5), 1)} ms, ` +
        `p99 ${fmt(percentile(sorted, 0.99), 1)} ms)`,
    );
  }
  return `checked in ${f.drivers.length} trucks: ${parts.join('; ')} in ${fmt((nowMs() - t0) / 1000, 1)} s`;
}

/**
 * Checks `list` in by SQL, in order, exactly as admit() leaves a regular truck: queue_key from the sequence, a
 * free bay of the holding area (lowest first, like assignBay), the waitInBay text in the driver's language;
 * then bumps the queue version. Publishes nothing.
 */
async function checkInBySql(db: Pool, list: Driver[]): Promise<void> {
  const {
    rows: [area],
  } = await db.query<{ id: string; name: string; reefer_bays: number }>(
    'SELECT id, name, reefer_bays FROM parking_areas WHERE port_code = $1 ORDER BY name LIMIT 1',
    [PORT],
  );
  if (!area) throw new Error(`no holding area at ${PORT}`);
  const { rows: taken } = await db.query<{ bay: number }>(
    'SELECT bay FROM bookings WHERE parking_area_id = $1 AND bay IS NOT NULL',
    [area.id],
  );
  const used = new Set(taken.map((r) => r.bay));
  const bays: number[] = [];
  for (let bay = area.reefer_bays + 1; bays.length < list.length; bay++) if (!used.has(bay)) bays.push(bay);
  const { rows: langs } = await db.query<{ id: string; language: string }>(
    'SELECT b.id, d.language FROM bookings b JOIN drivers d ON d.id = b.driver_id WHERE b.id = ANY($1::uuid[])',
    [list.map((d) => d.bookingId)],
  );
  const language = new Map(langs.map((r) => [r.id, r.language]));
  // One at a time in check-in order, so queue_key follows the order of the list as it does at the gate.
  const { rowCount } = await db.query(
    `UPDATE bookings b SET status = 'checked_in', checked_in_at = now(), updated_at = now(), queue_key = t.k, priority = false,
       parking_area_id = $3, bay = t.bay, overflow = false, instructions = t.text
     FROM (SELECT id, bay, text, nextval('queue_key_seq') AS k FROM unnest($1::uuid[], $2::int[], $4::varchar[]) WITH ORDINALITY AS u(id, bay, text, ord) ORDER BY ord) t
     WHERE b.id = t.id AND b.status = 'booked'`,
    [
      list.map((d) => d.bookingId),
      bays,
      area.id,
      list.map((d, i) => message('waitInBay', language.get(d.bookingId) ?? 'en', { bay: bays[i], area: area.name })),
    ],
  );
  if (rowCount !== list.length) throw new Error(`checked in ${rowCount} of ${list.length} trucks by SQL`);
  await db.query(
    `INSERT INTO queue_state AS q (port_code, direction, version) VALUES ($1, $2, 1)
     ON CONFLICT (port_code, direction) DO UPDATE SET version = q.version + 1`,
    [PORT, DIRECTION],
  );
}

// ---------------------------------------------------------------------------------------------- sockets

function connect(d: Driver, api: ApiProcess): Promise<void> {
  const token = jwt.sign({ sub: d.bookingId, role: 'driver', firm: d.firmId, port: PORT }, { expiresIn: '2h' });
  const socket = io(`http://127.0.0.1:${api.port}${NSP}`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
  });
  sockets.push(socket);
  Object.assign(d, { token, socket });
  socket.on('booking:update', (u: BookingUpdate) => {
    d.updates++;
    d.last = u;
    if (round.call < 0) return;
    if (round.call === 0) {
      if (!d.initial && u.status === 'checked_in' && u.position) {
        d.initial = u.position;
        round.received++;
        round.wake?.();
      }
      return;
    }
    if (d.initial === round.call) {
      if (u.status === 'called' && Number.isNaN(round.calledAt)) round.calledAt = nowMs();
      return;
    }
    if (d.initial < round.call || d.countedCall === round.call) return;
    if (u.status === 'checked_in' && u.position === d.initial - round.call) {
      d.countedCall = round.call;
      if (++round.received === round.remaining) {
        round.doneAt = nowMs();
        round.wake?.();
      }
    } else {
      round.unexpected++;
    }
  });
  socket.on('bench:ping', (m: { seq: number }) => {
    if (m.seq !== round.ping || d.countedPing === m.seq) return;
    d.countedPing = m.seq;
    if (++round.pinged === sockets.length) {
      round.pingDoneAt = nowMs();
      round.wake?.();
    }
  });
  return new Promise((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('connect_error', (e) => fail(new Error(`driver ${d.index} on :${api.port}: ${e.message}`)));
  });
}

/** Connects every driver in batches of CONNECT_BATCH, half on each API process. */
async function connectAll(drivers: Driver[]): Promise<string> {
  const t0 = nowMs();
  round.call = 0;
  round.received = 0;
  for (let i = 0; i < drivers.length; i += CONNECT_BATCH) {
    await Promise.all(drivers.slice(i, i + CONNECT_BATCH).map((d) => connect(d, apis[d.index % apis.length])));
  }
  return `${drivers.length} driver sockets connected (${drivers.length / apis.length} per API process) in ${fmt((nowMs() - t0) / 1000, 1)} s`;
}

/**
 * Every driver's first `checked_in` update with a position (on connect, or from the check-ins' queue publishes
 * when the sockets connected before the check-in) is its starting position; they must be exactly 1…N.
 */
async function awaitPositions(drivers: Driver[]): Promise<void> {
  if (!(await waitFor(() => round.received === drivers.length, 60_000))) {
    const seen = drivers.reduce((n, d) => n + d.updates, 0);
    const sample = drivers.find((d) => !d.initial)?.last;
    throw new Error(
      `only ${round.received} of ${drivers.length} drivers got a booking:update with their position ` +
        `(${seen} updates in all; one without: ${JSON.stringify(sample)?.slice(0, 300)})`,
    );
  }
  const positions = drivers.map((d) => d.initial).sort((a, b) => a - b);
  if (positions.some((p, i) => p !== i + 1)) throw new Error('starting positions are not 1…N');
}

// ---------------------------------------------------------------------------------------------- measurement

interface CallResult {
  http: number;
  status: number;
  fanOut: number;
  /** First message on the adapter's channels after the call started. */
  firstOnRedis: number;
  redisBytes: number;
  redisMsgs: number;
  cpu: number;
  calledAfter: number;
  missing: number;
  unexpected: number;
  wrongHead: boolean;
}

interface Measured {
  calls: CallResult[];
  raw: number[];
  rawBytes: number[];
  rawMissing: number;
  cpuCall: number;
  cpuRaw: number;
  payloadBytes: number;
  composition: string;
}

async function measure(f: Fixtures, db: Pool): Promise<Measured> {
  const byInitial = new Map(f.drivers.map((d) => [d.initial, d]));
  // Raw socket.io through the same adapter: a listener-less server's broadcast into the stream every API reads.
  const rawAdapter = new StreamsAdapter(
    { redis: redisOptions(env.redisUrl), redisPrefix: env.redisPrefix },
    'bench-raw',
    new Logger('bench'),
  );
  const rawServer = new Server({ adapter: rawAdapter.create });
  const emitter = rawServer.of(NSP);
  // Its writer refuses commands until connected (fail fast): the first warm-up ping would be dropped.
  await readyWithin(rawAdapter.redis, 5000);
  // The raw emit carries a real booking:update of median size (sizes vary with the driver's language).
  const bySize = f.drivers
    .map((d) => ({ u: d.last as BookingUpdate, n: Buffer.byteLength(JSON.stringify(d.last)) }))
    .sort((a, b) => a.n - b.n);
  const { u: sample, n: payloadBytes } = bySize[Math.floor(bySize.length / 2)];
  const agents = apis.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const headers = { authorization: `Bearer ${f.staffToken}` };

  const ping = async (seq: number): Promise<number> => {
    round.ping = seq;
    round.pinged = 0;
    round.pingDoneAt = NaN;
    const t0 = nowMs();
    emitter.emit('bench:ping' as never, { ...sample, seq } as never);
    await waitFor(() => round.pinged === sockets.length, ROUND_LIMIT_MS);
    return round.pingDoneAt - t0;
  };

  for (let i = 1; i <= WARMUP_PINGS; i++) {
    await ping(-i);
    await sleep(PAUSE_MS);
  }
  // Warm the HTTP connections (and the route) without moving the queue: a GET of the public board.
  for (const a of apis) await get(a.port, `/api/v1/ports/${PORT}/queue?direction=${DIRECTION}`);

  const calls: CallResult[] = [];
  const raw: number[] = [];
  const rawBytes: number[] = [];
  let rawMissing = 0;
  let cpuCall = 0;
  let cpuRaw = 0;
  const cpu = () => apis.reduce((s, a) => s + cpuMs(a), 0);
  for (let k = 1; k <= CALLS; k++) {
    const i = k % apis.length;
    Object.assign(round, { call: k, remaining: TRUCKS - k, received: 0, unexpected: 0, doneAt: NaN, calledAt: NaN });
    resetTraffic();
    const c0 = cpu();
    const t0 = nowMs();
    const r = await postJson(
      agents[i],
      apis[i].port,
      `/api/v1/ports/${PORT}/lanes/${f.laneId}/call-next`,
      {},
      headers,
      ROUND_LIMIT_MS,
    );
    const httpMs = nowMs() - t0;
    await waitFor(() => round.received === round.remaining, ROUND_LIMIT_MS);
    // Give the called driver's own update a moment if it has not come yet (it is not part of the target).
    if (Number.isNaN(round.calledAt)) await sleep(5);
    const cpuThis = cpu() - c0;
    cpuCall += cpuThis;
    let wrongHead = true;
    try {
      wrongHead = (JSON.parse(r.body) as { bookingId?: string }).bookingId !== byInitial.get(k)?.bookingId;
    } catch {
      /* not JSON: counted as a wrong head */
    }
    const call: CallResult = {
      http: httpMs,
      status: r.status,
      fanOut: round.doneAt - t0,
      firstOnRedis: traffic.firstAt - t0,
      redisBytes: 0,
      redisMsgs: 0,
      cpu: cpuThis,
      calledAfter: round.calledAt - t0,
      missing: round.remaining - round.received,
      unexpected: round.unexpected,
      wrongHead,
    };
    calls.push(call);
    if (r.status !== 200) log(`call ${k}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    await sleep(PAUSE_MS);
    // The call's traffic: everything on the adapter channels from just before the request until the raw emit.
    call.redisBytes = traffic.bytes;
    call.redisMsgs = traffic.msgs;

    resetTraffic();
    const c1 = cpu();
    const rawMs = await ping(k);
    cpuRaw += cpu() - c1;
    rawBytes.push(traffic.bytes);
    if (Number.isNaN(rawMs)) rawMissing++;
    raw.push(rawMs);
    await sleep(PAUSE_MS);
  }
  agents.forEach((a) => a.destroy());
  await rawServer.of(NSP).adapter.close();
  await rawServer.sockets.adapter.close();
  await rawAdapter.close();
  const { rows } = await db.query<{ called: string; waiting: string }>(
    `SELECT count(*) FILTER (WHERE status = 'called') AS called, count(*) FILTER (WHERE status = 'checked_in') AS waiting FROM bookings WHERE slot_id = $1`,
    [f.slotId],
  );
  let composition = 'no message on the request channel';
  if (traffic.lastRequest) {
    // A serverSideEmit in JSON {uid, type, data: [event, payload]} (the classic emitter's encoding) is described by its
    // event name and what each part of the payload weighs; the streams adapter's (msgpack) only by its size.
    try {
      const [event, payload] = (
        JSON.parse(traffic.lastRequest.toString()) as { data: [string, Record<string, unknown>] }
      ).data;
      composition =
        `${event}: ` +
        Object.entries(payload)
          .map(([k, v]) => `${k} ${fmt(Buffer.byteLength(JSON.stringify(v) ?? '') / 1024, 1)} KiB`)
          .join(', ');
    } catch {
      composition = `${traffic.lastRequest.length} B, msgpack`;
    }
  }
  log(
    `after the rounds: ${rows[0].called} called, ${rows[0].waiting} waiting (expected ${CALLS} and ${TRUCKS - CALLS})`,
  );
  return {
    calls,
    raw,
    rawBytes,
    rawMissing,
    cpuCall: cpuCall / CALLS,
    cpuRaw: cpuRaw / CALLS,
    payloadBytes,
    composition,
  };
}

function redis(): Redis {
  const r = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
  redisClients.push(r);
  return r;
}

// ---------------------------------------------------------------------------------------------- check-in phases

interface Phase {
  inFlight: number;
  /** Check-ins asked for, and answered (any status) before the send limit stopped the phase. */
  planned: number;
  sent: number;
  ok: number;
  failures: string[];
  latencies: number[];
  /** Trucks waiting when the phase began. */
  queuedAtStart: number;
  wallMs: number;
  /** From the phase's start until the adapter channels fell quiet (false: still busy at DRAIN_LIMIT_MS). */
  drained: boolean;
  drainMs: number;
  cpu: number;
  /** The APIs' idle CPU over the phase's time to its last message (IDLE_SAMPLE_MS's rate), to take off `cpu`. */
  idleCpu: number;
  /** The machine's busy share of all its cores while the requests ran (Postgres, Redis, this bench included). */
  machineBusy: number;
  bytes: number;
  msgs: number;
  maxMsg: number;
  /** Sequential sample only: each change's own traffic. */
  perChange: number[];
}

/**
 * POST /ports/MOHAN/check-ins for `list` with `inFlight` requests at a time (workers alternate between the API
 * processes). Drivers' sockets ignore queue updates meanwhile. With one in flight, each check-in's adapter
 * traffic is attributed exactly (wait for silence after each); otherwise the phase's traffic and CPU, counted
 * until the channels fall quiet after the last answer, are divided by the check-ins made.
 */
async function checkInPhase(
  f: Fixtures,
  db: Pool,
  list: Driver[],
  inFlight: number,
  idlePerMs: number,
): Promise<Phase> {
  const {
    rows: [{ n }],
  } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM bookings WHERE slot_id = $1 AND status = 'checked_in'`, [
    f.slotId,
  ]);
  const agents = apis.map(() => new http.Agent({ keepAlive: true, maxSockets: inFlight }));
  const headers = { authorization: `Bearer ${f.staffToken}` };
  const phase: Phase = {
    inFlight,
    planned: list.length,
    sent: 0,
    ok: 0,
    failures: [],
    latencies: [],
    queuedAtStart: Number(n),
    wallMs: 0,
    drained: true,
    drainMs: 0,
    cpu: 0,
    idleCpu: 0,
    machineBusy: NaN,
    bytes: 0,
    msgs: 0,
    maxMsg: 0,
    perChange: [],
  };
  round.call = -1;
  const cpu = () => apis.reduce((sum, a) => sum + cpuMs(a), 0);
  // Let the previous phase's publishes finish first, so they are not counted here.
  await quiet(QUIET_MS, DRAIN_LIMIT_MS, false);
  resetTraffic();
  const c0 = cpu();
  const m0 = machineBusyMs();
  const t0 = nowMs();
  let next = 0;
  let bytes = 0;
  let msgs = 0;
  let maxMsg = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, list.length) }, async (_, w) => {
        while (next < list.length && phase.failures.length < 20 && nowMs() - t0 < BURST_SEND_LIMIT_MS) {
          const d = list[next++];
          const i = w % apis.length;
          if (inFlight === 1) resetTraffic();
          const s = nowMs();
          phase.sent++;
          const r = await postJson(
            agents[i],
            apis[i].port,
            `/api/v1/ports/${PORT}/check-ins`,
            { plate: d.plate },
            headers,
          );
          phase.latencies.push(nowMs() - s);
          if (r.status === 201) phase.ok++;
          else phase.failures.push(`${d.plate}: ${r.status} ${r.body.slice(0, 200)}`);
          if (inFlight === 1) {
            if (!(await quiet(QUIET_SEQ_MS, 10_000, true))) phase.drained = false;
            phase.perChange.push(traffic.bytes);
            bytes += traffic.bytes;
            msgs += traffic.msgs;
            maxMsg = Math.max(maxMsg, traffic.maxMsg);
          }
        }
      }),
    );
    phase.wallMs = nowMs() - t0;
    phase.machineBusy = (machineBusyMs() - m0) / (phase.wallMs * os.cpus().length);
    if (inFlight > 1) {
      phase.drained = await quiet(QUIET_MS, DRAIN_LIMIT_MS, true);
      bytes = traffic.bytes;
      msgs = traffic.msgs;
      maxMsg = traffic.maxMsg;
    }
  } finally {
    agents.forEach((a) => a.destroy());
  }
  // CPU and time up to the last message (the quiet wait after it is idle time for the APIs).
  phase.drainMs = (Number.isNaN(traffic.lastAt) ? nowMs() : Math.max(traffic.lastAt, t0 + phase.wallMs)) - t0;
  phase.cpu = cpu() - c0;
  // With one in flight the phase's time is mostly the quiet waits after each check-in: idle for the APIs.
  phase.idleCpu = idlePerMs * (inFlight === 1 ? nowMs() - t0 : phase.drainMs);
  Object.assign(phase, { bytes, msgs, maxMsg });
  if (phase.ok === 0)
    throw new Error(`no check-in succeeded (${inFlight} in flight):\n${phase.failures.slice(0, 5).join('\n')}`);
  return phase;
}

/** The APIs' CPU per ms while nothing happens but their sockets' heartbeats and the stream's reads. */
async function idleCpuRate(since: () => string): Promise<number> {
  await quiet(QUIET_MS, DRAIN_LIMIT_MS, false);
  const cpu = () => apis.reduce((sum, a) => sum + cpuMs(a), 0);
  const c0 = cpu();
  const t0 = nowMs();
  await sleep(IDLE_SAMPLE_MS);
  const rate = (cpu() - c0) / (nowMs() - t0);
  log(`API CPU while idle (both processes, ${TRUCKS} sockets): ${fmt(rate * 1000, 1)} ms per second (${since()})`);
  return rate;
}

async function checkInPhases(
  f: Fixtures,
  db: Pool,
  since: () => string,
  profile: () => Promise<void>,
): Promise<Phase[]> {
  // Back to TRUCKS waiting: the rounds called CALLS trucks away, so as many spares join the end of the line by SQL.
  const topUp = f.spares.slice(0, CALLS);
  await checkInBySql(db, topUp);
  const idlePerMs = await idleCpuRate(since);
  let from = CALLS;
  await profile();
  const phases: Phase[] = [];
  for (const { inFlight, count } of BURST_PHASES) {
    const list = f.spares.slice(from, from + count);
    from += count;
    const p = await checkInPhase(f, db, list, inFlight, idlePerMs);
    phases.push(p);
    const l = stats(p.latencies);
    log(
      `check-in phase, ${inFlight} in flight: ${p.ok} of ${p.planned} checked in (${p.sent} sent${p.sent < p.planned ? `, send limit ${BURST_SEND_LIMIT_MS / 1000} s reached` : ''}` +
        `${p.failures.length ? `, ${p.failures.length} failed, first: ${p.failures[0]}` : ''}) onto ${p.queuedAtStart} waiting in ${fmt(p.wallMs / 1000, 1)} s; ` +
        `p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms; machine ${fmt(p.machineBusy * 100)} % busy; publishes done after ${fmt(p.drainMs / 1000, 1)} s${p.drained ? '' : ' (NOT quiet yet: bytes and CPU are partial)'} (${since()})`,
    );
  }
  await profile();
  round.call = 0;
  return phases;
}

// ---------------------------------------------------------------------------------------------- report

const stats = (xs: number[]) => {
  const ok = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    p50: percentile(ok, 0.5),
    p99: percentile(ok, 0.99),
    max: ok.length ? ok[ok.length - 1] : NaN,
    n: ok.length,
  };
};

interface Rounds {
  clean: boolean;
  fan: ReturnType<typeof stats>;
  raw: ReturnType<typeof stats>;
  httpS: ReturnType<typeof stats>;
  ratio: number;
  missing: number;
  non200: number;
  bytesMean: number;
  bytesMax: number;
  rawBytesMean: number;
  cpuCall: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const kib = (bytes: number) => `${fmt(bytes / 1024, bytes < 10 * 1024 ? 2 : 0)} KiB`;

function report(m: Measured, loadBefore: string): Rounds {
  const fan = stats(m.calls.map((c) => c.fanOut));
  const raw = stats(m.raw);
  const httpS = stats(m.calls.map((c) => c.http));
  const first = stats(m.calls.map((c) => c.firstOnRedis));
  const after = stats(m.calls.map((c) => c.fanOut - c.firstOnRedis));
  const called = stats(m.calls.map((c) => c.calledAfter));
  const bytes = m.calls.map((c) => c.redisBytes);
  const ratio = fan.p99 / raw.p99;
  const missing = m.calls.reduce((s, c) => s + c.missing, 0);
  const unexpected = m.calls.reduce((s, c) => s + c.unexpected, 0);
  const wrongHeads = m.calls.filter((c) => c.wrongHead).length;
  const non200 = m.calls.filter((c) => c.status !== 200).length;
  const ratioOk = (target: number) => Number.isFinite(ratio) && ratio <= target && missing === 0;
  const httpOk = httpS.p99 <= TARGET_HTTP_P99_MS && non200 === 0;

  log('');
  log(
    `| measurement (${CALLS} rounds, ${TRUCKS} sockets on ${apis.length} API processes) | p50 ms | p99 ms | max ms |`,
  );
  log('| --- | ---: | ---: | ---: |');
  log(
    `| call-next → every waiting driver has its new position | ${fmt(fan.p50, 1)} | ${fmt(fan.p99, 1)} | ${fmt(fan.max, 1)} |`,
  );
  log(
    `| raw socket.io: one emit → all ${TRUCKS} sockets (${m.payloadBytes} B payload) | ${fmt(raw.p50, 1)} | ${fmt(raw.p99, 1)} | ${fmt(raw.max, 1)} |`,
  );
  log(`| call-next HTTP latency | ${fmt(httpS.p50, 1)} | ${fmt(httpS.p99, 1)} | ${fmt(httpS.max, 1)} |`);
  log(
    `| call-next → first message on the adapter's Redis channels | ${fmt(first.p50, 1)} | ${fmt(first.p99, 1)} | ${fmt(first.max, 1)} |`,
  );
  log(
    `| that first message → every waiting driver | ${fmt(after.p50, 1)} | ${fmt(after.p99, 1)} | ${fmt(after.max, 1)} |`,
  );
  log(
    `| call-next → the called driver told 'called' | ${fmt(called.p50, 1)} | ${fmt(called.p99, 1)} | ${fmt(called.max, 1)} |`,
  );
  log('');
  log(
    `Redis (every message on ${SOCKET_IO_KEY}*) per call-next: ${kib(mean(bytes))} mean, ${kib(Math.max(...bytes))} max, ` +
      `${fmt(mean(m.calls.map((c) => c.redisMsgs)), 1)} messages; per raw emit ${kib(mean(m.rawBytes))}; last request-channel message: ${m.composition}`,
  );
  log(
    `API CPU (both processes, /proc, 10 ms ticks): ${fmt(m.cpuCall, 1)} ms per call-next round, ${fmt(m.cpuRaw, 1)} ms per raw emit`,
  );
  log(
    `checks: ${non200} non-200 call-next, ${wrongHeads} calls did not take the expected head (FIFO), ${missing} driver updates missing, ` +
      `${unexpected} updates with an unexpected position, ${m.rawMissing} raw rounds incomplete`,
  );
  log(`load average before the rounds: ${loadBefore}; after: ${loadavg()}`);
  log('');
  log(`| target | measured | result |`);
  log('| --- | --- | --- |');
  log(
    `| fan-out p99 ≤ ${TARGET_RATIO} × raw p99 (issue 7) | ${fmt(fan.p99, 1)} ms ÷ ${fmt(raw.p99, 1)} ms = ${fmt(ratio, 2)} × | ${ratioOk(TARGET_RATIO) ? 'PASS' : 'FAIL'} |`,
  );
  log(
    `| fan-out p99 ≤ ${OLD_TARGET_RATIO} × raw p99 (earlier target) | ${fmt(ratio, 2)} × | ${ratioOk(OLD_TARGET_RATIO) ? 'PASS' : 'FAIL'} |`,
  );
  log(`| call-next p99 ≤ ${TARGET_HTTP_P99_MS} ms | ${fmt(httpS.p99, 1)} ms | ${httpOk ? 'PASS' : 'FAIL'} |`);
  log('');
  return {
    clean: missing === 0 && wrongHeads === 0 && non200 === 0 && unexpected === 0,
    fan,
    raw,
    httpS,
    ratio,
    missing,
    non200,
    bytesMean: mean(bytes),
    bytesMax: Math.max(...bytes),
    rawBytesMean: mean(m.rawBytes),
    cpuCall: m.cpuCall,
  };
}

/** Per-change figures that issue 7 wants flat from 1,000 to 5,000 trucks; saved per run, compared across sizes. */
interface Saved {
  commit: string;
  trucks: number;
  at: string;
  callBytes: number;
  checkInBytes: number;
  callCpu: number;
  checkInCpu: number;
}

/** The server code measured: the last commit that touched apps/, libs/ or migrations/, plus "+changes" when they have uncommitted ones. */
function commitOf(): string {
  try {
    const head = execSync('git log -1 --format=%h -- apps libs migrations', { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- apps libs migrations', { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** Saves this run's per-change figures and returns a saved run of the same server code at the most different truck count. */
function saveAndCompare(mine: Saved): Saved | undefined {
  const spread = (trucks: number) => Math.abs(Math.log(trucks / mine.trucks));
  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${mine.commit}-${mine.trucks}.json`), JSON.stringify(mine, null, 2));
    const others = readdirSync(RESULTS_DIR)
      .filter(
        (name) =>
          name.startsWith(`${mine.commit}-`) && name.endsWith('.json') && name !== `${mine.commit}-${mine.trucks}.json`,
      )
      .map((name) => JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as Saved)
      // The most different size first (a 1,000 run compares with 5,000, not with a small trial run), then the latest.
      .sort((x, y) => spread(y.trucks) - spread(x.trucks) || y.at.localeCompare(x.at));
    return others[0];
  } catch (e) {
    log(`could not save or read ${RESULTS_DIR}: ${String(e)}`);
    return undefined;
  }
}

function summary(r: Rounds, phases: Phase[]): void {
  const seq = phases.find((p) => p.inFlight === 1);
  const bursts = phases.filter((p) => p.inFlight > 1);
  const made = phases.reduce((n, p) => n + p.ok, 0);
  const checkInBytes = phases.reduce((n, p) => n + p.bytes, 0) / made;
  const checkInCpu = phases.reduce((n, p) => n + p.cpu, 0) / made;
  const mine: Saved = {
    commit: commitOf(),
    trucks: TRUCKS,
    at: new Date().toISOString(),
    callBytes: r.bytesMean,
    checkInBytes,
    callCpu: r.cpuCall,
    checkInCpu,
  };
  const other = saveAndCompare(mine);
  const pf = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

  log('');
  log(
    `summary: ${TRUCKS} trucks queued, ${TRUCKS} driver sockets on ${apis.length} API processes, ${CALLS} call-nexts; raw emit p99 ${fmt(r.raw.p99, 1)} ms (same run)`,
  );
  log('');
  log('| metric | value | target | result |');
  log('| --- | --- | --- | --- |');
  log(
    `| call-next → every waiting driver, p99 ÷ raw emit p99 | ${fmt(r.fan.p99, 1)} ÷ ${fmt(r.raw.p99, 1)} ms = ${fmt(r.ratio, 2)} × | ≤ ${TARGET_RATIO} × | ${pf(r.ratio <= TARGET_RATIO && r.missing === 0)} |`,
  );
  log(
    `| same, against the earlier target | ${fmt(r.ratio, 2)} × | ≤ ${OLD_TARGET_RATIO} × | ${pf(r.ratio <= OLD_TARGET_RATIO && r.missing === 0)} |`,
  );
  log(
    `| call-next API latency p50 / p99 | ${fmt(r.httpS.p50, 1)} / ${fmt(r.httpS.p99, 1)} ms | p99 ≤ ${TARGET_HTTP_P99_MS} ms | ${pf(r.httpS.p99 <= TARGET_HTTP_P99_MS && r.non200 === 0)} |`,
  );
  for (const p of bursts) {
    const l = stats(p.latencies);
    const partial = p.ok < p.planned ? ` (${p.ok} of ${p.planned} within the send limit)` : '';
    const complete = p.failures.length === 0 && p.ok === p.planned;
    const row = `| check-in API latency p50 / p99, ${p.inFlight} in flight, ${p.queuedAtStart}+ queued${partial} | ${fmt(l.p50, 1)} / ${fmt(l.p99, 1)} ms | `;
    log(`${row}p99 ≤ ${TARGET_CHECKIN_P99_MS} ms (issue 7) | ${pf(l.p99 <= TARGET_CHECKIN_P99_MS && complete)} |`);
    if (p.inFlight === 8)
      log(`${row}p99 ≤ ${TARGET_CHECKIN8_P99_MS} ms (issue 22) | ${pf(l.p99 <= TARGET_CHECKIN8_P99_MS && complete)} |`);
  }
  const flat = (label: string, mineV: number, otherV: number | undefined, show: (v: number) => string) => {
    if (otherV === undefined || !other) {
      log(
        `| ${label} | ${show(mineV)} at ${TRUCKS} | flat 1,000 → 5,000 (≤ ${FLAT_GROWTH} ×) | – (run the other size on this commit to compare) |`,
      );
      return;
    }
    const [small, large] = other.trucks < TRUCKS ? [otherV, mineV] : [mineV, otherV];
    const growth = large / small;
    log(
      `| ${label} | ${show(mineV)} at ${TRUCKS}, ${show(otherV)} at ${other.trucks} (${other.at}): ${fmt(growth, 2)} × | ` +
        `flat 1,000 → 5,000 (≤ ${FLAT_GROWTH} ×) | ${pf(growth <= FLAT_GROWTH)} |`,
    );
  };
  const perChange = (xs: number[]) => `${kib(mean(xs))} mean, ${kib(Math.max(...xs))} max`;
  log(`| bytes through Redis per call-next | ${kib(r.bytesMean)} mean, ${kib(r.bytesMax)} max | – | info |`);
  if (seq) log(`| bytes through Redis per check-in, one at a time | ${perChange(seq.perChange)} | – | info |`);
  for (const p of bursts) {
    log(
      `| bytes through Redis per check-in, ${p.inFlight} in flight | ${kib(p.bytes / p.ok)} mean (${p.msgs} messages for ${p.ok}), ${kib(p.maxMsg)} largest message${p.drained ? '' : ', partial'} | – | info |`,
    );
  }
  log(`| API CPU per call-next (both processes) | ${fmt(r.cpuCall, 1)} ms | – | info |`);
  for (const p of phases) {
    const net = (p.cpu - p.idleCpu) / p.ok;
    const target = p.inFlight === 8 ? `≤ ${TARGET_CHECKIN_CPU_MS} ms net (issue 22)` : '–';
    const result = p.inFlight === 8 ? pf(net <= TARGET_CHECKIN_CPU_MS && p.drained) : 'info';
    log(
      `| API CPU per check-in, ${p.inFlight} in flight (both processes): all / net of idle | ${fmt(p.cpu / p.ok, 1)} / ${fmt(net, 1)} ms${p.drained ? '' : ', partial'} | ${target} | ${result} |`,
    );
  }
  flat('bytes through Redis per call-next (mean)', mine.callBytes, other?.callBytes, kib);
  flat('bytes through Redis per check-in (mean, all phases)', mine.checkInBytes, other?.checkInBytes, kib);
  flat('API CPU per call-next', mine.callCpu, other?.callCpu, (v) => `${fmt(v, 1)} ms`);
  flat('API CPU per check-in (all phases)', mine.checkInCpu, other?.checkInCpu, (v) => `${fmt(v, 1)} ms`);
  log('');
  log(
    `(flatness: against the saved run of the same server code at the most different truck count, ${mine.commit} (last commit to apps/, libs/, migrations/), ` +
      `in ${RESULTS_DIR})`,
  );
}

/**
 * Every driver socket is a file descriptor in this process (and half as many in each API process): refuse to
 * start, with the fix, rather than fail with EMFILE halfway through connecting.
 */
function checkFileLimit(): void {
  let soft = Infinity;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const v = line?.split(/\s{2,}/)[1];
    if (v && v !== 'unlimited') soft = Number(v);
  } catch {
    return;
  }
  const need = TRUCKS + 1000;
  if (soft < need) {
    throw new Error(
      `open-file limit ${soft} is below the ${need} this bench needs for ${TRUCKS} sockets: raise it (ulimit -n ${need}, ` +
        `or ulimit -Hn for the ceiling) and run again`,
    );
  }
}

const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const began = Date.now();
  const since = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
  log(
    `kouan live bench: ${TRUCKS} trucks at ${PORT} ${DIRECTION}, ${TRUCKS} driver sockets over ${API_PROCS} API processes, ` +
      `${CALLS} call-next rounds each followed by a raw emit, then check-ins ${BURST_PHASES.map((p) => `${p.count} × ${p.inFlight} in flight`).join(', ')}; ` +
      `check-in ${CHECKIN}; load average ${loadavg()}`,
  );
  checkFileLimit();
  await freshDatabase(env);
  await cli(env, 'migrate');
  await cli(env, 'seed');
  log(`fresh database ${env.dbName} migrated and seeded (${since()})`);

  const db = new Pool({ connectionString: env.benchDbUrl, max: 4, application_name: 'kouan-bench-live' });
  try {
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
    const profileFile = (n: number) =>
      PROFILE_DIR ? join(PROFILE_DIR, `live-api${n}-${Date.now()}.cpuprofile`) : undefined;
    const profiles = [profileFile(1), profileFile(2)];
    for (const file of profiles) await startApi(env, apis, file);
    await watchAdapter();
    const f = await fixtures(db, apis[0]);
    log(
      `fixtures: ${FIRMS} firms, ${TRUCKS + SPARES} vehicles, drivers and bookings on one slot containing now ` +
        `(${TRUCKS} to queue now, ${SPARES} for after the rounds) (${since()})`,
    );
    // Each connecting driver gets its state at once, read with the whole waiting order: O(N) per socket, O(N²) in
    // all (about 4 minutes for 5,000 on this machine under load). Connecting before the check-in was tried: the
    // 20 API check-ins' whole-queue publishes (3 MB each at 5,000) then overran Redis's pubsub output buffer.
    log(`${await checkIn(db, f)} (${since()})`);
    await db.query('ANALYZE');
    log(`${await connectAll(f.drivers)} (${since()})`);
    await awaitPositions(f.drivers);
    log(`every driver has its starting position (1…${TRUCKS}) (${since()})`);
    await sleep(500);

    const toggle = async () => {
      if (!PROFILE_DIR) return;
      for (const a of apis) if (a.child.pid) process.kill(a.child.pid, 'SIGWINCH');
      await sleep(500);
    };
    const loadBefore = loadavg();
    await toggle();
    const m = await measure(f, db);
    await toggle();
    log(`${CALLS} rounds done (${since()})`);
    const rounds = report(m, loadBefore);
    if (!rounds.clean) process.exitCode = 1;
    const phases = await checkInPhases(f, db, since, toggle);
    summary(rounds, phases);
    await reconnects(f);
    if (PROFILE_DIR) {
      await sleep(1500);
      // -1: the call-next rounds, -2: the check-in phases.
      for (const part of [1, 2])
        for (const file of profiles) {
          const written = (file as string).replace(/\.cpuprofile$/, `-${part}.cpuprofile`);
          log(`CPU profile (${part === 1 ? 'call-next rounds' : 'check-in phases'}): ${written}`);
          printProfileSummary(written, 25);
        }
    }
    log(`total ${since()}`);
  } finally {
    await db.end();
  }
}

/** The reconnect phase (bench/reconnect.ts) on the drivers at the tail of the line, still waiting. */
async function reconnects(f: Fixtures): Promise<void> {
  round.call = -1;
  const tail = f.drivers
    .filter((d) => d.socket?.connected && d.last?.status === 'checked_in' && d.last.position)
    .sort((a, b) => (b.last?.position ?? 0) - (a.last?.position ?? 0))
    .slice(0, RECONNECTS)
    .map((d) => ({ bookingId: d.bookingId, token: d.token as string, socket: d.socket as Socket, last: d.last! }));
  await reconnectPhase({
    drivers: tail,
    apis,
    redis: redis(),
    redisPrefix: env.redisPrefix,
    staffToken: f.staffToken,
    laneId: f.laneId,
    port: PORT,
    nsp: NSP,
  });
  sockets.push(...tail.map((d) => d.socket));
}

async function cleanup(): Promise<void> {
  for (const s of sockets) s.close();
  for (const r of redisClients) r.disconnect();
  await cleanupBench(env, apis);
}

runBench(main, cleanup, apis, TOTAL_LIMIT_MS);
