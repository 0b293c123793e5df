import { randomUUID } from 'node:crypto';
import { REDIS_URL } from '../support/db';
import { API, bearer, createFirm, startApi, TestApi } from '../support/harness';
import { AppProcess, until } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

const EVENTS = 1500;
const BOOKINGS = 150;

/**
 * A worker SIGKILLed while it relays the outbox and sends webhooks (a real process from dist/), then another
 * started: every event is relayed once, delivered (at least once, so the receiver dedupes by id) and in order per
 * booking; no delivery row is made twice.
 */
describe('a worker killed while relaying events and sending webhooks', () => {
  let api: TestApi;
  let receiver: WebhookReceiver;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    api = await startApi();
    receiver = await new WebhookReceiver().start();
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await receiver.stop();
    await api.close();
  });

  async function startWorker(): Promise<AppProcess> {
    const w = new AppProcess('worker', {
      NODE_ENV: 'test',
      DATABASE_URL: api.dbUrl,
      REDIS_URL,
      REDIS_PREFIX: api.redisPrefix,
      LOG_LEVEL: 'info',
      DB_POOL_SIZE: '4',
      // Long enough that a loaded machine's slow answer is not a timeout (a timeout is tried again: a duplicate).
      WEBHOOK_TIMEOUT_MS: '5000',
      // Renewed every second while an attempt runs: what the killed worker held is sent again 3 s after the kill.
      WEBHOOK_LEASE_SECONDS: '3',
      WEBHOOK_RETRY_SECONDS: '0.2,0.2,0.2,0.2,0.2,0.2,0.2',
      // The receiver listens on 127.0.0.1 (a child process does not get the harness's defaults).
      WEBHOOK_ALLOW_PRIVATE: 'true',
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

  it(`${EVENTS} events of ${BOOKINGS} bookings: all relayed once and delivered in order per booking across the kill`, async () => {
    const firm = await createFirm(api, 'Kill Relay Freight', 0);
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: receiver.url, events: ['booking.created', 'booking.checked_in', 'booking.called'] })
      .expect(201);
    receiver.secret = hook.body.secret as string;
    // The outbox as the transitions leave it (written straight here: what is under test is what happens after).
    const bookings = Array.from({ length: BOOKINGS }, () => randomUUID());
    const types = ['booking.created', 'booking.checked_in', 'booking.called'];
    await api.ds.query(
      `INSERT INTO booking_events (type, booking_id, firm_id, port_code, data)
       SELECT ($3::text[])[1 + (i / $4) % 3], ($2::uuid[])[1 + i % $4], $1, 'MOHAN',
              jsonb_build_object('bookingId', ($2::uuid[])[1 + i % $4], 'n', i)
       FROM generate_series(0, $5 - 1) AS i ORDER BY i`,
      [firm.id, bookings, types, BOOKINGS, EVENTS],
    );

    const first = await startWorker();
    await until('some deliveries made', () => receiver.received.length >= 150, 30_000);
    await first.kill();
    // The kill came in the middle of the work.
    const deliveredAtKill = receiver.accepted().length;
    const relayedAtKill = Number(
      (await api.ds.query('SELECT count(*) FROM booking_events WHERE relayed_at IS NOT NULL'))[0].count,
    );
    await startWorker();
    await until('every event delivered', () => receiver.accepted().length === EVENTS, 60_000);

    expect(deliveredAtKill).toBeLessThan(EVENTS);
    expect(relayedAtKill).toBeLessThanOrEqual(EVENTS);
    expect(Number((await api.ds.query('SELECT count(*) FROM booking_events WHERE relayed_at IS NULL'))[0].count)).toBe(
      0,
    );
    const deliveries = async () =>
      (
        await api.ds.query(
          `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events, count(*) FILTER (WHERE status = 'delivered')::int AS delivered
       FROM webhook_deliveries`,
        )
      )[0] as { n: number; events: number; delivered: number };
    // The receiver has answered the last ones; the worker marks them delivered once it reads those answers.
    await until('every delivery marked delivered', async () => (await deliveries()).delivered === EVENTS, 15_000);
    expect(await deliveries()).toEqual({ n: EVENTS, events: EVENTS, delivered: EVENTS });
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    // In order per booking: the first arrival of each event follows the events' order (n) for that booking.
    const firstArrival = receiver.accepted();
    for (const b of bookings) {
      const ns = firstArrival
        .filter((e) => (e.data as { bookingId: string }).bookingId === b)
        .map((e) => (e.data as { n: number }).n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(EVENTS / BOOKINGS);
    }
    // At least once: a delivery in flight at the kill may arrive twice, never more than the sender's batch.
    expect(receiver.received.length - EVENTS).toBeLessThanOrEqual(20);
  }, 120_000);
});
