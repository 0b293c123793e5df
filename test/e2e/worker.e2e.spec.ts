import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { redisOptions } from '@kouan/config';
import { JobName, JobQueue } from '@kouan/jobs';
import type { PurgeIdempotencyKeysJobData } from '@kouan/booking';
import type { PurgePortEventsJobData } from '@kouan/ports';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { cloneTemplate, dropRedisKeys, REDIS_URL } from '../support/db';

/** Polls `probe` until it returns something other than undefined/false; no fixed sleeps. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

describe('worker (real Postgres and Redis)', () => {
  const base = `kouan-test-w${randomBytes(5).toString('hex')}`;
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let pg: Client;
  const opened: Array<{ app: INestApplicationContext; jobQueue: Queue; closed: boolean }> = [];

  beforeAll(async () => {
    db = await cloneTemplate();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    for (const w of opened) {
      if (!w.closed) await w.app.close();
      await w.jobQueue.close();
    }
    await pg?.end();
    await db?.drop();
    await dropRedisKeys(`${base}-*`);
  });

  /** The worker as `apps/worker` boots it, on this file's database and a Redis prefix of its own. */
  async function bootWorker(name: string) {
    const prefix = `${base}-${name}`;
    const app = await NestFactory.createApplicationContext(
      WorkerModule.forRoot({
        DATABASE_URL: db.url,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        DB_POOL_SIZE: '4',
      }),
      { logger: false, abortOnError: false },
    );
    const jobQueue = new Queue(JobQueue.Maintenance, { connection: redisOptions(REDIS_URL), prefix: `${prefix}:bull` });
    const worker = { app, jobQueue, closed: false };
    opened.push(worker);
    return worker;
  }

  /** Waits until every scheduler's first (immediate) run is done, so none can race the test's own rows. */
  const settled = (jobQueue: Queue) =>
    until('the first scheduled runs', async () => {
      const c = await jobQueue.getJobCounts('waiting', 'active', 'prioritized', 'completed', 'failed');
      if (c.failed) throw new Error('a maintenance job failed');
      return c.waiting + c.active + c.prioritized === 0 && c.completed >= (await jobQueue.getJobSchedulersCount());
    });

  async function firm(): Promise<string> {
    const r = await pg.query<{ id: string }>(
      `INSERT INTO firms (name, country, contact_email) VALUES ('Purge Test Logistics', 'CN', 'ops@purge.example') RETURNING id`,
    );
    return r.rows[0].id;
  }

  const addKey = (firmId: string, key: string, age: string) =>
    pg.query(
      `INSERT INTO idempotency_keys (firm_id, key, request_hash, response, created_at)
       VALUES ($1, $2, repeat('a', 64), '{"status": 201}', now() - $3::interval)`,
      [firmId, key, age],
    );

  const keysOf = async (firmId: string) =>
    (
      await pg.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE firm_id = $1 ORDER BY key', [firmId])
    ).rows.map((r) => r.key);

  async function runJob(
    jobQueue: Queue,
    ...[name, data]:
      [JobName.PurgeIdempotencyKeys, PurgeIdempotencyKeysJobData] | [JobName.PurgePortEvents, PurgePortEventsJobData]
  ): Promise<unknown> {
    const job = await jobQueue.add(name, data);
    return until(`job ${job.id}`, async () => {
      const state = await jobQueue.getJobState(job.id!);
      if (state === 'failed') throw new Error(`job ${job.id} failed`);
      return state === 'completed' ? { value: (await jobQueue.getJob(job.id!))!.returnvalue } : undefined;
    }).then((r) => r.value);
  }

  describe('running', () => {
    let jobQueue: Queue;

    beforeAll(async () => {
      ({ jobQueue } = await bootWorker('run'));
      await settled(jobQueue);
    });

    afterAll(async () => {
      const w = opened.find((o) => o.jobQueue === jobQueue);
      if (w && !w.closed) {
        w.closed = true;
        await w.app.close();
      }
    });

    it('registers the hourly purges, the minutely expiry and reminder, the 30-second device sweep and the daily gate-read purge at boot', async () => {
      const schedulers = (await jobQueue.getJobSchedulers()).sort((a, b) => a.key.localeCompare(b.key));
      expect(schedulers).toEqual([
        expect.objectContaining({ key: JobName.ExpireOverdue, name: JobName.ExpireOverdue, every: 60_000 }),
        expect.objectContaining({ key: JobName.MarkDevicesOffline, name: JobName.MarkDevicesOffline, every: 30_000 }),
        expect.objectContaining({ key: JobName.PurgeGateReads, name: JobName.PurgeGateReads, every: 86_400_000 }),
        expect.objectContaining({
          key: JobName.PurgeIdempotencyKeys,
          name: JobName.PurgeIdempotencyKeys,
          every: 3_600_000,
        }),
        expect.objectContaining({ key: JobName.PurgePortEvents, name: JobName.PurgePortEvents, every: 3_600_000 }),
        expect.objectContaining({ key: JobName.RemindDrivers, name: JobName.RemindDrivers, every: 60_000 }),
      ]);
      expect(schedulers[2].template?.data).toEqual({ keepDays: 30 });
      expect(schedulers[3].template?.data).toEqual({ keepHours: 48 });
      expect(schedulers[4].template?.data).toEqual({ keepHours: 48 });
    });

    it('marks trucks that missed their check-in window no_show, puts a truck that missed its call back once, and leaves the rest', async () => {
      const firmId = await firm();
      const [{ vid, did }] = (
        await pg.query<{ vid: string; did: string }>(
          `WITH v AS (INSERT INTO vehicles (firm_id, plate, country) VALUES ($1, '云K' || floor(random() * 1e6)::text, 'CN') RETURNING id),
              d AS (INSERT INTO drivers (firm_id, name, phone, licence_no, language) VALUES ($1, 'Late Driver', '+8613800000001', 'L-1', 'zh') RETURNING id)
         SELECT v.id AS vid, d.id AS did FROM v, d`,
          [firmId],
        )
      ).rows;
      // HEKOU's seeded schedule: 30 minutes of grace after a slot, 15 minutes to reach the lane once called.
      const slot = async (endedAgo: string) =>
        (
          await pg.query<{ id: string }>(
            `INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity, booked)
         VALUES ('HEKOU', 'export', now() - $1::interval - interval '1 hour', now() - $1::interval, 5, 1) RETURNING id`,
            [endedAgo],
          )
        ).rows[0].id;
      const booking = async (
        slotId: string,
        status: string,
        calledAgo: string | null,
        day: number,
        calledTimeouts = 0,
      ) =>
        (
          await pg.query<{ id: string }>(
            `INSERT INTO bookings (reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id, status,
           driver_code_hash, cargo_description, hs_code, weight_kg, called_at, called_timeouts)
         VALUES ('HEKOU-TEST-' || floor(random() * 1e9)::text, $1, $2, 'HEKOU', 'export', current_date + $6::int, $3, $4, $5,
           repeat('0', 64), 'Rubber', '400122', 20000, now() - $7::interval, $8)
         RETURNING id`,
            [firmId, slotId, vid, did, status, day, calledAgo ?? '0 seconds', calledTimeouts],
          )
        ).rows[0].id;
      const missed = await booking(await slot('2 hours'), 'booked', null, 0);
      const inGrace = await booking(await slot('10 minutes'), 'booked', null, 1);
      const lostOnTheWay = await booking(await slot('5 minutes'), 'called', '20 minutes', 2);
      const onTheWay = await booking(await slot('5 minutes'), 'called', '5 minutes', 3);
      const lostAgain = await booking(await slot('5 minutes'), 'called', '16 minutes', 4, 1);
      const job = await jobQueue.add(JobName.ExpireOverdue, {});
      await until('the expiry job', async () => {
        const state = await jobQueue.getJobState(job.id!);
        if (state === 'failed')
          throw new Error(`the expiry job failed: ${(await jobQueue.getJob(job.id!))!.failedReason}`);
        return state === 'completed';
      });
      const status = async (id: string) =>
        (
          await pg.query<{ status: string; called_timeouts: number }>(
            'SELECT status, called_timeouts FROM bookings WHERE id = $1',
            [id],
          )
        ).rows[0];
      const after = [];
      for (const id of [missed, inGrace, lostOnTheWay, onTheWay, lostAgain]) after.push(await status(id));
      expect(after).toEqual([
        { status: 'no_show', called_timeouts: 0 },
        { status: 'booked', called_timeouts: 0 },
        { status: 'checked_in', called_timeouts: 1 },
        { status: 'called', called_timeouts: 0 },
        { status: 'no_show', called_timeouts: 1 },
      ]);
      expect((await jobQueue.getJob(job.id!))!.returnvalue).toBe(3);
      // Each move wrote its event in the same statement, saying why.
      const events = (
        await pg.query<{ booking_id: string; type: string; reason: string }>(
          `SELECT booking_id, type, data ->> 'reason' AS reason FROM booking_events WHERE booking_id = ANY($1) ORDER BY seq`,
          [[missed, inGrace, lostOnTheWay, onTheWay, lostAgain]],
        )
      ).rows;
      expect(events.map((e) => [e.booking_id, e.type, e.reason]).sort()).toEqual(
        [
          [missed, 'booking.no_show', 'not_arrived'],
          [lostOnTheWay, 'booking.requeued', 'called_timeout'],
          [lostAgain, 'booking.no_show', 'called_timeout'],
        ].sort(),
      );
    });

    it('purges idempotency keys older than the job says and keeps the rest', async () => {
      const firmId = await firm();
      await addKey(firmId, 'old-1', '3 days');
      await addKey(firmId, 'old-2', '72 hours 5 minutes');
      await addKey(firmId, 'day-and-a-half', '36 hours');
      await addKey(firmId, 'recent', '2 hours');
      await addKey(firmId, 'fresh', '0 seconds');

      expect(await runJob(jobQueue, JobName.PurgeIdempotencyKeys, { keepHours: 48 })).toBe(2);
      expect(await keysOf(firmId)).toEqual(['day-and-a-half', 'fresh', 'recent']);
    });

    it('keeps every key at least 24 hours, whatever the job asks', async () => {
      const firmId = await firm();
      await addKey(firmId, 'past-a-day', '25 hours');
      await addKey(firmId, 'under-a-day', '23 hours');
      await addKey(firmId, 'fresh', '0 seconds');

      await runJob(jobQueue, JobName.PurgeIdempotencyKeys, { keepHours: 1 });
      const left = await keysOf(firmId);
      expect(left).toEqual(['fresh', 'under-a-day']);
    });
  });

  describe('the port outbox purge', () => {
    let jobQueue: Queue;

    beforeAll(async () => {
      ({ jobQueue } = await bootWorker('purge-port-events'));
      await settled(jobQueue);
    });

    afterAll(async () => {
      const w = opened.find((o) => o.jobQueue === jobQueue);
      if (w && !w.closed) {
        w.closed = true;
        await w.app.close();
      }
    });

    /** A port event relayed `relayedAgo` ago (null: not relayed), occurred a minute before; its seq. */
    const portEvent = async (name: string, relayedAgo: string | null) =>
      (
        await pg.query<{ seq: string }>(
          `INSERT INTO port_events (port_code, direction, type, data, occurred_at, relayed_at)
           VALUES ('HEKOU', 'export', 'lane.status_changed', jsonb_build_object('name', $1::text),
                   $3::timestamptz - coalesce($2::interval, '0'::interval) - interval '1 minute', $3::timestamptz - $2::interval)
           RETURNING seq`,
          // The worker's Clock here is the system's: the job judges ages at its own instant.
          [name, relayedAgo, new Date()],
        )
      ).rows[0].seq;
    const left = async () =>
      (
        await pg.query<{ name: string }>(
          `SELECT data->>'name' AS name FROM port_events WHERE data ? 'name' ORDER BY data->>'name'`,
        )
      ).rows.map((r) => r.name);

    it('drops events relayed longer ago than the job says, keeps the young, the unrelayed and the dead letters', async () => {
      await portEvent('old', '3 days');
      const failedOnce = await portEvent('old-failed-once', '3 days');
      const parked = await portEvent('old-parked', '3 days');
      await portEvent('young', '2 hours');
      await portEvent('unrelayed', null);
      await pg.query(
        `INSERT INTO port_event_failures (event_seq, consumer, attempts, last_error, failed_at, parked_at)
         VALUES ($1, 'live', 1, 'once', $3, NULL), ($2, 'live', 5, 'always', $3, $3)`,
        [failedOnce, parked, new Date()],
      );

      expect(await runJob(jobQueue, JobName.PurgePortEvents, { keepHours: 48 })).toBe(2);
      expect(await left()).toEqual(['old-parked', 'unrelayed', 'young']);
      const failures = await pg.query<{ event_seq: string }>('SELECT event_seq FROM port_event_failures');
      expect(failures.rows.map((r) => r.event_seq)).toEqual([parked]);
    });

    it('keeps every relayed event six hours, whatever the job asks', async () => {
      await pg.query(`DELETE FROM port_events WHERE data ? 'name'`);
      await portEvent('past-six-hours', '7 hours');
      await portEvent('under-six-hours', '5 hours');

      expect(await runJob(jobQueue, JobName.PurgePortEvents, { keepHours: 1 })).toBe(1);
      expect(await left()).toEqual(['under-six-hours']);
    });
  });

  it('closes cleanly: the BullMQ worker and every Postgres connection it opened go away', async () => {
    const backends = async () =>
      new Set(
        (
          await pg.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'kouan'`,
            [db.name],
          )
        ).rows.map((r) => r.pid),
      );
    const before = await backends();
    const worker = await bootWorker('close');
    await settled(worker.jobQueue);
    const mine = [...(await backends())].filter((pid) => !before.has(pid));
    expect(await worker.jobQueue.getWorkersCount()).toBe(1);
    expect(mine.length).toBeGreaterThan(0);

    await expect(worker.app.close()).resolves.toBeUndefined();
    worker.closed = true;

    await until('the BullMQ worker to disconnect', async () => (await worker.jobQueue.getWorkersCount()) === 0);
    await until('the pool to close', async () => {
      const now = await backends();
      return mine.every((pid) => !now.has(pid));
    });
  });
});
