import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

type Json = Record<string, unknown>;

/**
 * The yard hand-off through HTTP and socket.io against Postgres and Redis: the yard sees a call (yard:update, from
 * the relay in an in-process worker), confirms the arrival, and the KPIs get the lane-to-yard time. Only yard-arrival
 * among writes is open to yard staff.
 */
describe('yard hand-off', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let yard: string;
  let lane: string;
  let plateSeq = 0;
  const clients: LiveClient[] = [];

  interface Truck {
    bookingId: string;
    reference: string;
    plate: string;
  }

  const book = async (port = PORT): Promise<Truck> => {
    plateSeq += 1;
    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: (await slotAt(api, port)).id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    return { bookingId: b.body.id, reference: b.body.reference, plate: v.body.plate };
  };

  const checkIn = (t: Truck, token = staff, port = PORT) =>
    api.http.post(`${API}/ports/${port}/check-ins`).set(bearer(token)).send({ plate: t.plate });
  const callNext = (token = staff) => api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(token));
  const arrive = (id: string, token = yard) => api.http.post(`${API}/bookings/${id}/yard-arrival`).set(bearer(token));
  const yardView = (token = yard, port = PORT) =>
    api.http.get(`${API}/ports/${port}/yard`).query({ direction: 'export' }).set(bearer(token));
  const calledIds = (v: Json) => (v.called as Json[]).map((c) => c.bookingId);

  beforeAll(async () => {
    // The API and its worker at 10:00 port time: the slot holding "now" is open and checked into whatever the hour.
    api = await startApi({}, { clock: portDayClock() });
    await api.worker();
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Yard Haulage', 1);
    staff = await portStaffToken(api, PORT);
    yard = await portStaffToken(api, PORT, 'yard_staff');
    const port = await api.http.get(`${API}/ports/${PORT}`).expect(200);
    lane = (port.body.lanes as Array<{ id: string; direction: string }>).find((l) => l.direction === 'export')!.id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  it('sees a call live, confirms the arrival once, which completes the called truck', async () => {
    const yardSocket = await connectLive(api.url, clients, { token: yard });
    const staffSocket = await connectLive(api.url, clients, { token: staff });
    const [first, second] = [await book(), await book()];
    await checkIn(first).expect(201);
    await checkIn(second).expect(201);

    const before = (await yardView().expect(200)).body as Json;
    expect(before).toMatchObject({ port: PORT, direction: 'export', called: [] });
    expect(before.next).toEqual([
      {
        bookingId: first.bookingId,
        position: 1,
        plate: first.plate,
        reference: first.reference,
        etaMinutes: expect.any(Number),
      },
      {
        bookingId: second.bookingId,
        position: 2,
        plate: second.plate,
        reference: second.reference,
        etaMinutes: expect.any(Number),
      },
    ]);

    // Port staff call the head onto a lane: the yard and the staff hear of it without asking.
    const from = yardSocket.mark();
    expect((await callNext().expect(200)).body.bookingId).toBe(first.bookingId);
    const seen = await yardSocket.waitFor('yard:update', (u) => calledIds(u).includes(first.bookingId), from);
    expect(seen).toMatchObject({
      port: PORT,
      direction: 'export',
      next: [{ bookingId: second.bookingId, position: 1 }],
    });
    expect((seen.called as Json[])[0]).toMatchObject({
      bookingId: first.bookingId,
      plate: first.plate,
      reference: first.reference,
      status: 'called',
      lane: { id: lane },
      calledAt: expect.any(String),
      completedAt: null,
      minutesSinceCall: 0,
    });
    await staffSocket.waitFor('yard:update', (u) => calledIds(u).includes(first.bookingId));
    expect(calledIds((await yardView().expect(200)).body as Json)).toEqual([first.bookingId]);

    // The yard confirms it: the called truck is completed with it, and leaves the list.
    const mark = yardSocket.mark();
    const res = await arrive(first.bookingId).expect(200);
    expect(Object.keys(res.body)).toEqual(['yardArrivedAt']);
    expect(Math.abs(Date.parse(res.body.yardArrivedAt as string) - api.clock!.now().getTime())).toBeLessThan(60_000);
    await yardSocket.waitFor('yard:update', (u) => !calledIds(u).includes(first.bookingId), mark);
    const [row] = await api.ds.query('SELECT status, completed_at, yard_arrived_at FROM bookings WHERE id = $1', [
      first.bookingId,
    ]);
    expect(row.status).toBe('completed');
    expect(row.yard_arrived_at.toISOString()).toBe(res.body.yardArrivedAt);

    // A second confirmation changes nothing and says when the first was.
    const again = await arrive(first.bookingId).expect(409);
    expect(again.body).toMatchObject({ code: 'conflict', yardArrivedAt: res.body.yardArrivedAt });

    // The completed event, then the yard's, each written with the change.
    const events = await api.ds.query(
      `SELECT type, data FROM booking_events WHERE booking_id = $1 AND type IN ('booking.completed', 'booking.yard_arrived') ORDER BY seq`,
      [first.bookingId],
    );
    expect(events.map((e: Json) => e.type)).toEqual(['booking.completed', 'booking.yard_arrived']);
    expect(events[1].data).toMatchObject({
      bookingId: first.bookingId,
      status: 'completed',
      laneId: lane,
      portCode: PORT,
    });
    expect(Date.parse(events[1].data.yardArrivedAt as string)).toBe(Date.parse(res.body.yardArrivedAt as string));
  });

  it('waits for a truck the lane completed until the yard confirms it', async () => {
    const t = await book();
    await checkIn(t).expect(201);
    // The first test's second truck is still at the head of the line.
    await callNext().expect(200);
    expect((await callNext().expect(200)).body.bookingId).toBe(t.bookingId);
    await api.http.post(`${API}/bookings/${t.bookingId}/complete`).set(bearer(staff)).expect(200);
    const awaited = ((await yardView().expect(200)).body.called as Json[]).find((c) => c.bookingId === t.bookingId);
    expect(awaited).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    // Port staff may confirm too.
    await arrive(t.bookingId, staff).expect(200);
    expect(calledIds((await yardView().expect(200)).body as Json)).not.toContain(t.bookingId);
  });

  it("refuses a truck never called, another port's yard, and bad ids", async () => {
    const waiting = await book();
    await checkIn(waiting).expect(201);
    const refused = await arrive(waiting.bookingId).expect(409);
    expect(refused.body).toMatchObject({ code: 'illegal_transition', currentStatus: 'checked_in' });
    const booked = await book();
    expect((await arrive(booked.bookingId).expect(409)).body.code).toBe('illegal_transition');

    const otherYard = await portStaffToken(api, 'HEKOU', 'yard_staff');
    expect((await arrive(waiting.bookingId, otherYard).expect(404)).body.code).toBe('not_found');
    expect((await yardView(otherYard).expect(404)).body.code).toBe('not_found');
    await yardView(otherYard, 'HEKOU').expect(200);
    await arrive('not-a-uuid').expect(400);
    await arrive('00000000-0000-4000-8000-000000000000').expect(404);
    await api.http.get(`${API}/ports/${PORT}/yard`).set(bearer(yard)).expect(400);
    await api.http.get(`${API}/ports/${PORT}/yard`).query({ direction: 'export' }).expect(401);
    await yardView(firm.adminToken).expect(403);
  });

  it('lets yard staff write nothing but arrivals', async () => {
    const t = await book();
    const refused = [
      await checkIn(t, yard),
      await callNext(yard),
      await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/status`).set(bearer(yard)).send({ status: 'paused' }),
      await api.http.post(`${API}/bookings/${t.bookingId}/no-show`).set(bearer(yard)),
      await api.http.post(`${API}/bookings/${t.bookingId}/complete`).set(bearer(yard)),
      await api.http.get(`${API}/ports/${PORT}/queue/staff`).query({ direction: 'export' }).set(bearer(yard)),
      await api.http.get(`${API}/ports/${PORT}/kpis`).query({ from: '2026-01-01', to: '2026-01-02' }).set(bearer(yard)),
    ];
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 403));
    expect((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [t.bookingId]))[0].status).toBe('booked');
  });

  it('gives the KPIs a lane-to-yard time per day and direction', async () => {
    // A port of its own, where only these two trucks reach the yard: called 12 and 4 minutes before.
    const port = 'TIANBAO';
    await putSchedule(api, port, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    const portStaff = await portStaffToken(api, port);
    const portYard = await portStaffToken(api, port, 'yard_staff');
    const portLane = await laneOf(api, port);
    const trucks = [await book(port), await book(port)];
    for (const [i, t] of trucks.entries()) {
      await checkIn(t, portStaff, port).expect(201);
      expect(
        (await api.http.post(`${API}/ports/${port}/lanes/${portLane}/call-next`).set(bearer(portStaff)).expect(200))
          .body.bookingId,
      ).toBe(t.bookingId);
      await api.ds.query(`UPDATE bookings SET called_at = $3::timestamptz - make_interval(mins => $2) WHERE id = $1`, [
        t.bookingId,
        i === 0 ? 12 : 4,
        api.clock!.now(),
      ]);
      await arrive(t.bookingId, portYard).expect(200);
    }
    const t = trucks[0];
    const [{ day }] = await api.ds.query(
      `SELECT to_char(service_date, 'YYYY-MM-DD') AS day FROM bookings WHERE id = $1`,
      [t.bookingId],
    );
    const kpis = await api.http
      .get(`${API}/ports/${port}/kpis`)
      .query({ from: day, to: day })
      .set(bearer(portStaff))
      .expect(200);
    // Mean (12 + 4) / 2 = 8; p90 interpolates 4 + 0.9 × (12 − 4) = 11.2 (the seconds of the run may add a tenth).
    const exp = (kpis.body as Json[]).find((k) => k.direction === 'export') as Json;
    expect(exp.laneToYardMinutes).toEqual({ mean: expect.closeTo(8, 0), p90: expect.closeTo(11.2, 0) });
    expect((kpis.body as Json[]).find((k) => k.direction === 'import')).toMatchObject({
      laneToYardMinutes: { mean: null, p90: null },
    });
  });
});
