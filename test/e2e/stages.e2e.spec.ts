import { randomBytes } from 'node:crypto';
import { BookingTransitions } from '@kouan/booking';
import { LaneArrivals } from '@kouan/queue';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDate,
  portStaffToken,
  putSchedule,
  regulatorToken,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';
import { portTime, TestClock } from '../support/test-clock';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;

/**
 * Every stage of a truck's visit timed (issue 19, part 4), through HTTP, socket.io, Postgres and Redis with an
 * in-process worker: each move at an instant of the test's standing Clock, so every duration is known to the
 * second. `GET /bookings/:id` and the staff view carry the stamps; the KPIs and the performance report give each
 * stage's p50 and p90 (percentile_cont: the value at p × (n − 1) between the sorted ones); the lane arrival is an
 * event (webhook, audit) and a change of the queue.
 */
describe('stages of a visit', () => {
  const PORT = 'MOHAN';
  const DAY = portDate(1);
  /** 10:00 at the port tomorrow, standing still: each move below sets the instant it happens at. */
  const T0 = portTime(DAY, '10:00:00').getTime();
  const clock = new TestClock().set(T0);
  const at = (seconds: number) => clock.set(T0 + seconds * 1000);
  const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let yard: string;
  let lane: string;
  let plateSeq = 0;
  const clients: LiveClient[] = [];
  const receivers: WebhookReceiver[] = [];

  const book = async (f = firm): Promise<{ id: string; plate: string }> => {
    plateSeq += 1;
    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(f.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(f.dispatcherToken))
      .send({ slotId: (await slotAt(api, PORT)).id, vehicleId: v.body.id, driverId: f.driverIds[0], cargo: cargo() })
      .expect(201);
    return { id: b.body.id as string, plate: v.body.plate as string };
  };
  const checkIn = (plate: string) =>
    api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
  const callNext = async () =>
    (await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200)).body
      .bookingId as string;
  const atLane = (id: string) => api.app.get(LaneArrivals).atLane(id, lane, clock.now());
  const complete = (id: string) => api.http.post(`${API}/bookings/${id}/complete`).set(bearer(staff)).expect(200);
  const yardArrival = (id: string) => api.http.post(`${API}/bookings/${id}/yard-arrival`).set(bearer(yard)).expect(200);
  const stagesOf = async (id: string, f = firm) =>
    (await api.http.get(`${API}/bookings/${id}`).set(bearer(f.dispatcherToken)).expect(200)).body.stages as Json;
  const staffView = async () =>
    (
      await api.http
        .get(`${API}/ports/${PORT}/queue/staff`)
        .query({ direction: 'export' })
        .set(bearer(staff))
        .expect(200)
    ).body as Json;

  beforeAll(async () => {
    // Tokens outlive the test's hour of port time (the clock jumps, it does not run).
    api = await startApi({ JWT_TTL_SECONDS: '7200' }, { clock });
    await api.worker();
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Stage Haulage', 1);
    staff = await portStaffToken(api, PORT);
    yard = await portStaffToken(api, PORT, 'yard_staff');
    const port = await api.http.get(`${API}/ports/${PORT}`).expect(200);
    lane = (port.body.lanes as Array<{ id: string; direction: string }>).find((l) => l.direction === 'export')!.id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const r of receivers) await r.stop();
    await api.close();
  });

  it('stamps each stage at its instant, and the KPIs and the performance report give its p50 and p90', async () => {
    /*
     * Six trucks, seconds after 10:00. F is never seen at its lane: its call → complete (200 s) is no lane service.
     *          in  holding  call→lane  lane service  lane→yard   turn
     *    A      0     100        30          120          60      310
     *    B     10     200        60          180          60      500
     *    C     20     300        90          240         120      750
     *    D     30     400       120          300         180     1000
     *    E     40     500       300          600         240     1640
     *    F     50    1000         -            -          30     1230   (completed 200 s after its call)
     */
    const plan = [
      { wait: 100, toLane: 30, service: 120, toYard: 60 },
      { wait: 200, toLane: 60, service: 180, toYard: 60 },
      { wait: 300, toLane: 90, service: 240, toYard: 120 },
      { wait: 400, toLane: 120, service: 300, toYard: 180 },
      { wait: 500, toLane: 300, service: 600, toYard: 240 },
      { wait: 1000, toLane: null, service: 200, toYard: 30 },
    ];
    const trucks = [];
    for (const p of plan) trucks.push({ ...p, ...(await book()) });
    // Every move of every truck, in the order of its instant: the clock only goes forward.
    const moves: Array<{ s: number; run: () => Promise<unknown> }> = [];
    trucks.forEach((t, i) => {
      const inAt = 10 * i;
      const calledAt = inAt + t.wait;
      const laneAt = t.toLane === null ? null : calledAt + t.toLane;
      const doneAt = (laneAt ?? calledAt) + t.service;
      moves.push({ s: inAt, run: () => checkIn(t.plate) });
      moves.push({ s: calledAt, run: async () => expect(await callNext()).toBe(t.id) });
      if (laneAt !== null)
        moves.push({ s: laneAt, run: async () => expect(await atLane(t.id)).toEqual(new Date(T0 + laneAt * 1000)) });
      moves.push({ s: doneAt, run: () => complete(t.id) });
      moves.push({ s: doneAt + t.toYard, run: () => yardArrival(t.id) });
    });
    moves.sort((a, b) => a.s - b.s);
    const [a] = trucks;
    for (const m of moves) {
      at(m.s);
      await m.run();
      // A, between its stages: what its firm reads at each.
      if (m.s === 100)
        expect(await stagesOf(a.id)).toEqual({
          arrivedAt: iso(0),
          calledAt: iso(100),
          atLaneAt: null,
          completedAt: null,
          yardArrivedAt: null,
        });
      if (m.s === 130) expect((await stagesOf(a.id)).atLaneAt).toBe(iso(130));
    }
    expect(await stagesOf(a.id)).toEqual({
      arrivedAt: iso(0),
      calledAt: iso(100),
      atLaneAt: iso(130),
      completedAt: iso(250),
      yardArrivedAt: iso(310),
    });
    expect(await stagesOf(trucks[5].id)).toEqual({
      arrivedAt: iso(50),
      calledAt: iso(1050),
      atLaneAt: null,
      completedAt: iso(1250),
      yardArrivedAt: iso(1280),
    });

    const expected = {
      holdingWait: { p50: 350, p90: 750, count: 6 },
      callToLane: { p50: 90, p90: 228, count: 5 },
      laneService: { p50: 240, p90: 480, count: 5 },
      laneToYard: { p50: 90, p90: 210, count: 6 },
      turnTime: { p50: 875, p90: 1435, count: 6 },
    };
    const kpis = await api.http
      .get(`${API}/ports/${PORT}/kpis`)
      .query({ from: DAY, to: DAY })
      .set(bearer(staff))
      .expect(200);
    const day = (kpis.body as Json[]).find((r) => r.direction === 'export')!;
    expect(day.stageSeconds).toEqual(expected);
    // The existing fields stay: six trucks served, the wait from check-in to call in minutes.
    expect(day).toMatchObject({ used: 6, waitMinutes: { mean: 6.9 } });
    const none = { p50: null, p90: null, count: 0 };
    expect((kpis.body as Json[]).find((r) => r.direction === 'import')!.stageSeconds).toEqual({
      holdingWait: none,
      callToLane: none,
      laneService: none,
      laneToYard: none,
      turnTime: none,
    });

    const perf = await api.http
      .get(`${API}/ports/performance`)
      .query({ from: DAY, to: DAY })
      .set(bearer(await regulatorToken(api)))
      .expect(200);
    const mohan = (perf.body as Json[]).find((r) => r.port === PORT)!;
    expect(mohan.stageSeconds).toEqual(expected);
    expect(mohan).toMatchObject({ trucksServed: 6 });
  });

  it("shows a called truck's lane arrival to staff live as by REST; a truck put back in line loses it", async () => {
    const live = await connectLive(api.url, clients, { token: staff });
    expect(await live.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toMatchObject({ ok: true });
    // The firm's dashboard: its trucks' booking:update.
    const firmLive = await connectLive(api.url, clients, { token: firm.dispatcherToken });
    const t = await book();
    at(2000);
    await checkIn(t.plate);
    at(2060);
    expect(await callNext()).toBe(t.id);
    at(2090);
    expect(await atLane(t.id)).toEqual(new Date(T0 + 2090_000));
    // Once: a second read of the same truck at its lane changes nothing.
    at(2095);
    expect(await atLane(t.id)).toBeUndefined();

    const stages = {
      arrivedAt: iso(2000),
      calledAt: iso(2060),
      atLaneAt: iso(2090),
      completedAt: null,
      yardArrivedAt: null,
    };
    const calledOf = (q: Json) => (q.called as Json[]).find((c) => c.bookingId === t.id);
    // The staff room's delta of the stamp (one on the board's room too, without who is who), and the REST read after.
    const kept = await live.waitFor(
      'queue:update',
      (u) =>
        ((u.called as Json[]).find((c) => c.bookingId === t.id)?.stages as Json | undefined)?.atLaneAt === iso(2090),
    );
    const rest = await staffView();
    expect(rest.version).toBe(kept.version);
    expect(calledOf(rest)).toMatchObject({ stages });
    expect(rest.called).toEqual(kept.called);
    expect(await stagesOf(t.id)).toEqual(stages);
    expect(
      await firmLive.waitFor('booking:update', (u) => u.bookingId === t.id && u.atLaneAt === iso(2090)),
    ).toMatchObject({ status: 'called', lane: { id: lane } });

    // Staff skip it: it waits again, without its call and its lane arrival.
    at(2100);
    await api.http.post(`${API}/bookings/${t.id}/skip`).set(bearer(staff)).expect(200);
    const waiting = { arrivedAt: iso(2000), calledAt: null, atLaneAt: null, completedAt: null, yardArrivedAt: null };
    expect(await stagesOf(t.id)).toEqual(waiting);
    const entry = ((await staffView()).entries as Json[]).find((e) => e.bookingId === t.id);
    expect(entry).toMatchObject({ stages: waiting });
    const [row] = await api.ds.query('SELECT status, called_at, at_lane_at FROM bookings WHERE id = $1', [t.id]);
    expect(row).toEqual({ status: 'checked_in', called_at: null, at_lane_at: null });
    // Not called to that lane any more: nothing to stamp.
    expect(await atLane(t.id)).toBeUndefined();
    // Called again (it waits at the front) and completed without a lane camera: its stages start from the new call.
    at(2110);
    expect(await callNext()).toBe(t.id);
    at(2200);
    await complete(t.id);
    expect(await stagesOf(t.id)).toEqual({ ...waiting, calledAt: iso(2110), completedAt: iso(2200) });
  });

  it('tells booking.at_lane to the webhooks that subscribe to it, and the audit trail', async () => {
    const other = await createFirm(api, 'Stage Hooks', 1);
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(other.adminToken))
      .send({ url: receiver.url, events: ['booking.at_lane'] })
      .expect(201);
    receiver.secret = hook.body.secret as string;
    const t = await book(other);
    at(3000);
    await checkIn(t.plate);
    at(3010);
    expect(await callNext()).toBe(t.id);
    // As the lane camera will: the booking lib's statement, in a transaction of the caller's.
    at(3040);
    const stamped = await api.ds.transaction((em) =>
      api.app.get(BookingTransitions).atLane(em, t.id, lane, clock.now()),
    );
    expect(stamped?.at_lane_at).toEqual(new Date(T0 + 3040_000));

    await until('the booking.at_lane webhook', () => receiver.accepted().length > 0);
    const [body] = receiver.accepted();
    expect(body).toMatchObject({
      type: 'booking.at_lane',
      occurredAt: expect.any(String),
      data: { bookingId: t.id, status: 'called', portCode: PORT, laneId: lane, atLaneAt: expect.any(String) },
    });
    expect(Date.parse((body.data as Json).atLaneAt as string)).toBe(T0 + 3040_000);
    expect(Date.parse(body.occurredAt as string)).toBe(T0 + 3040_000);
    // Only what it subscribed to: the check-in and the call were not sent.
    expect(receiver.accepted().map((b) => b.type)).toEqual(['booking.at_lane']);

    const regulator = await regulatorToken(api);
    const entry = await until('the audit entry of booking.at_lane', async () => {
      const trail = (
        await api.http.get(`${API}/audit`).query({ port: PORT, limit: 500 }).set(bearer(regulator)).expect(200)
      ).body as Json[];
      return trail.find((e) => e.bookingId === t.id && e.type === 'booking.at_lane') ?? false;
    });
    expect(entry).toMatchObject({ data: { status: 'called', laneId: lane } });
  });
});
