/**
 * `npm run bench:booking`: booking throughput of the real API against the same work as one raw SQL statement.
 *
 * On a fresh database (kouan_bench, dropped first and at the end) with its own Redis prefix, it books 2,000
 * places spread over 100 slots of 20, then 2,000 places on one hot slot of 2,000, with 50 and then 200
 * concurrent HTTP clients, first against one API process and then against two sharing the database; then
 * the same bookings as one `WITH … UPDATE slots … INSERT INTO bookings` statement each through `pg`. Every run
 * has its own fresh slots, vehicles and drivers, so it books exactly 2,000 places and nothing is refused.
 * Prints bookings/s, p50/p99 latency, overbooked places and 5xx answers per run, and API ÷ raw.
 *
 * Environment (all optional): DATABASE_URL / REDIS_URL (server to use; the database name is replaced),
 * BENCH_API_PROCS ("1,2": API process counts to measure), BENCH_CLIENTS ("50,200"), BENCH_RAW_POOL (50),
 * BENCH_DB_POOL_SIZE (the API's DB_POOL_SIZE; its default when unset), BENCH_IDEMPOTENCY=1 (send an
 * Idempotency-Key with every API booking), BENCH_PROFILE=<dir> (CPU-profile the single API process during
 * its measured runs and print where its time goes).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { Pool } from 'pg';
import { printProfileSummary } from './profile-summary';
import {
  ApiProcess,
  benchEnv,
  cleanupBench,
  cli,
  cpuMs,
  fmt,
  freshDatabase,
  get,
  jwtSigner,
  log,
  percentile,
  postJson,
  runBench,
  sleep,
  startApi,
} from './support';

const BOOKINGS = 2000;
const SPREAD_SLOTS = 100;
const SPREAD_CAPACITY = BOOKINGS / SPREAD_SLOTS;
const WARMUP_BOOKINGS = 200;
const FIRMS = 10;
const ZONE = 'Asia/Shanghai';
/** Every run stops taking new requests after this long; the whole bench is killed after TOTAL_LIMIT_MS. */
const RUN_LIMIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const TOTAL_LIMIT_MS = 8 * 60_000;

const list = (v: string | undefined, fallback: number[]) =>
  v
    ? v
        .split(',')
        .map((x) => Number(x.trim()))
        .filter((x) => Number.isInteger(x) && x > 0)
    : fallback;
const API_PROCS = list(process.env.BENCH_API_PROCS, [1, 2]);
const CLIENTS = list(process.env.BENCH_CLIENTS, [50, 200]);
const RAW_POOL = Number(process.env.BENCH_RAW_POOL ?? 50);
const API_POOL = process.env.BENCH_DB_POOL_SIZE;
const WITH_KEY = process.env.BENCH_IDEMPOTENCY === '1';
const PROFILE_DIR = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : undefined;

const env = benchEnv('kouan_bench', 'kouan-bench', API_POOL ? { DB_POOL_SIZE: API_POOL } : {});

type Workload = 'spread' | 'hot';

interface Job {
  slotId: string;
  vehicleId: string;
  driverId: string;
  firm: number;
}

interface Prepared {
  port: string;
  date: string;
  slotIds: string[];
  jobs: Job[];
}

interface Result {
  workload: Workload;
  clients: number;
  target: string;
  ok: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  overbooked: number;
  mismatched: number;
  status5xx: number;
  others: Record<string, number>;
  /** CPU time (user + system) of the API process(es) per booking, from /proc. */
  apiCpuMs?: number;
}

interface Firm {
  id: string;
  userId: string;
  token: string;
}

const apis: ApiProcess[] = [];

// ---------------------------------------------------------------------------------------------- load

/** `clients` workers share one queue; each records its requests' latency and outcome. */
async function drive(
  jobs: Job[],
  clients: number,
  one: (job: Job, worker: number) => Promise<number>,
): Promise<{ seconds: number; latencies: number[]; statuses: Map<number, number> }> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  const stopAt = Date.now() + RUN_LIMIT_MS;
  const worker = async (w: number) => {
    while (next < jobs.length && Date.now() < stopAt) {
      const job = jobs[next++];
      const t0 = process.hrtime.bigint();
      const status = await one(job, w);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, latencies, statuses };
}

const CARGO = {
  description: 'Bench cargo: fresh bananas, 1,200 cartons',
  hsCode: '080390',
  weightKg: 18000,
  perishable: true,
};

async function runApi(prepared: Prepared, clients: number, procs: ApiProcess[], firms: Firm[]) {
  const agents = procs.map(() => new http.Agent({ keepAlive: true, maxSockets: clients }));
  try {
    return await drive(prepared.jobs, clients, (job, w) => {
      const i = w % procs.length;
      const body = { slotId: job.slotId, vehicleId: job.vehicleId, driverId: job.driverId, cargo: CARGO };
      const headers: Record<string, string> = { authorization: `Bearer ${firms[job.firm].token}` };
      if (WITH_KEY) headers['idempotency-key'] = randomUUID();
      return postJson(agents[i], procs[i].port, '/api/v1/bookings', body, headers, REQUEST_TIMEOUT_MS).then(
        (r) => r.status,
      );
    });
  } finally {
    agents.forEach((a) => a.destroy());
  }
}

/**
 * The floor: one statement per booking that takes the place (conditional UPDATE, the same capacity check the
 * API makes) and inserts the booking row. No auth, validation, quota, idempotency or transaction around it.
 */
const RAW_BOOKING = `
  WITH s AS (
    UPDATE slots SET booked = booked + 1
    WHERE id = $1 AND retired_at IS NULL AND booked < capacity AND ends_at > now()
    RETURNING id, port_code, direction, (starts_at AT TIME ZONE '${ZONE}')::date AS service_date
  )
  INSERT INTO bookings (id, reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id,
    driver_code_hash, cargo_description, hs_code, weight_kg, perishable, created_by)
  SELECT $2, s.port_code || '-' || to_char(s.service_date, 'YYYYMMDD') || '-' || $3, $4, s.id, s.port_code, s.direction,
    s.service_date, $5, $6, $7, $8, $9, $10, $11, $12
  FROM s
  RETURNING id`;

async function runRaw(prepared: Prepared, clients: number, pool: Pool, firms: Firm[]) {
  return drive(prepared.jobs, clients, async (job) => {
    try {
      const firm = firms[job.firm];
      const r = await pool.query(RAW_BOOKING, [
        job.slotId,
        randomUUID(),
        randomBytes(5).toString('hex').toUpperCase(),
        firm.id,
        job.vehicleId,
        job.driverId,
        randomBytes(32).toString('hex'),
        CARGO.description,
        CARGO.hsCode,
        CARGO.weightKg,
        CARGO.perishable,
        firm.userId,
      ]);
      return r.rowCount === 1 ? 201 : 409;
    } catch {
      return 500;
    }
  });
}

// ---------------------------------------------------------------------------------------------- fixtures

async function createFirms(db: Pool): Promise<Firm[]> {
  const jwt = jwtSigner(env);
  const firms: Firm[] = [];
  for (let i = 0; i < FIRMS; i++) {
    const id = randomUUID();
    const userId = randomUUID();
    await db.query(`INSERT INTO firms (id, name, country, contact_email) VALUES ($1, $2, 'CN', $3)`, [
      id,
      `Bench Freight ${i + 1}`,
      `ops${i + 1}@bench.example`,
    ]);
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, firm_id) VALUES ($1, $2, 'not-a-login', 'dispatcher', $3)`,
      [userId, `dispatcher${i + 1}@bench.example`, id],
    );
    firms.push({ id, userId, token: jwt.sign({ sub: userId, role: 'dispatcher', firm: id }, { expiresIn: '2h' }) });
  }
  return firms;
}

/** Every road port: 10-minute slots all day, 20 places a direction, one firm may fill a whole slot. */
async function openSchedules(db: Pool): Promise<string[]> {
  await db.query(
    `UPDATE schedules SET slot_minutes = 10, open_from = 0, open_to = 1440, capacity_export = $1,
    capacity_import = $1, firm_quota_percent = 100, horizon_days = 7`,
    [SPREAD_CAPACITY],
  );
  const { rows } = await db.query<{ port_code: string }>('SELECT port_code FROM schedules ORDER BY port_code');
  return rows.map((r) => r.port_code);
}

/**
 * Run `n` gets its own port and day (2+ days ahead, inside the 7-day horizon), its slots materialised by the API
 * (GET …/slots), and one fresh vehicle and driver per booking, so no run sees another's places or trucks.
 */
async function prepare(
  n: number,
  workload: Workload,
  bookings: number,
  ports: string[],
  db: Pool,
  api: ApiProcess,
): Promise<Prepared> {
  const port = ports[n % ports.length];
  const date = DateTime.now()
    .setZone(ZONE)
    .plus({ days: 2 + Math.floor(n / ports.length) })
    .toISODate() as string;
  const res = await get(api.port, `/api/v1/ports/${port}/slots?date=${date}&direction=export`, true);
  if (res.status !== 200) throw new Error(`GET slots ${port} ${date}: ${res.status} ${res.body}`);
  const slots = (JSON.parse(res.body) as { id: string; bookable: boolean; booked: number }[]).filter(
    (s) => s.bookable && s.booked === 0,
  );
  const count = workload === 'hot' ? 1 : bookings / SPREAD_CAPACITY;
  if (slots.length < count) throw new Error(`${port} ${date}: only ${slots.length} bookable slots`);
  const slotIds = slots.slice(0, count).map((s) => s.id);
  await db.query('UPDATE slots SET capacity = $2 WHERE id = ANY($1::uuid[])', [
    slotIds,
    workload === 'hot' ? bookings : SPREAD_CAPACITY,
  ]);
  const jobs: Job[] = Array.from({ length: bookings }, (_, k) => ({
    slotId: slotIds[k % slotIds.length],
    vehicleId: randomUUID(),
    driverId: randomUUID(),
    firm: k % FIRMS,
  }));
  return { port, date, slotIds, jobs };
}

async function insertTrucks(db: Pool, firms: Firm[], run: number, jobs: Job[]): Promise<void> {
  const firmIds = jobs.map((j) => firms[j.firm].id);
  await db.query(
    `INSERT INTO vehicles (id, firm_id, plate, country) SELECT v, f, 'BN' || $3::int || 'X' || ord, 'CN'
     FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(v, f, ord)`,
    [jobs.map((j) => j.vehicleId), firmIds, run],
  );
  await db.query(
    `INSERT INTO drivers (id, firm_id, name, phone, licence_no, language) SELECT d, f, 'Bench driver ' || ord, '+8613800000000',
       'LIC' || $3::int || '-' || ord, 'zh'
     FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(d, f, ord)`,
    [jobs.map((j) => j.driverId), firmIds, run],
  );
}

/** Places beyond capacity (in the counter or in rows), and slots whose counter disagrees with their rows. */
async function verify(db: Pool, slotIds: string[]): Promise<{ overbooked: number; mismatched: number; rows: number }> {
  const { rows } = await db.query<{ overbooked: string; mismatched: string; rows: string }>(
    `WITH c AS (
       SELECT sl.id, sl.capacity, sl.booked, count(b.id) FILTER (WHERE b.status IN ('booked', 'checked_in', 'called')) AS n
       FROM slots sl LEFT JOIN bookings b ON b.slot_id = sl.id WHERE sl.id = ANY($1::uuid[]) GROUP BY sl.id)
     SELECT coalesce(sum(greatest(booked - capacity, 0) + greatest(n - capacity, 0)), 0) AS overbooked,
            count(*) FILTER (WHERE booked <> n) AS mismatched, coalesce(sum(n), 0) AS rows FROM c`,
    [slotIds],
  );
  return { overbooked: Number(rows[0].overbooked), mismatched: Number(rows[0].mismatched), rows: Number(rows[0].rows) };
}

// ---------------------------------------------------------------------------------------------- report

function summarise(
  workload: Workload,
  clients: number,
  target: string,
  run: { seconds: number; latencies: number[]; statuses: Map<number, number> },
  check: { overbooked: number; mismatched: number },
): Result {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const ok = run.statuses.get(201) ?? 0;
  let status5xx = 0;
  const others: Record<string, number> = {};
  for (const [status, n] of run.statuses) {
    if (status >= 500) status5xx += n;
    else if (status !== 201) others[status === 0 ? 'network' : String(status)] = n;
  }
  return {
    workload,
    clients,
    target,
    ok,
    seconds: run.seconds,
    rate: ok / run.seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    overbooked: check.overbooked,
    mismatched: check.mismatched,
    status5xx,
    others,
  };
}

function printTable(results: Result[]): void {
  const rawRate = (r: Result) =>
    results.find((x) => x.target === 'raw SQL' && x.workload === r.workload && x.clients === r.clients)?.rate;
  const header = [
    'scenario',
    'clients',
    'target',
    'booked',
    'bookings/s',
    'p50 ms',
    'p99 ms',
    'overbooked',
    '5xx',
    'other',
    'API CPU ms/booking',
    'API ÷ raw',
  ];
  const lines = results.map((r) => {
    const raw = rawRate(r);
    const other =
      Object.entries(r.others)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ') || '0';
    return [
      r.workload === 'spread' ? `spread (${SPREAD_SLOTS}×${SPREAD_CAPACITY})` : `hot (1×${BOOKINGS})`,
      String(r.clients),
      r.target,
      String(r.ok),
      fmt(r.rate),
      fmt(r.p50, 1),
      fmt(r.p99, 1),
      String(r.overbooked) + (r.mismatched ? ` (${r.mismatched} slots counter≠rows)` : ''),
      String(r.status5xx),
      other,
      r.apiCpuMs === undefined ? '' : fmt(r.apiCpuMs, 2),
      r.target === 'raw SQL' || !raw ? '' : fmt(r.rate / raw, 2),
    ];
  });
  log('');
  log(`| ${header.join(' | ')} |`);
  log(`|${header.map((h, i) => (i >= 1 && i !== 2 ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const l of lines) log(`| ${l.join(' | ')} |`);
  log('');
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const began = Date.now();
  log(
    `kouan booking bench: ${BOOKINGS} bookings per run; clients ${CLIENTS.join(', ')}; API processes ${API_PROCS.join(', ')}; ` +
      `raw pool ${RAW_POOL}; API DB_POOL_SIZE ${API_POOL ?? 'default'}${WITH_KEY ? '; with Idempotency-Key' : ''}`,
  );
  await freshDatabase(env);
  await cli(env, 'migrate');
  await cli(env, 'seed');
  log(`fresh database ${env.dbName} migrated and seeded (${((Date.now() - began) / 1000).toFixed(1)} s)`);

  const db = new Pool({ connectionString: env.benchDbUrl, max: 4, application_name: 'kouan-bench-fixtures' });
  const results: Result[] = [];
  try {
    const firms = await createFirms(db);
    const ports = await openSchedules(db);
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
    const profileFile = PROFILE_DIR ? join(PROFILE_DIR, `api-${Date.now()}.cpuprofile`) : undefined;
    const first = await startApi(env, apis, profileFile);

    // Plan and load every run up front, so no fixture work overlaps a measurement.
    let n = 0;
    const plan: { procs: number; workload: Workload; clients: number; prepared: Prepared; warmup?: boolean }[] = [];
    const add = async (procs: number, workload: Workload, clients: number, bookings: number, warmup?: boolean) => {
      const prepared = await prepare(n, workload, bookings, ports, db, first);
      await insertTrucks(db, firms, n, prepared.jobs);
      n++;
      plan.push({ procs, workload, clients, prepared, warmup });
    };
    for (const procs of [...API_PROCS, 0]) {
      await add(procs, 'spread', 50, WARMUP_BOOKINGS, true);
      for (const workload of ['spread', 'hot'] as const) {
        for (const clients of CLIENTS) await add(procs, workload, clients, BOOKINGS);
      }
    }
    await db.query('ANALYZE');
    log(
      `fixtures: ${FIRMS} firms, ${plan.reduce((s, p) => s + p.prepared.jobs.length, 0)} vehicles and drivers, ` +
        `${plan.length} runs on their own slots (${((Date.now() - began) / 1000).toFixed(1)} s)`,
    );

    // Every API process starts (and warms up) first; then each scenario runs against API ×1, API ×2 … and raw SQL
    // back to back, so the ratio compares runs that saw the same background load on this shared machine.
    while (apis.length < Math.max(...API_PROCS)) await startApi(env, apis);
    const pool = new Pool({ connectionString: env.benchDbUrl, max: RAW_POOL, application_name: 'kouan-bench-raw' });
    let profilerOn = false;
    const toggleProfiler = async () => {
      if (first.child.pid) process.kill(first.child.pid, 'SIGWINCH');
      profilerOn = !profilerOn;
      await sleep(profilerOn ? 300 : 2000);
    };
    try {
      const measure = async (run: (typeof plan)[number]) => {
        const target = run.procs ? `API ×${run.procs}` : 'raw SQL';
        const running = apis.slice(0, run.procs);
        const profiling = profileFile !== undefined && run.procs === 1 && !run.warmup;
        if (profiling && !profilerOn) await toggleProfiler();
        const cpu0 = running.map(cpuMs);
        const raw = run.procs
          ? await runApi(run.prepared, run.clients, running, firms)
          : await runRaw(run.prepared, run.clients, pool, firms);
        const cpu = running.reduce((sum, a, i) => sum + cpuMs(a) - cpu0[i], 0);
        if (profiling) await toggleProfiler();
        const check = await verify(db, run.prepared.slotIds);
        if (run.warmup) {
          log(`warm-up ${target}: ${raw.statuses.get(201) ?? 0}/${run.prepared.jobs.length} booked`);
          return;
        }
        const r = summarise(run.workload, run.clients, target, raw, check);
        r.apiCpuMs = run.procs ? cpu / Math.max(r.ok, 1) : undefined;
        results.push(r);
        log(
          `${target.padEnd(8)} ${run.workload.padEnd(6)} ${String(run.clients).padStart(3)} clients: ${fmt(r.rate)} bookings/s, ` +
            `p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, ${r.ok} booked, overbooked ${r.overbooked}, 5xx/errors ${r.status5xx}` +
            (r.apiCpuMs !== undefined ? `, API CPU ${fmt(r.apiCpuMs, 2)} ms/booking` : ''),
        );
        await sleep(500);
      };
      for (const run of plan.filter((p) => p.warmup)) await measure(run);
      for (const workload of ['spread', 'hot'] as const) {
        for (const clients of CLIENTS) {
          for (const run of plan.filter((p) => !p.warmup && p.workload === workload && p.clients === clients))
            await measure(run);
        }
      }
    } finally {
      if (profilerOn) await toggleProfiler();
      await pool.end();
    }

    const order = (r: Result) =>
      `${r.workload === 'spread' ? 0 : 1}-${String(r.clients).padStart(4, '0')}-${r.target === 'raw SQL' ? 'z' : r.target}`;
    results.sort((a, b) => order(a).localeCompare(order(b)));
    printTable(results);
    const failed = results.filter((r) => r.overbooked || r.mismatched || r.status5xx || r.ok !== BOOKINGS);
    log(
      failed.length
        ? `PROBLEMS in ${failed.length} run(s): see overbooked / 5xx / other above`
        : 'all runs: every place booked exactly once, 0 overbooked, 0 5xx',
    );
    log(`total ${((Date.now() - began) / 1000).toFixed(0)} s`);
    if (profileFile) {
      // One profile per measured API ×1 run, in run order; the first (spread) is summarised here.
      const files = CLIENTS.length * 2;
      log(
        `CPU profiles of the API ×1 runs: ${Array.from({ length: files }, (_, i) => profileFile.replace(/\.cpuprofile$/, `-${i + 1}.cpuprofile`)).join(', ')}`,
      );
      printProfileSummary(profileFile.replace(/\.cpuprofile$/, '-1.cpuprofile'), 30);
    }
    if (failed.length) process.exitCode = 1;
  } finally {
    await db.end();
  }
}

runBench(main, () => cleanupBench(env, apis), apis, TOTAL_LIMIT_MS);
