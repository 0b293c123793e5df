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

/**
 * Every booking state change writes its event (booking_events, the outbox) in the statement that makes it: one row
 * per change, in order per booking, with what the change was; a refused change writes nothing. The API runs from
 * 10:00 port time: the slot holding now takes check-ins, and the later ones it books (up to 15:00) are in the day.
 */
describe('booking events (outbox), written with each change', () => {
  const PORT = 'HEKOU';
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let lane: string;

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Outbox Freight', 3);
    staff = await portStaffToken(api, PORT);
    lane = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes.find(
      (l: { direction: string }) => l.direction === 'export',
    ).id;
  });

  afterAll(() => api.close());

  const book = async (i: number, hoursAhead = 0) => {
    const slot = await slotAt(api, PORT, hoursAhead);
    const res = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
      .expect(201);
    return { id: res.body.id as string, reference: res.body.reference as string, slotId: slot.id };
  };
  const plateOf = async (i: number) =>
    (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[i]]))[0].plate as string;
  const events = async (bookingId: string) =>
    (await api.ds.query(
      'SELECT type, firm_id, port_code, data, relayed_at FROM booking_events WHERE booking_id = $1 ORDER BY seq',
      [bookingId],
    )) as Array<{
      type: string;
      firm_id: string;
      port_code: string;
      data: Record<string, unknown>;
      relayed_at: Date | null;
    }>;

  it('a truck through the port: created, checked in, called, requeued (skip), called, completed', async () => {
    const b = await book(0);
    await api.http
      .post(`${API}/ports/${PORT}/check-ins`)
      .set(bearer(staff))
      .send({ plate: await plateOf(0) })
      .expect(201);
    const call = () => api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
    expect((await call()).body.bookingId).toBe(b.id);
    await api.http.post(`${API}/bookings/${b.id}/skip`).set(bearer(staff)).expect(200);
    await call();
    await api.http.post(`${API}/bookings/${b.id}/complete`).set(bearer(staff)).expect(200);
    // Refused moves write nothing.
    await api.http.post(`${API}/bookings/${b.id}/complete`).set(bearer(staff)).expect(409);
    await api.http.post(`${API}/bookings/${b.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(409);

    const got = await events(b.id);
    expect(got.map((e) => [e.type, e.data.status])).toEqual([
      ['booking.created', 'booked'],
      ['booking.checked_in', 'checked_in'],
      ['booking.called', 'called'],
      ['booking.requeued', 'checked_in'],
      ['booking.called', 'called'],
      ['booking.completed', 'completed'],
    ]);
    for (const e of got) {
      expect(e).toMatchObject({
        firm_id: firm.id,
        port_code: PORT,
        data: { bookingId: b.id, reference: b.reference, portCode: PORT, direction: 'export' },
      });
    }
    expect(got[0].data.slotId).toBe(b.slotId);
    expect(got[1].data.greenChannel).toBe(false);
    expect(got[2].data.laneId).toBe(lane);
    expect(got[3].data.reason).toBe('skipped');
  });

  it('cancelled and rescheduled bookings, and a staff no-show, each leave their event', async () => {
    const moving = await book(1, 2);
    const later = await slotAt(api, PORT, 3);
    await api.http
      .post(`${API}/bookings/${moving.id}/reschedule`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: later.id })
      .expect(200);
    await api.http.post(`${API}/bookings/${moving.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    expect((await events(moving.id)).map((e) => [e.type, e.data.slotId, e.data.fromSlotId])).toEqual([
      ['booking.created', moving.slotId, undefined],
      ['booking.rescheduled', later.id, moving.slotId],
      ['booking.cancelled', undefined, undefined],
    ]);

    const absent = await book(2);
    await api.http
      .post(`${API}/ports/${PORT}/check-ins`)
      .set(bearer(staff))
      .send({ plate: await plateOf(2) })
      .expect(201);
    await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
    await api.http.post(`${API}/bookings/${absent.id}/no-show`).set(bearer(staff)).expect(200);
    expect((await events(absent.id)).map((e) => e.type).slice(-1)).toEqual(['booking.no_show']);
    expect((await events(absent.id)).at(-1)?.data.reason).toBe('staff');
  });

  it('a booking refused for the quota leaves no event (the statement that would have written it is undone)', async () => {
    await putSchedule(api, 'TIANBAO', {
      ...OPENING_HOURS,
      capacity: { export: 2, import: 2 },
      firmQuotaPercent: 50,
    });
    const slot = await slotAt(api, 'TIANBAO', 5);
    const before = Number((await api.ds.query('SELECT count(*) FROM booking_events'))[0].count);
    await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    const refused = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[1], driverId: firm.driverIds[1], cargo: cargo() })
      .expect(409);
    expect(refused.body.code).toBe('quota_exceeded');
    expect(Number((await api.ds.query('SELECT count(*) FROM booking_events'))[0].count)).toBe(before + 1);
  });
});
