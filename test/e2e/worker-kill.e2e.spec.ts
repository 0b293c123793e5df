import { randomBytes } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { redisOptions } from '@kouan/config';
import { JobName, JobQueue } from '@kouan/jobs';
import type { PurgeIdempotencyKeysJobData } from '@kouan/booking';
import { WORKER_OPTIONS } from '@kouan/jobs';
import { cloneTemplate, dropRedisKeys, REDIS_URL } from '../support/db';
import { AppProcess, until } from '../support/processes';

/** What libs/jobs/src/worker-options.ts promises: a dead worker's job runs again within this of its death. */
const RESUMED_WITHIN_MS = 5_000;

/**
 * Workers SIGKILLed in the middle of a job, as real processes from dist/. The job is a real one, the purge of
 * idempotency keys, kept running inside the worker by a row lock this test holds on a key it must delete: its
 * DELETE waits in Postgres, as a job waits on a busy table, for as long as the test likes.
 */
describe('a worker killed mid-job', () => {
  const prefix = `kouan-test-kill-${randomBytes(4).toString('hex')}`;
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let pg: Client;
  let jobQueue: Queue;
  let firmId: string;
  const workers: AppProcess[] = [];
  const lockers: Client[] = [];

  beforeAll(async () => {
    db = await cloneTemplate();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    jobQueue = new Queue(JobQueue.Maintenance, { connection: redisOptions(REDIS_URL), prefix: `${prefix}:bull` });
    firmId = (
      await pg.query<{ id: string }>(
        `INSERT INTO firms (name, country, contact_email) VALUES ('Kill Test Logistics', 'CN', 'ops@kill.example') RETURNING id`,
      )
    ).rows[0].id;
  });

  afterAll(async () => {
    // Row locks first: a worker stopping with SIGTERM finishes its job, which may be waiting on one.
    for (const c of lockers) await c.end().catch(() => undefined);
    for (const w of workers) await w.stop();
    await jobQueue?.close();
    await pg?.end();
    await db?.drop();
    await dropRedisKeys(`${prefix}:*`);
  });

  /** A worker process on this file's database and prefix, once it has booted (its BullMQ worker is running). */
  async function startWorker(): Promise<AppProcess> {
    const w = new AppProcess('worker', {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'info',
      DB_POOL_SIZE: '4',
    });
    workers.push(w);
    await until(
      'the worker to start',
      () => {
        if (!w.alive) throw new Error(`the worker died: ${w.exit}\n${w.output.join('')}`);
        return w.said('worker started');
      },
      30_000,
    );
    return w;
  }

  const addKey = (key: string, age: string) =>
    pg.query(
      `INSERT INTO idempotency_keys (firm_id, key, request_hash, response, created_at)
       VALUES ($1, $2, repeat('a', 64), '{"status": 201}', now() - $3::interval)`,
      [firmId, key, age],
    );

  const keys = async () =>
    (
      await pg.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE firm_id = $1 ORDER BY key', [firmId])
    ).rows.map((r) => r.key);

  /** Locks one key's row in a transaction of its own; the returned function rolls it back. */
  async function holdRow(key: string): Promise<() => Promise<void>> {
    const c = new Client({ connectionString: db.url });
    lockers.push(c);
    await c.connect();
    await c.query('BEGIN');
    const { rowCount } = await c.query('SELECT 1 FROM idempotency_keys WHERE firm_id = $1 AND key = $2 FOR UPDATE', [
      firmId,
      key,
    ]);
    expect(rowCount).toBe(1);
    return async () => void (await c.query('ROLLBACK'));
  }

  /**
   * Keys older than 24 h go. The recurring purge (48 h, started by every worker at boot) leaves 30-hour-old
   * keys alone, so only this job ever waits on the held row.
   */
  const purge = () =>
    jobQueue.add(JobName.PurgeIdempotencyKeys, { keepHours: 24 } satisfies PurgeIdempotencyKeysJobData);

  const job = async (id: string) => (await jobQueue.getJob(id)) as Job;

  /** The job is active in a worker, and its DELETE is waiting in Postgres for the held row. */
  const runningAndWaiting = (id: string) =>
    until(`job ${id} to be running and waiting on the held row`, async () => {
      if ((await jobQueue.getJobState(id)) !== 'active') return false;
      const { rowCount } = await pg.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = $1 AND wait_event_type = 'Lock' AND state = 'active' AND query LIKE 'DELETE FROM idempotency_keys%'`,
        [db.name],
      );
      return rowCount! > 0;
    });

  /** Fails as soon as `check` stops holding during the next `ms`: something that must not happen, watched for a while. */
  async function holdsFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      if (!(await check())) throw new Error(`${what} stopped holding`);
    }
  }

  /** This job's entries in the job queue's event stream, by event name. */
  async function eventsOf(id: string): Promise<Record<string, number>> {
    const redis = new Redis(REDIS_URL);
    try {
      const entries = await redis.xrange(`${prefix}:bull:${JobQueue.Maintenance}:events`, '-', '+');
      const counts: Record<string, number> = {};
      for (const [, fields] of entries) {
        const f = Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])));
        if (f.jobId === id) counts[f.event] = (counts[f.event] ?? 0) + 1;
      }
      return counts;
    } finally {
      redis.disconnect();
    }
  }

  it("keeps a busy worker's job with it, and finishes the job on another worker within 5 s of a SIGKILL, once in effect", async () => {
    const first = await startWorker();
    // The recurring jobs' first runs, started at boot, are done before this test's rows exist.
    await until('the first recurring runs', async () => {
      const c = await jobQueue.getJobCounts('waiting', 'active', 'prioritized', 'completed');
      return c.waiting + c.active + c.prioritized === 0 && c.completed >= 1;
    });
    await addKey('old-held', '30 hours');
    await addKey('old', '3 days');
    await addKey('recent', '2 hours');
    const release = await holdRow('old-held');
    const { id } = await purge();
    await runningAndWaiting(id!);

    // Another worker, idle beside the busy one for two lock periods: the busy worker renews its lock while its
    // job waits on Postgres, so the job stays with it.
    const second = await startWorker();
    await holdsFor(
      'the job staying with its busy worker',
      2 * WORKER_OPTIONS.lockDuration,
      async () => (await jobQueue.getJobState(id!)) === 'active' && (await job(id!)).stalledCounter === 0,
    );

    const killedAt = Date.now();
    await first.kill();
    await release();
    const done = await until(
      'the job to complete on the other worker',
      async () => {
        const j = await job(id!);
        if (j.failedReason) throw new Error(`job failed: ${j.failedReason}`);
        return j.finishedOn ? j : false;
      },
      3 * RESUMED_WITHIN_MS,
    );
    expect(done.finishedOn! - killedAt).toBeLessThanOrEqual(RESUMED_WITHIN_MS);
    expect(await done.getState()).toBe('completed');
    // Taken back from the dead worker once, completed once; the keys older than 24 h are gone, the rest kept.
    // (The dead worker's DELETE may still have finished in Postgres once the row was free: the rerun found
    // nothing left to do, which is why every handler re-checks the database.)
    expect(done.stalledCounter).toBe(1);
    expect(await eventsOf(id!)).toMatchObject({ stalled: 1, completed: 1 });
    expect(await keys()).toEqual(['recent']);
    expect(second.alive).toBe(true);
  }, 90_000);

  it("picks the job up on a worker started after the kill within 5 s (plus that worker's start), and fails a job that killed two workers", async () => {
    await addKey('old-held-2', '30 hours');
    const release = await holdRow('old-held-2');
    const { id } = await purge();
    await runningAndWaiting(id!);
    const [busy] = workers.filter((w) => w.alive);

    let killedAt = Date.now();
    await busy.kill();
    await startWorker();
    const started = Date.now() - killedAt;
    // Still held in Postgres, so the job runs and waits again, now in the new worker. (The dead worker's
    // DELETE waits in Postgres too until the row is free: Postgres notices a vanished client only when it
    // next writes to it.)
    const resumed = await until(
      'the job to run again',
      async () => {
        const j = await job(id!);
        return j.stalledCounter === 1 && (await j.getState()) === 'active' ? j : false;
      },
      3 * RESUMED_WITHIN_MS,
    );
    expect(resumed.processedOn! - killedAt).toBeLessThanOrEqual(RESUMED_WITHIN_MS + started);

    // The job kills this worker too: the next worker fails it instead of running it a third time.
    const [next] = workers.filter((w) => w.alive);
    killedAt = Date.now();
    await next.kill();
    const last = await startWorker();
    const lastStarted = Date.now() - killedAt;
    const failed = await until(
      'the job to fail',
      async () => {
        const j = await job(id!);
        return j.failedReason ? j : false;
      },
      3 * RESUMED_WITHIN_MS,
    );
    expect(failed.failedReason).toBe('job stalled more than allowable limit');
    expect(await failed.getState()).toBe('failed');
    expect(failed.finishedOn! - killedAt).toBeLessThanOrEqual(RESUMED_WITHIN_MS + lastStarted);
    await release();
    expect(last.alive).toBe(true);
  }, 90_000);
});
