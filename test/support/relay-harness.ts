import { INestApplicationContext, Injectable, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { REDIS_URL } from './db';
import { API, bearer, TestApi } from './harness';

/** The relay's failures before an event is parked, in the dead-letter tests (OUTBOX_MAX_ATTEMPTS). */
export const MAX_ATTEMPTS = 3;

interface Relayable {
  seq: string;
  data: object;
}

/** What each test consumer took, written in the relay's transaction: a row per event it got. */
export const took = (em: EntityManager, events: Relayable[], consumer: string) =>
  em.query('INSERT INTO test_consumed (seq, consumer) SELECT unnest($1::bigint[]), $2', [
    events.map((e) => e.seq),
    consumer,
  ]);

/** The fault only the test flips: while `poisoned`, the faulty consumer throws on a batch with a poisoned event. */
export const fault = { poisoned: true };

/**
 * Two consumers of an outbox (`consumes`: its decorator): `test-recorder` takes every event, `test-faulty` throws on
 * any batch holding an event whose data says `poison` while the fault is on.
 */
export function recorderAndFaulty(consumes: (name: string) => ClassDecorator): Provider[] {
  @Injectable()
  @consumes('test-recorder')
  class Recorder {
    handle(em: EntityManager, events: Relayable[]) {
      return took(em, events, 'recorder');
    }
  }

  @Injectable()
  @consumes('test-faulty')
  class Faulty {
    async handle(em: EntityManager, events: Relayable[]) {
      if (fault.poisoned && events.some((e) => (e.data as { poison?: boolean }).poison))
        throw new Error('the faulty consumer cannot take a poison');
      await took(em, events, 'faulty');
    }
  }
  return [Recorder, Faulty];
}

/** A dead letter as GET /admin/dead-letters lists it. */
export interface ListedDeadLetter {
  id: string;
  stream: string;
  consumer: string;
  attempts: number;
  eventSeq: string;
  bookingId: string | null;
  type: string;
  lastError: string;
}

export interface RelayWorker {
  close(): Promise<void>;
  /** Whether every one of `seqs` of the outbox's table is relayed. */
  relayed(seqs: string[]): Promise<boolean>;
  /** The seqs a test consumer took, in order. */
  consumed(consumer: string): Promise<string[]>;
  deadLetters(): Promise<ListedDeadLetter[]>;
  /** The dead-letter gauge of /metrics. */
  gauge(): Promise<number>;
}

/** A worker over the test's database and prefix with `providers` as extra consumers, relaying `table`. */
export async function startRelayWorker(api: TestApi, table: string, providers: Provider[]): Promise<RelayWorker> {
  await api.ds.query('CREATE TABLE test_consumed (seq bigint NOT NULL, consumer text NOT NULL)');
  const worker: INestApplicationContext = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(
      {
        NODE_ENV: 'test',
        DATABASE_URL: api.dbUrl,
        REDIS_URL,
        REDIS_PREFIX: api.redisPrefix,
        LOG_LEVEL: 'silent',
        DB_POOL_SIZE: '4',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      },
      { providers },
    ),
    { logger: false, abortOnError: false },
  );
  return {
    close: () => worker.close(),
    relayed: async (seqs) =>
      Number(
        (
          await api.ds.query(`SELECT count(*) FROM ${table} WHERE seq = ANY($1::bigint[]) AND relayed_at IS NOT NULL`, [
            seqs,
          ])
        )[0].count,
      ) === seqs.length,
    consumed: async (consumer) =>
      (
        (await api.ds.query('SELECT seq FROM test_consumed WHERE consumer = $1 ORDER BY seq', [consumer])) as Array<{
          seq: string;
        }>
      ).map((r) => r.seq),
    deadLetters: async () =>
      (await api.http.get(`${API}/admin/dead-letters`).set(bearer(api.adminToken)).expect(200))
        .body as ListedDeadLetter[],
    gauge: async () => {
      const text = (await api.http.get('/metrics').expect(200)).text;
      return Number(/^kouan_outbox_dead_letters (\d+)$/m.exec(text)?.[1]);
    },
  };
}
