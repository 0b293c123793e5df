import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
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

  beforeAll(async () => {
    api = await startApi();
    server = createServer((req, res) => {
      received.push(String(req.headers['kouan-event-id']));
      req.resume();
      setTimeout(() => res.writeHead(200).end(), ANSWER_AFTER_MS);
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
    await api.worker(over);
    await api.worker(over);
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
  }, 90_000);
});
