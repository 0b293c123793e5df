import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Clock } from '@kouan/common';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { REDIS_URL } from '../support/db';
import { API, bearer, createFirm, startApi, TestApi } from '../support/harness';
import { until } from '../support/processes';

const LEASE_SECONDS = 1;
/** Each answer takes this long: several leases. */
const ANSWER_AFTER_MS = 3500;
const EVENTS = 10;

/**
 * A receiver that answers later than the delivery's lease, two workers sending: the worker sending renews the lease
 * while its attempt runs, so the other never takes the delivery too, and each event is sent once.
 */
describe('webhook leases renewed while an attempt runs (two workers, a slow receiver)', () => {
  let api: TestApi;
  let server: Server;
  const received: string[] = [];
  let answerAfterMs = ANSWER_AFTER_MS;

  beforeAll(async () => {
    api = await startApi();
    server = createServer((req, res) => {
      received.push(String(req.headers['kouan-event-id']));
      req.resume();
      setTimeout(() => res.writeHead(200).end(), answerAfterMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it(`${EVENTS} deliveries answered after ${ANSWER_AFTER_MS} ms with a ${LEASE_SECONDS} s lease: each sent once`, async () => {
    const firm = await createFirm(api, 'Slow Receiver Freight', 0);
    const { port } = server.address() as AddressInfo;
    await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: `http://127.0.0.1:${port}/hooks`, events: ['booking.created'] })
      .expect(201);
    const over = { WEBHOOK_LEASE_SECONDS: String(LEASE_SECONDS), WEBHOOK_TIMEOUT_MS: '20000' };
    const workers = [await api.worker(over), await api.worker(over)];
    // One booking each: none waits for another's delivery, so both workers send side by side.
    await api.ds.query(
      `INSERT INTO booking_events (type, booking_id, firm_id, port_code, data)
       SELECT 'booking.created', b, $1, 'MOHAN', jsonb_build_object('bookingId', b) FROM unnest($2::uuid[]) AS b`,
      [firm.id, Array.from({ length: EVENTS }, () => randomUUID())],
    );
    const delivered = async () =>
      (
        await api.ds.query(
          `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, max(attempts)::int AS attempts
           FROM webhook_deliveries`,
        )
      )[0] as { delivered: number; attempts: number };
    await until('every delivery delivered', async () => (await delivered()).delivered === EVENTS, 60_000);
    expect(new Set(received).size).toBe(EVENTS);
    expect(received).toHaveLength(EVENTS);
    expect((await delivered()).attempts).toBe(1);
    for (const w of workers) await w.close();
  }, 90_000);

  it("the webhook tables' times come from the worker's Clock, not the database's", async () => {
    const AT = new Date('2031-03-04T05:06:07.089Z');
    answerAfterMs = 0;
    const firm = await createFirm(api, 'Clocked Freight', 0);
    const { port } = server.address() as AddressInfo;
    await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: `http://127.0.0.1:${port}/clocked`, events: ['booking.created'] })
      .expect(201);
    let worker: INestApplicationContext | undefined;
    try {
      worker = await NestFactory.createApplicationContext(
        WorkerModule.forRoot(
          {
            NODE_ENV: 'test',
            DATABASE_URL: api.dbUrl,
            REDIS_URL,
            REDIS_PREFIX: api.redisPrefix,
            LOG_LEVEL: 'silent',
            DB_POOL_SIZE: '4',
            WEBHOOK_ALLOW_PRIVATE: 'true',
          },
          {
            clock: new (class extends Clock {
              now = () => new Date(AT);
            })(),
          },
        ),
        { logger: false, abortOnError: false },
      );
      const [{ seq }] = await api.ds.query(
        `INSERT INTO booking_events (type, booking_id, firm_id, port_code, data)
         SELECT 'booking.created', b, $1, 'MOHAN', jsonb_build_object('bookingId', b) FROM (SELECT gen_random_uuid() AS b) x
         RETURNING seq`,
        [firm.id],
      );
      const row = async () =>
        (
          await api.ds.query(
            `SELECT e.relayed_at, d.created_at, d.delivered_at, a.at, p.last_success_at
             FROM booking_events e JOIN webhook_deliveries d ON d.event_seq = e.seq
             JOIN webhook_attempts a ON a.delivery_id = d.id JOIN webhook_endpoints p ON p.id = d.endpoint_id
             WHERE e.seq = $1 AND d.status = 'delivered'`,
            [seq],
          )
        )[0] as Record<string, Date> | undefined;
      const times = await until('the delivery recorded', async () => (await row()) ?? false, 15_000);
      expect(Object.values(times).map((t) => t.toISOString())).toEqual(Array(5).fill(AT.toISOString()));
    } finally {
      await worker?.close();
    }
  }, 60_000);
});
