/**
 * `npm run bench:reports`: how long the regulators' and port admins' reports take on a quarter of history at full
 * scale, against a raw baseline measured in the same run.
 *
 * On a fresh database (kouan_bench_reports, dropped at the end) it writes 92 days of history as Mohan at ~8× its
 * design lives it: every road port's slots from 06:00 to 22:00 both ways, 30 trucks an hour each way at Mohan
 * (960 a day) and 5 at each of the 16 other road ports (160 a day), ~324,000 bookings in all. 5 % are cancelled,
 * 8 % no-shows, the rest arrive up to 40 minutes either side of their slot's start, wait up to an hour, take 3–13
 * minutes at the lane, and 90 % of them are confirmed by the yard within 15 minutes.
 *
 * Then, through one API process, each report BENCH_REPORT_RUNS (10) times after 2 warm-ups:
 * - `GET /ports/performance` over the 92 days (every road port side by side);
 * - `GET /ports/MOHAN/kpis` over the same 92 days (per day and direction);
 * - `GET /ports/MOHAN/forecast` for tomorrow (28 days of Mohan's history behind it).
 * Raw: one statement that reads the same 92 days of bookings once and counts them per port
 * (`SELECT port_code, count(*) … GROUP BY 1`), the least any report over those rows can do, through `pg`.
 * Prints p50 and max for each, and each report's p50 ÷ raw p50.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Pool } from 'pg';
import {
  ApiProcess,
  benchEnv,
  cleanupBench,
  cli,
  fmt,
  freshDatabase,
  get,
  jwtSigner,
  log,
  nowMs,
  percentile,
  runBench,
  startApi,
} from './support';

const DAYS = 92;
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 10);
const WARMUPS = 2;
const ZONE = 'Asia/Shanghai';
const BUSY = { port: 'MOHAN', perHour: 30 };
const OTHERS_PER_HOUR = 5;

const env = benchEnv('kouan_bench_reports', 'kouan-bench-reports');
const apis: ApiProcess[] = [];

/** 92 days of history ending yesterday (port time): slots and their bookings, written in SQL. */
async function writeHistory(pool: Pool, from: string, to: string): Promise<number> {
  const [{ id: firm }] = (
    await pool.query<{ id: string }>(
      `INSERT INTO firms (name, country, contact_email) VALUES ('Bench History Freight', 'CN', 'history@bench.example') RETURNING id`,
    )
  ).rows;
  // Past bookings are completed, no-shows or cancelled: none is active, so one truck and driver can carry them all.
  const [{ id: vehicle }] = (
    await pool.query<{ id: string }>(
      `INSERT INTO vehicles (firm_id, plate, country) VALUES ($1, '云K00001', 'CN') RETURNING id`,
      [firm],
    )
  ).rows;
  const [{ id: driver }] = (
    await pool.query<{ id: string }>(
      `INSERT INTO drivers (firm_id, name, phone, licence_no, language) VALUES ($1, 'History Driver', '+8613800000001', 'L-1', 'zh') RETURNING id`,
      [firm],
    )
  ).rows;
  await pool.query(
    `INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity, booked)
     SELECT p.code, d.dir, (day::date + make_interval(hours => h))::timestamp AT TIME ZONE p.time_zone,
            (day::date + make_interval(hours => h + 1))::timestamp AT TIME ZONE p.time_zone,
            n.per_hour, n.per_hour
     FROM ports p CROSS JOIN unnest(ARRAY['export', 'import']) d(dir)
       CROSS JOIN generate_series($1::date, $2::date, interval '1 day') day CROSS JOIN generate_series(6, 21) h
       CROSS JOIN LATERAL (SELECT CASE WHEN p.code = $3 THEN $4::int ELSE $5::int END AS per_hour) n
     WHERE p.mode = 'road'`,
    [from, to, BUSY.port, BUSY.perHour, OTHERS_PER_HOUR],
  );
  const inserted = await pool.query(
    `INSERT INTO bookings (reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id, status, driver_code_hash,
       cargo_description, hs_code, weight_kg, created_at, cancelled_at, checked_in_at, called_at, completed_at, yard_arrived_at, no_show_at)
     SELECT 'BENCH-' || g.n, $1, g.id, g.port_code, g.direction, (g.starts_at AT TIME ZONE g.time_zone)::date, $2, $3, g.status, repeat('0', 64),
            'Rubber', '400122', 20000, g.starts_at - interval '2 days',
            CASE WHEN g.status = 'cancelled' THEN g.starts_at - interval '1 day' END,
            CASE WHEN g.status = 'completed' THEN g.arrive END,
            CASE WHEN g.status = 'completed' THEN g.arrive + g.wait END,
            CASE WHEN g.status = 'completed' THEN g.arrive + g.wait + g.service END,
            CASE WHEN g.status = 'completed' AND g.confirmed THEN g.arrive + g.wait + g.service + g.to_yard END,
            CASE WHEN g.status = 'no_show' THEN g.ends_at + interval '30 minutes' END
     FROM (
       SELECT row_number() OVER () AS n, s.id, s.port_code, s.direction, s.starts_at, s.ends_at, p.time_zone,
              CASE WHEN r.u < 0.05 THEN 'cancelled' WHEN r.u < 0.13 THEN 'no_show' ELSE 'completed' END AS status,
              s.starts_at - interval '40 minutes' + random() * interval '80 minutes' AS arrive,
              random() * interval '60 minutes' AS wait,
              interval '3 minutes' + random() * interval '10 minutes' AS service,
              random() * interval '15 minutes' AS to_yard,
              random() < 0.9 AS confirmed
       FROM slots s JOIN ports p ON p.code = s.port_code
         CROSS JOIN LATERAL generate_series(1, s.capacity) i
         CROSS JOIN LATERAL (SELECT random() + 0 * i AS u) r
     ) g`,
    [firm, vehicle, driver],
  );
  await pool.query('ANALYZE bookings');
  await pool.query('ANALYZE slots');
  return inserted.rowCount ?? 0;
}

interface Timing {
  name: string;
  p50: number;
  max: number;
}

async function time(name: string, once: () => Promise<void>): Promise<Timing> {
  for (let i = 0; i < WARMUPS; i++) await once();
  const took: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = nowMs();
    await once();
    took.push(nowMs() - t0);
  }
  took.sort((a, b) => a - b);
  return { name, p50: percentile(took, 0.5), max: took[took.length - 1] };
}

async function main(): Promise<void> {
  const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).startOf('day');
  const from = yesterday.minus({ days: DAYS - 1 }).toISODate()!;
  const to = yesterday.toISODate()!;
  const tomorrow = yesterday.plus({ days: 2 }).toISODate()!;

  await freshDatabase(env);
  await cli(env, 'migrate');
  await cli(env, 'seed');
  const pool = new Pool({ connectionString: env.benchDbUrl, max: 2 });
  try {
    const t0 = nowMs();
    const bookings = await writeHistory(pool, from, to);
    log(
      `history: ${bookings.toLocaleString('en')} bookings over ${DAYS} days (${from} to ${to}) at 17 road ports, written in ${fmt((nowMs() - t0) / 1000, 1)} s`,
    );

    const api = await startApi(env, apis);
    const token = jwtSigner(env).sign({ sub: randomUUID(), role: 'port_admin' }, { expiresIn: '1h' });
    const report = (path: string) => async () => {
      const r = await get(api.port, `/api/v1${path}`, true, { Authorization: `Bearer ${token}` });
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    };
    const raw = await time("raw: the 92 days' bookings read once, counted per port", async () => {
      await pool.query(
        `SELECT port_code, count(*) FROM bookings WHERE service_date BETWEEN $1::date AND $2::date AND status <> 'cancelled' GROUP BY 1`,
        [from, to],
      );
    });
    const results = [
      await time(`GET /ports/performance (92 days, 17 ports)`, report(`/ports/performance?from=${from}&to=${to}`)),
      await time(`GET /ports/MOHAN/kpis (92 days)`, report(`/ports/MOHAN/kpis?from=${from}&to=${to}`)),
      await time(
        `GET /ports/MOHAN/forecast (tomorrow, 28 days of history)`,
        report(`/ports/MOHAN/forecast?date=${tomorrow}`),
      ),
    ];
    log('');
    log(`| query | p50 ms | max ms | p50 ÷ raw |`);
    log(`| --- | ---: | ---: | ---: |`);
    log(`| ${raw.name} | ${fmt(raw.p50, 1)} | ${fmt(raw.max, 1)} | 1.00 × |`);
    for (const r of results) log(`| ${r.name} | ${fmt(r.p50, 1)} | ${fmt(r.max, 1)} | ${fmt(r.p50 / raw.p50, 2)} × |`);
  } finally {
    await pool.end();
  }
}

runBench(main, () => cleanupBench(env, apis), apis, 15 * 60_000);
