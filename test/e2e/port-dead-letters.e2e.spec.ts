import { INestApplicationContext, Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { ConsumesPortEvents, PortEvent, PortEventConsumer } from '@kouan/ports';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { REDIS_URL } from '../support/db';
import { API, bearer, startApi, TestApi } from '../support/harness';
import { until } from '../support/processes';

const MAX_ATTEMPTS = 3;

/** What each test consumer took, written in the relay's transaction: a row per event it got. */
const took = (em: EntityManager, events: PortEvent[], consumer: string) =>
  em.query('INSERT INTO test_consumed (seq, consumer) SELECT unnest($1::bigint[]), $2', [
    events.map((e) => e.seq),
    consumer,
  ]);

/** While on, the `faulty` consumer throws on any batch with a poisoned event. */
let poisoned = true;

@Injectable()
@ConsumesPortEvents('test-recorder')
class Recorder implements PortEventConsumer {
  handle(em: EntityManager, events: PortEvent[]) {
    return took(em, events, 'recorder');
  }
}

@Injectable()
@ConsumesPortEvents('test-faulty')
class Faulty implements PortEventConsumer {
  async handle(em: EntityManager, events: PortEvent[]) {
    if (poisoned && events.some((e) => (e.data as { poison?: boolean }).poison))
      throw new Error('the faulty consumer cannot take a poison');
    await took(em, events, 'faulty');
  }
}

/**
 * The port events' relay is the booking events' mechanism on the other outbox: a port-event consumer that always
 * throws on one event has it parked after OUTBOX_MAX_ATTEMPTS failures (listed with stream 'port', counted by the
 * gauge), every other consumer gets it once, the relay goes on, and a replay hands it over once.
 */
describe('dead letters of the port events relay (worker, real Postgres and Redis)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    api = await startApi();
    await api.ds.query('CREATE TABLE test_consumed (seq bigint NOT NULL, consumer text NOT NULL)');
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(
        {
          NODE_ENV: 'test',
          DATABASE_URL: api.dbUrl,
          REDIS_URL,
          REDIS_PREFIX: api.redisPrefix,
          LOG_LEVEL: 'silent',
          DB_POOL_SIZE: '4',
          OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        },
        { providers: [Recorder, Faulty] },
      ),
      { logger: false, abortOnError: false },
    );
  });

  afterAll(async () => {
    await worker?.close();
    await api.close();
  });

  /** Port events as a change writes them, of a type no real consumer acts on (what is under test is the relay). */
  const emit = async (...data: Array<Record<string, unknown>>): Promise<string[]> =>
    (
      (await api.ds.query(
        `INSERT INTO port_events (port_code, direction, type, data, occurred_at)
         SELECT 'MOHAN', 'export', 'slots.changed', d, $2 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(d, i)
         ORDER BY i RETURNING seq`,
        [JSON.stringify(data.map((d) => ({ slotId: 'none', booked: 0, capacity: 0, ...d }))), new Date()],
      )) as Array<{ seq: string }>
    ).map((r) => r.seq);
  const relayed = async (seqs: string[]) =>
    Number(
      (
        await api.ds.query(
          'SELECT count(*) FROM port_events WHERE seq = ANY($1::bigint[]) AND relayed_at IS NOT NULL',
          [seqs],
        )
      )[0].count,
    ) === seqs.length;
  const consumed = async (consumer: string): Promise<string[]> =>
    (
      (await api.ds.query('SELECT seq FROM test_consumed WHERE consumer = $1 ORDER BY seq', [consumer])) as Array<{
        seq: string;
      }>
    ).map((r) => r.seq);
  const deadLetters = async () =>
    (await api.http.get(`${API}/admin/dead-letters`).set(bearer(api.adminToken)).expect(200)).body as Array<{
      id: string;
      stream: string;
      consumer: string;
      attempts: number;
      eventSeq: string;
      bookingId: string | null;
      type: string;
      lastError: string;
    }>;
  const gauge = async () => {
    const text = (await api.http.get('/metrics').expect(200)).text;
    return Number(/^kouan_outbox_dead_letters (\d+)$/m.exec(text)?.[1]);
  };

  it('parks the poisoned port event for the failing consumer after N tries, goes on, lists it as a port dead letter and replays it once', async () => {
    const all = await emit({}, { poison: true }, {});
    const [before, poison, after] = all;
    await until('the poison parked and the batch relayed', () => relayed(all), 30_000);
    expect(await consumed('recorder')).toEqual(all);
    expect(await consumed('faulty')).toEqual([before, after]);

    const [letter, ...more] = await deadLetters();
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      id: expect.stringMatching(/^port-\d+$/),
      stream: 'port',
      consumer: 'test-faulty',
      attempts: MAX_ATTEMPTS,
      eventSeq: poison,
      type: 'slots.changed',
      bookingId: null,
    });
    expect(letter.lastError).toMatch(/cannot take a poison/);
    expect(await gauge()).toBe(1);

    const [later] = await emit({});
    await until('a later event relayed', () => relayed([later]), 10_000);
    expect(await consumed('faulty')).toEqual([before, after, later]);

    await api.http.post(`${API}/admin/dead-letters/port-987654321/replay`).set(bearer(api.adminToken)).expect(404);
    await api.http.post(`${API}/admin/dead-letters/port-x/replay`).set(bearer(api.adminToken)).expect(400);

    poisoned = false;
    const replay = await api.http
      .post(`${API}/admin/dead-letters/${letter.id}/replay`)
      .set(bearer(api.adminToken))
      .expect(202);
    expect(replay.body).toMatchObject({ id: letter.id, stream: 'port', replayRequested: true, eventSeq: poison });
    await until('the dead letter replayed', async () => (await deadLetters()).length === 0, 10_000);
    expect((await consumed('faulty')).sort()).toEqual([before, poison, after, later].sort());
    expect(await consumed('recorder')).toEqual([...all, later]);
    expect(await gauge()).toBe(0);
  }, 60_000);
});
