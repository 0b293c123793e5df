import type { INestApplicationContext } from '@nestjs/common';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;

/**
 * Firms' webhooks through a real local receiver: registered by HTTP, fed by the worker's relay and dispatcher from
 * the outbox, signed, retried with backoff, in order per booking, disabled after failing too long.
 */
describe('webhooks (API + worker, real Postgres, Redis and HTTP receiver)', () => {
  const PORT = 'MOHAN';
  // Short backoff for the test: 4 retries 0.3-6 s apart (5 attempts), a 1 s timeout, disabled after 5 s failing. The
  // margins are wide: the worker looks for due deliveries every 0.5 s, so attempts 1-4 come within ~3.6 s (before the
  // disable) and attempt 5 after ~8 s (after it), however busy the machine.
  const WORKER_ENV = {
    WEBHOOK_RETRY_SECONDS: '0.3,0.6,1.2,6',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_DISABLE_AFTER_SECONDS: '5',
  };
  let api: TestApi;
  let worker: INestApplicationContext;
  let staff: string;
  let lane: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    // The API and the worker at 10:00 port time, running at the real pace (the retries' gaps are real): the slot
    // holding "now" is open and its check-in window too, whatever the hour the suite runs at.
    api = await startApi({}, { clock: portDayClock() });
    worker = await api.worker(WORKER_ENV);
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    staff = await portStaffToken(api, PORT);
    lane = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes.find(
      (l: Json) => l.direction === 'export',
    ).id;
  });

  afterAll(async () => {
    for (const r of receivers) await r.stop();
    await worker.close();
    await api.close();
  });

  async function firmWithHook(name: string, events: string[], vehicles = 2) {
    const firm = await createFirm(api, name, vehicles);
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: receiver.url, events })
      .expect(201);
    receiver.secret = hook.body.secret as string;
    return { firm, receiver, hookId: hook.body.id as string };
  }

  const book = async (firm: TestFirm, i: number) =>
    (
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({
          slotId: (await slotAt(api, PORT)).id,
          vehicleId: firm.vehicleIds[i],
          driverId: firm.driverIds[i],
          cargo: cargo(),
        })
        .expect(201)
    ).body.id as string;
  const plateOf = async (firm: TestFirm, i: number) =>
    (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[i]]))[0].plate as string;
  const checkIn = async (firm: TestFirm, i: number) =>
    api.http
      .post(`${API}/ports/${PORT}/check-ins`)
      .set(bearer(staff))
      .send({ plate: await plateOf(firm, i) })
      .expect(201);
  const callNext = () => api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
  const typesOf = (bodies: Json[], bookingId: string) =>
    bodies.filter((b) => (b.data as Json).bookingId === bookingId).map((b) => b.type);

  describe('registration', () => {
    it('a firm admin registers an endpoint and sees its secret once; bad urls and event types are 400', async () => {
      const firm = await createFirm(api, 'Hook Register Co', 0);
      const created = await api.http
        .post(`${API}/webhooks`)
        .set(bearer(firm.adminToken))
        .send({ url: 'https://dispatch.example.com/kouan', events: ['booking.called'] })
        .expect(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        url: 'https://dispatch.example.com/kouan',
        events: ['booking.called'],
        secret: expect.stringMatching(/^whsec_/),
      });
      const listed = await api.http.get(`${API}/webhooks`).set(bearer(firm.adminToken)).expect(200);
      expect(listed.body).toEqual([
        expect.objectContaining({ id: created.body.id, disabledAt: null, failingSince: null }),
      ]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

      for (const body of [
        { url: 'ftp://dispatch.example.com', events: ['booking.called'] },
        { url: 'not a url', events: ['booking.called'] },
        { url: 'https://user:pw@dispatch.example.com', events: ['booking.called'] },
        { url: 'https://dispatch.example.com', events: [] },
        { url: 'https://dispatch.example.com', events: ['booking.exploded'] },
        { url: 'https://dispatch.example.com', events: ['booking.called', 'booking.called'] },
      ]) {
        const res = await api.http.post(`${API}/webhooks`).set(bearer(firm.adminToken)).send(body).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
      }
      await api.http
        .post(`${API}/webhooks`)
        .set(bearer(firm.dispatcherToken))
        .send({ url: 'https://a.example', events: ['booking.called'] })
        .expect(403);
      await api.http.get(`${API}/webhooks`).expect(401);
      // Another firm neither sees nor removes it.
      const other = await createFirm(api, 'Hook Other Co', 0);
      expect((await api.http.get(`${API}/webhooks`).set(bearer(other.adminToken)).expect(200)).body).toEqual([]);
      await api.http.delete(`${API}/webhooks/${created.body.id}`).set(bearer(other.adminToken)).expect(404);
      await api.http.get(`${API}/webhooks/${created.body.id}/deliveries`).set(bearer(other.adminToken)).expect(404);
      await api.http.delete(`${API}/webhooks/${created.body.id}`).set(bearer(firm.adminToken)).expect(204);
      await api.http.delete(`${API}/webhooks/${created.body.id}`).set(bearer(firm.adminToken)).expect(404);
    });
  });

  describe('delivery', () => {
    it('a truck through the port: the events asked for, signed, in order, each once', async () => {
      const { firm, receiver, hookId } = await firmWithHook('Hook Happy Co', [
        'booking.created',
        'booking.checked_in',
        'booking.called',
        'booking.completed',
      ]);
      const id = await book(firm, 0);
      await checkIn(firm, 0);
      const called = await callNext();
      expect(called.body.bookingId).toBe(id);
      await api.http.post(`${API}/bookings/${id}/complete`).set(bearer(staff)).expect(200);
      await until('four deliveries', () => receiver.accepted().length === 4, 10_000);
      const bodies = receiver.accepted();
      expect(typesOf(bodies, id)).toEqual([
        'booking.created',
        'booking.checked_in',
        'booking.called',
        'booking.completed',
      ]);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      expect(bodies[2]).toMatchObject({
        id: expect.any(String),
        type: 'booking.called',
        occurredAt: expect.any(String),
        data: { bookingId: id, status: 'called', laneId: lane, portCode: PORT },
      });
      // The receiver has answered the last one; the worker records the attempt once it reads the answer.
      const log = await until(
        'four attempts recorded',
        async () => {
          const body = (
            await api.http.get(`${API}/webhooks/${hookId}/deliveries`).set(bearer(firm.adminToken)).expect(200)
          ).body as Json[];
          return body.length === 4 && body;
        },
        10_000,
      );
      expect(log[0]).toMatchObject({
        type: 'booking.completed',
        attempt: 1,
        status: 200,
        outcome: 'delivered',
        error: null,
      });
    });

    it('a receiver answering 500 sees the backoff schedule; the next event of the booking waits for the first', async () => {
      const { firm, receiver, hookId } = await firmWithHook('Hook Backoff Co', [
        'booking.created',
        'booking.cancelled',
      ]);
      receiver.answer = 500;
      const id = await book(firm, 0);
      await api.http.post(`${API}/bookings/${id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
      await until('three failed attempts', () => receiver.received.length >= 3, 10_000);
      // Only the first event has been tried: the cancellation waits behind it.
      expect(new Set(receiver.received.map((r) => r.body.type))).toEqual(new Set(['booking.created']));
      receiver.answer = 200;
      await until('both delivered', () => receiver.accepted().length === 2, 15_000);
      expect(typesOf(receiver.accepted(), id)).toEqual(['booking.created', 'booking.cancelled']);
      const tries = receiver.received.filter((r) => r.body.type === 'booking.created');
      const gaps = tries.slice(1).map((r, i) => r.at - tries[i].at);
      // 0.3, 0.6, 1.2 s after each failure (poll granularity 0.5 s on top, never earlier).
      gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual([300, 600, 1200, 6000][i] - 50));
      const log = (await api.http.get(`${API}/webhooks/${hookId}/deliveries`).set(bearer(firm.adminToken)).expect(200))
        .body as Json[];
      expect(
        log
          .filter((a) => a.type === 'booking.created')
          .map((a) => [a.attempt, a.status, a.outcome])
          .reverse(),
      ).toEqual([
        ...tries.map((_, i) => [
          i + 1,
          i < tries.length - 1 ? 500 : 200,
          i < tries.length - 1 ? 'failed' : 'delivered',
        ]),
      ]);
    });

    it('a receiver down for a while, then up, gets every event exactly once in effect and in order per booking', async () => {
      const { firm, receiver } = await firmWithHook(
        'Hook Down Co',
        ['booking.created', 'booking.checked_in', 'booking.cancelled'],
        3,
      );
      await receiver.stop();
      const a = await book(firm, 0);
      const b = await book(firm, 1);
      const c = await book(firm, 2);
      await checkIn(firm, 0);
      await api.http.post(`${API}/bookings/${b}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
      await until(
        'first attempts refused',
        async () =>
          Number(
            (
              await api.ds.query(
                `SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
          WHERE d.booking_id = ANY($1) AND a.error IS NOT NULL`,
                [[a, b, c]],
              )
            )[0].count,
          ) >= 3,
        10_000,
      );
      await receiver.start();
      await until('all five delivered', () => receiver.accepted().length === 5, 15_000);
      const bodies = receiver.accepted();
      expect(typesOf(bodies, a)).toEqual(['booking.created', 'booking.checked_in']);
      expect(typesOf(bodies, b)).toEqual(['booking.created', 'booking.cancelled']);
      expect(typesOf(bodies, c)).toEqual(['booking.created']);
      expect(new Set(bodies.map((x) => x.id)).size).toBe(5);
    });

    it('an endpoint failing for longer than the limit is disabled and flagged; nothing more is sent to it', async () => {
      const { firm, receiver } = await firmWithHook('Hook Broken Co', ['booking.created']);
      receiver.answer = 503;
      await book(firm, 0);
      const flagged = await until(
        'the endpoint disabled',
        async () => {
          const [hook] = (await api.http.get(`${API}/webhooks`).set(bearer(firm.adminToken)).expect(200))
            .body as Json[];
          return hook.disabledAt ? hook : false;
        },
        20_000,
      );
      expect(flagged.failingSince).toEqual(expect.any(String));
      // Out of attempts too: 1 + the 4 retries of this test's schedule, then given up (dead), never sent again.
      const delivery = await until(
        'the delivery given up',
        async () => {
          const [d] = await api.ds.query('SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = $1', [
            flagged.id,
          ]);
          return d.status !== 'pending' && d;
        },
        10_000,
      );
      expect(delivery).toEqual({ status: 'dead', attempts: 5 });
      const tried = receiver.received.length;
      receiver.answer = 200;
      await book(firm, 1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.received.length).toBe(tried);
    });
  });
});
