/**
 * `npm run bench:jobs`: how late the worker runs jobs that come due, and how fast the outbox relay moves events,
 * each against a raw baseline measured in the same run, while an API process takes bookings (20 a second).
 *
 * 1. Raw BullMQ: 10,000 delayed jobs due over 60 s on a queue of their own, a no-op Worker in this process with the
 *    worker's lock settings. Lateness = when the job started − when it was due (BullMQ's own timestamps).
 * 2. Kouan: 10,000 deadline jobs (expire-overdue@…, remind-drivers@…, as DeadlineJobs makes them) due over 60 s on
 *    the maintenance queue, run by the real worker process (dist/) through its dispatcher and handlers, which read
 *    Postgres each time. Same lateness. Target: p99 ≤ 1 s.
 * 3. Relay: 20,000 events put in booking_events at once; events/s until the worker has relayed them all, and
 *    until the audit trail has chained them all too (every
 *    consumer: live, webhooks, notifications, deadlines, audit, yard). Raw: the same rows in a bare table, claimed 200 at a time
 *    with `SELECT … FOR UPDATE SKIP LOCKED` and marked, in one loop over one connection. Target: ≥ 0.5 × raw.
 *
 * Fresh database kouan_bench_jobs and Redis prefix kouan-bench-jobs, dropped at the end. BENCH_JOBS (10000),
 * BENCH_JOBS_SPREAD_S (60), BENCH_EVENTS (20000).
 */
import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { DateTime } from 'luxon';
import { Pool } from 'pg';
import { redisOptions } from '@kouan/config';
import { JobName, JobQueue, WORKER_OPTIONS } from '@kouan/jobs';
import {
  ApiProcess,
  benchEnv,
  childEnv,
  cleanupBench,
  cli,
  fmt,
  freshDatabase,
  get,
  jwtSigner,
  log,
  percentile,
  postJson,
  ROOT,
  runBench,
  sleep,
  startApi,
} from './support';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const SPREAD_MS = Number(process.env.BENCH_JOBS_SPREAD_S ?? 60) * 1000;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BOOKINGS_PER_S = 20;
const PORT = 'MOHAN';

const env = benchEnv('kouan_bench_jobs', 'kouan-bench-jobs');
const apis: ApiProcess[] = [];
let worker: ChildProcess | undefined;

interface Lateness {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

const summary = (late: number[]): Lateness => {
  const sorted = [...late].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    n: sorted.length,
  };
};

/**
 * Lateness of this bench's jobs (ids `name@<due ms>-<i>`) on `queue`: when Redis made each one active (the id of its
 * `active` event on the queue's event stream is Redis's clock) minus when it was due. Listens before the jobs exist.
 */
async function lateness(queue: string, connection: ReturnType<typeof redisOptions>, prefix: string) {
  const events = new QueueEvents(queue, { connection, prefix });
  await events.waitUntilReady();
  const late: number[] = [];
  events.on('active', ({ jobId }, id) => {
    const due = /@(\d+)-\d+$/.exec(jobId);
    if (due) late.push(Number(id.split('-')[0]) - Number(due[1]));
  });
  return {
    late,
    async done(count: number, limitMs: number): Promise<Lateness> {
      const deadline = Date.now() + limitMs;
      while (late.length < count && Date.now() < deadline) await sleep(250);
      await events.close();
      return summary(late);
    },
  };
}

/** `count` due times spread evenly over SPREAD_MS from `start` (ms since epoch). */
function dueTimes(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + Math.floor((i * SPREAD_MS) / count));
}

/** Books 20 a second through the API while `running()` says so; returns the statuses. */
async function bookingLoad(db: Pool, api: ApiProcess, running: () => boolean): Promise<Map<number, number>> {
  const jwt = jwtSigner(env);
  const firmId = randomUUID();
  const userId = randomUUID();
  await db.query(
    `INSERT INTO firms (id, name, country, contact_email) VALUES ($1, 'Bench Jobs Freight', 'CN', 'ops@jobs.bench.example')`,
    [firmId],
  );
  await db.query(
    `INSERT INTO users (id, email, password_hash, role, firm_id) VALUES ($1, 'dispatch@jobs.bench.example', 'not-a-login', 'dispatcher', $2)`,
    [userId, firmId],
  );
  const token = jwt.sign({ sub: userId, role: 'dispatcher', firm: firmId }, { expiresIn: '2h' });
  const date = DateTime.now().setZone('Asia/Shanghai').plus({ days: 2 }).toISODate() as string;
  const res = await get(api.port, `/api/v1/ports/${PORT}/slots?date=${date}&direction=export`, true);
  const slots = (JSON.parse(res.body) as Array<{ id: string; bookable: boolean }>)
    .filter((s) => s.bookable)
    .map((s) => s.id);
  const trucks = 4000;
  const ids = Array.from({ length: trucks }, () => [randomUUID(), randomUUID()]);
  await db.query(
    `INSERT INTO vehicles (id, firm_id, plate, country) SELECT v, $2, 'JB' || ord, 'CN' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(v, ord)`,
    [ids.map((i) => i[0]), firmId],
  );
  await db.query(
    `INSERT INTO drivers (id, firm_id, name, phone, licence_no, language)
     SELECT d, $2, 'Bench driver ' || ord, '+8613800000000', 'LJ' || ord, 'zh' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(d, ord)`,
    [ids.map((i) => i[1]), firmId],
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const statuses = new Map<number, number>();
  const inFlight = new Set<Promise<void>>();
  for (let k = 0; running() && k < trucks; k++) {
    const p = postJson(
      agent,
      api.port,
      '/api/v1/bookings',
      {
        slotId: slots[k % slots.length],
        vehicleId: ids[k][0],
        driverId: ids[k][1],
        cargo: { description: 'Bench cargo', hsCode: '071410', weightKg: 20000, perishable: false },
      },
      { authorization: `Bearer ${token}` },
    ).then((r) => {
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    await sleep(1000 / BOOKINGS_PER_S);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return statuses;
}

async function startWorker(): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], {
    cwd: ROOT,
    env: childEnv(env, { LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker = child;
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !out.includes('worker started')) {
    if (child.exitCode !== null) throw new Error(`the worker died:\n${out}`);
    await sleep(100);
  }
  if (!out.includes('worker started')) throw new Error(`the worker did not start:\n${out}`);
}

async function rawRelay(db: Pool): Promise<number> {
  await db.query(`CREATE TABLE bench_outbox (seq bigserial PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), type varchar(32) NOT NULL,
    booking_id uuid NOT NULL, firm_id uuid NOT NULL, port_code varchar(32) NOT NULL, occurred_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL, relayed_at timestamptz)`);
  await db.query(`CREATE INDEX ON bench_outbox (seq) WHERE relayed_at IS NULL`);
  await insertEvents(db, 'bench_outbox');
  const c = await db.connect();
  const started = Date.now();
  try {
    for (;;) {
      await c.query('BEGIN');
      const { rows } = await c.query<{ seq: string }>(
        'SELECT seq, id, type, booking_id, firm_id, occurred_at, data FROM bench_outbox WHERE relayed_at IS NULL ORDER BY seq LIMIT 200 FOR UPDATE SKIP LOCKED',
      );
      if (rows.length)
        await c.query('UPDATE bench_outbox SET relayed_at = now() WHERE seq = ANY($1::bigint[])', [
          rows.map((r) => r.seq),
        ]);
      await c.query('COMMIT');
      if (!rows.length) break;
    }
  } finally {
    c.release();
  }
  return EVENTS / ((Date.now() - started) / 1000);
}

/** EVENTS events of 1,000 bookings of a firm without webhooks (what the relay does for every event, and no sends). */
function insertEvents(db: Pool, table: string): Promise<unknown> {
  return db.query(
    `INSERT INTO ${table} (type, booking_id, firm_id, port_code, data)
     SELECT 'booking.checked_in', b, f, 'MOHAN', jsonb_build_object('bookingId', b, 'reference', 'MOHAN-BENCH', 'status', 'checked_in',
            'portCode', 'MOHAN', 'direction', 'export')
     FROM generate_series(1, $1) AS i, LATERAL (SELECT md5(((i - 1) % 1000)::text)::uuid AS b, $2::uuid AS f) x ORDER BY i`,
    [EVENTS, randomUUID()],
  );
}

async function main(): Promise<void> {
  log(
    `kouan jobs bench: ${JOBS} delayed jobs due over ${SPREAD_MS / 1000} s (raw BullMQ, then Kouan's worker) while the API books ` +
      `${BOOKINGS_PER_S}/s; then ${EVENTS} events through the relay against a raw SKIP LOCKED loop`,
  );
  await freshDatabase(env);
  await cli(env, 'migrate');
  await cli(env, 'seed');
  const db = new Pool({ connectionString: env.benchDbUrl, max: 4 });
  try {
    await db.query(
      `UPDATE schedules SET slot_minutes = 10, open_from = 0, open_to = 1440, capacity_export = 400, firm_quota_percent = 100`,
    );
    const api = await startApi(env, apis);
    await startWorker();
    const connection = redisOptions(env.redisUrl);
    const prefix = `${env.redisPrefix}:bull`;

    let loading = true;
    const load = bookingLoad(db, api, () => loading);

    // 1. raw BullMQ
    const raw = new Queue('bench-raw', { connection, prefix });
    const rawWorker = new Worker('bench-raw', async () => undefined, {
      connection,
      prefix,
      ...WORKER_OPTIONS,
      concurrency: 8,
    });
    const rawWatch = await lateness('bench-raw', connection, prefix);
    const rawStart = Date.now() + 2000;
    const rawDue = dueTimes(rawStart, JOBS);
    for (let i = 0; i < JOBS; i += 1000) {
      await raw.addBulk(
        rawDue.slice(i, i + 1000).map((due, k) => ({
          name: 'raw',
          data: {},
          opts: { jobId: `raw@${due}-${i + k}`, delay: Math.max(0, due - Date.now()) },
        })),
      );
    }
    const rawLate = await rawWatch.done(JOBS, SPREAD_MS + 60_000);
    await rawWorker.close();
    await raw.close();
    log(
      `raw BullMQ: ${rawLate.n} jobs, lateness p50 ${fmt(rawLate.p50)} ms, p99 ${fmt(rawLate.p99)} ms, max ${fmt(rawLate.max)} ms`,
    );

    // 2. Kouan's worker
    const maintenance = new Queue(JobQueue.Maintenance, { connection, prefix });
    const watch = await lateness(JobQueue.Maintenance, connection, prefix);
    const start = Date.now() + 2000;
    const due = dueTimes(start, JOBS);
    const names = [JobName.ExpireOverdue, JobName.RemindDrivers];
    for (let i = 0; i < JOBS; i += 1000) {
      await maintenance.addBulk(
        due.slice(i, i + 1000).map((at, k) => {
          const name = names[(i + k) % 2];
          return { name, data: {}, opts: { jobId: `${name}@${at}-${i + k}`, delay: Math.max(0, at - Date.now()) } };
        }),
      );
    }
    const ours = await watch.done(JOBS, SPREAD_MS + 120_000);
    await maintenance.close();
    log(
      `Kouan worker: ${ours.n} jobs, lateness p50 ${fmt(ours.p50)} ms, p99 ${fmt(ours.p99)} ms, max ${fmt(ours.max)} ms`,
    );
    loading = false;
    const statuses = await load;
    log(`bookings during the jobs: ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(', ')}`);

    // 3. relay
    // Timed from the commit of the insert (one statement), as the raw loop is: the relay can see none before.
    await insertEvents(db, 'booking_events');
    const t0 = Date.now();
    for (;;) {
      const { rows } = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM booking_events WHERE relayed_at IS NULL',
      );
      if (Number(rows[0].n) === 0) break;
      await sleep(50);
    }
    const relayRate = EVENTS / ((Date.now() - t0) / 1000);
    // The audit trail stands aside while the relay is behind, then chains: how long until every event is chained.
    for (;;) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM audit_pending) + (SELECT count(*) FROM booking_events WHERE relayed_at IS NULL) AS n`,
      );
      if (Number(rows[0].n) === 0) break;
      await sleep(50);
    }
    const auditRate = EVENTS / ((Date.now() - t0) / 1000);
    const rawRate = await rawRelay(db);
    log(
      `relay: ${fmt(relayRate)} events/s; raw SKIP LOCKED loop: ${fmt(rawRate)} events/s; all of them in the audit chain: ${fmt(auditRate)} events/s`,
    );

    log('');
    log('| measurement | Kouan | raw baseline (same run) | target | result |');
    log('| --- | ---: | ---: | --- | --- |');
    log(
      `| lateness p50 / p99 / max, ${JOBS} jobs over ${SPREAD_MS / 1000} s | ${fmt(ours.p50)} / ${fmt(ours.p99)} / ${fmt(ours.max)} ms ` +
        `| ${fmt(rawLate.p50)} / ${fmt(rawLate.p99)} / ${fmt(rawLate.max)} ms | p99 ≤ 1,000 ms | ${ours.p99 <= 1000 ? 'PASS' : 'FAIL'} |`,
    );
    log(
      `| outbox relay, ${EVENTS} events | ${fmt(relayRate)} events/s | ${fmt(rawRate)} events/s | ≥ 0.5 × raw | ` +
        `${fmt(relayRate / rawRate, 2)} × ${relayRate / rawRate >= 0.5 ? 'PASS' : 'FAIL'} |`,
    );
    log(
      `| the same events relayed and chained into the audit trail (from the insert) | ${fmt(auditRate)} events/s | ${fmt(rawRate)} events/s | — | ` +
        `${fmt(auditRate / rawRate, 2)} × |`,
    );
  } finally {
    await db.end();
  }
}

runBench(
  main,
  async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker?.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await cleanupBench(env, apis);
  },
  apis,
  15 * 60_000,
);
