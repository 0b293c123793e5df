import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';
import { portTime, TestClock } from '../support/test-clock';

const PORT = 'HOUQIAO';
const GATE_FEE = [{ code: 'gate', name: { zh: '闸口费', en: 'Gate' }, amount: 30, unit: 'per_truck' }];

interface EventRow {
  seq: string;
  xmin: string;
  type: string;
  direction: string | null;
  data: Record<string, unknown>;
  actor: Record<string, string> | null;
}

/**
 * Every change to a port that others hear of writes its port event (port_events) in the change's own transaction:
 * the event's row and the changed row carry one transaction id (xmin), and a refused change writes none. With a
 * worker, its relay publishes lane:update and slots:update from them.
 */
describe('port events (real Postgres and Redis)', () => {
  const clock = new TestClock();
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let lane: string;
  let last = '0';
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    // A Monday mid-morning at the port: the slot of now is open for check-in.
    clock.run(portTime('2026-12-07', '10:30:00'));
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Outbox Freight', 2);
    staff = await portStaffToken(api, PORT);
    lane = await laneOf(api, PORT);
    await putSchedule(api, PORT, { capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    last = await newest();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  async function newest(): Promise<string> {
    const [r] = await api.ds.query('SELECT COALESCE(max(seq), 0)::text AS seq FROM port_events');
    return r.seq as string;
  }
  /** The port events written since the last call, in order. */
  async function written(): Promise<EventRow[]> {
    const found = (await api.ds.query(
      'SELECT seq::text, xmin::text, type, direction, data, actor FROM port_events WHERE seq > $1 ORDER BY seq',
      [last],
    )) as EventRow[];
    if (found.length) last = found[found.length - 1].seq;
    return found;
  }
  const xmin = async (table: string, where: string, params: unknown[]) =>
    ((await api.ds.query(`SELECT xmin::text AS x FROM ${table} WHERE ${where}`, params)) as Array<{ x: string }>)[0].x;
  const staffId = () => api.tokens.verify(staff)!.sub;

  it("a lane's status change writes lane.status_changed and the queue's delta with it; a refused one writes none", async () => {
    await api.http
      .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
      .set(bearer(staff))
      .send({ status: 'paused' })
      .expect(200);
    const [changed, delta, ...more] = await written();
    expect(more).toEqual([]);
    expect(changed).toMatchObject({
      type: 'lane.status_changed',
      direction: 'export',
      data: { laneId: lane, before: 'open', status: 'paused', direction: 'export' },
      actor: { id: staffId(), role: 'port_staff' },
    });
    expect(delta).toMatchObject({ type: 'queue.changed', direction: 'export', data: { port: PORT } });
    expect(changed.xmin).toBe(await xmin('lanes', 'id = $1', [lane]));
    expect(delta.xmin).toBe(changed.xmin);

    await api.http
      .post(`${API}/ports/RUILI/lanes/${lane}/status`)
      .set(bearer(api.adminToken))
      .send({ status: 'open' })
      .expect(404);
    expect(await written()).toEqual([]);
    await api.http
      .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
      .set(bearer(staff))
      .send({ status: 'open' })
      .expect(200);
    expect((await written()).map((e) => e.type)).toEqual(['lane.status_changed', 'queue.changed']);
  });

  it('a fee publication writes fees.published; one refused writes none', async () => {
    await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({ effectiveFrom: '2026-12-08', currency: 'CNY', items: GATE_FEE })
      .expect(201);
    const [published, ...more] = await written();
    expect(more).toEqual([]);
    expect(published).toMatchObject({
      type: 'fees.published',
      direction: null,
      data: { version: 1, effectiveFrom: '2026-12-08', currency: 'CNY' },
      actor: { role: 'port_admin' },
    });
    expect(published.xmin).toBe(await xmin('port_fees', 'port_code = $1 AND version = 1', [PORT]));
    await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({ effectiveFrom: '2026-12-01', currency: 'CNY', items: GATE_FEE })
      .expect(422);
    expect(await written()).toEqual([]);
  });

  it('a schedule change writes schedule.changed with the schedule before and after; one refused writes none', async () => {
    await putSchedule(api, PORT, { capacity: { export: 21, import: 20 }, firmQuotaPercent: 100 });
    const [changed, ...more] = await written();
    expect(more).toEqual([]);
    expect(changed).toMatchObject({
      type: 'schedule.changed',
      data: { before: { capacity: { export: 20 } }, after: { capacity: { export: 21 } } },
    });
    expect(changed.xmin).toBe(await xmin('schedules', 'port_code = $1', [PORT]));
    await api.http
      .put(`${API}/ports/${PORT}/schedule`)
      .set(bearer(api.adminToken))
      .send({ slotMinutes: 60, capacity: { export: 5, import: 5 }, openFrom: '20:00', openTo: '08:00' })
      .expect(400);
    expect(await written()).toEqual([]);
  });

  it("a booking and its cancellation write the slot's count; a refused booking (its place taken, then undone) writes none", async () => {
    const slot = await slotAt(api, PORT, 2);
    const book = (vehicle: number) =>
      api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, vehicleId: firm.vehicleIds[vehicle], driverId: firm.driverIds[0], cargo: cargo() });
    const booked = (await book(0).expect(201)).body;
    const [taken, ...more] = await written();
    expect(more).toEqual([]);
    expect(taken).toMatchObject({
      type: 'slots.changed',
      direction: 'export',
      data: { slotId: slot.id, booked: slot.booked + 1, capacity: slot.capacity },
    });
    expect(taken.xmin).toBe(await xmin('bookings', 'id = $1', [booked.id]));
    expect(taken.xmin).toBe(await xmin('slots', 'id = $1', [slot.id]));

    // The same vehicle on the same day: the statement took the place, then its insert failed and undid it all.
    await book(0).expect(409);
    expect(await written()).toEqual([]);

    await api.http.post(`${API}/bookings/${booked.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    const [freed] = await written();
    expect(freed).toMatchObject({ type: 'slots.changed', data: { slotId: slot.id, booked: slot.booked } });
    expect(freed.xmin).toBe(await xmin('slots', 'id = $1', [slot.id]));
  });

  it("a call-next writes the queue's delta with its version; one refused writes none", async () => {
    const call = () => api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff));
    await call().expect(404);
    expect(await written()).toEqual([]);

    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}7`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const slot = await slotAt(api, PORT);
    await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: v.body.id, driverId: firm.driverIds[1], cargo: cargo() })
      .expect(201);
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    const joined = (await written()).find((e) => e.type === 'queue.changed')!;
    const called = (await call().expect(200)).body;
    const [delta, ...more] = await written();
    expect(more.map((e) => [e.type, e.data.version])).toEqual([]);
    expect(delta).toMatchObject({
      type: 'queue.changed',
      direction: 'export',
      data: {
        port: PORT,
        version: (joined.data.version as number) + 1,
        moved: [expect.objectContaining({ bookingId: called.bookingId, status: 'called' })],
      },
    });
    expect(delta.xmin).toBe(await xmin('bookings', 'id = $1', [called.bookingId]));
  });

  it('with a worker, a board hears lane:update and slots:update from the relay, and every port event is relayed', async () => {
    await api.worker();
    const board = await connectLive(api.url, clients);
    expect(await board.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toMatchObject({ ok: true });
    let from = board.mark();
    await api.http
      .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
      .set(bearer(staff))
      .send({ status: 'paused' })
      .expect(200);
    // The worker has just started: events of the earlier tests (the lane opened) are relayed too, maybe after `from`.
    expect(await board.waitFor('lane:update', (u) => u.status === 'paused', from)).toEqual({
      port: PORT,
      laneId: lane,
      status: 'paused',
    });

    const slot = await slotAt(api, PORT, 3);
    from = board.mark();
    await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[1], driverId: firm.driverIds[1], cargo: cargo() })
      .expect(201);
    expect(await board.waitFor('slots:update', (u) => u.slotId === slot.id, from)).toEqual({
      port: PORT,
      direction: 'export',
      slotId: slot.id,
      booked: slot.booked + 1,
      available: slot.available - 1,
    });
    await until(
      'every port event relayed',
      async () => (await api.ds.query('SELECT 1 FROM port_events WHERE relayed_at IS NULL')).length === 0,
      10_000,
    );
  });
});
