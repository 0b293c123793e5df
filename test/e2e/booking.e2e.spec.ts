import {
  API,
  bearer,
  cargo,
  createFirm,
  portDate,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

describe('bookings', () => {
  let api: TestApi;
  let firm: TestFirm;

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Banna Cold Chain', 3);
  });
  afterAll(() => api.close());

  const book = (slotId: string, i = 0, key?: string) => {
    const req = api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken));
    if (key) req.set('Idempotency-Key', key);
    return req.send({ slotId, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() });
  };

  it('books a slot, shows it taken, and lets the driver log in with reference and code', async () => {
    const [slot] = await slotsOf(api, 'MOHAN', portDate());
    const res = await book(slot.id).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      reference: expect.stringMatching(/^MOHAN-\d{8}-[0-9A-Z]{4}$/),
      status: 'booked',
      slotId: slot.id,
      driverCode: expect.stringMatching(/^\d{6}$/),
      // The port has published no fees here (see fees.e2e for a port that has).
      fees: null,
    });
    expect(res.body.reference).toContain(portDate().replace(/-/g, ''));
    const [after] = await slotsOf(api, 'MOHAN', portDate());
    expect(after).toMatchObject({ id: slot.id, booked: 1, available: slot.capacity - 1 });

    const session = await api.http
      .post(`${API}/driver/session`)
      .send({ reference: res.body.reference, driverCode: res.body.driverCode })
      .expect(200);
    expect(api.tokens.verify(session.body.accessToken)).toMatchObject({ role: 'driver', sub: res.body.id });
    const wrong = String((Number(res.body.driverCode) + 1) % 1_000_000).padStart(6, '0');
    await api.http.post(`${API}/driver/session`).send({ reference: res.body.reference, driverCode: wrong }).expect(401);

    const mine = await api.http.get(`${API}/bookings/${res.body.id}`).set(bearer(firm.adminToken)).expect(200);
    expect(mine.body).toMatchObject({
      reference: res.body.reference,
      status: 'booked',
      portCode: 'MOHAN',
      direction: 'export',
    });
    await book(slot.id)
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('vehicle_busy'));
  });

  it('cancel frees the place; cancelling twice is an illegal move', async () => {
    const [, slot] = await slotsOf(api, 'MOHAN', portDate());
    const res = await book(slot.id, 1).expect(201);
    await api.http
      .post(`${API}/bookings/${res.body.id}/cancel`)
      .set(bearer(firm.dispatcherToken))
      .expect(200, { status: 'cancelled' });
    expect((await slotsOf(api, 'MOHAN', portDate()))[1].booked).toBe(0);
    const again = await api.http
      .post(`${API}/bookings/${res.body.id}/cancel`)
      .set(bearer(firm.dispatcherToken))
      .expect(409);
    expect(again.body).toMatchObject({ statusCode: 409, code: 'illegal_transition' });
  });

  it('reschedule takes the new place and frees the old; the same slot is 409', async () => {
    const slots = await slotsOf(api, 'MOHAN', portDate(2));
    const res = await book(slots[0].id, 2).expect(201);
    await api.http
      .post(`${API}/bookings/${res.body.id}/reschedule`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slots[0].id })
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('same_slot'));
    const moved = await api.http
      .post(`${API}/bookings/${res.body.id}/reschedule`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slots[3].id })
      .expect(200);
    expect(moved.body).toMatchObject({ slotId: slots[3].id, status: 'booked' });
    const after = await slotsOf(api, 'MOHAN', portDate(2));
    expect([after[0].booked, after[3].booked]).toEqual([0, 1]);
    const importSlot = (await slotsOf(api, 'MOHAN', portDate(2), 'import'))[0];
    const wrong = await api.http
      .post(`${API}/bookings/${res.body.id}/reschedule`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: importSlot.id })
      .expect(422);
    expect(wrong.body.code).toBe('wrong_port_or_direction');
  });

  it('refuses past slots and slots beyond the horizon with 422', async () => {
    const past = (await slotsOf(api, 'HEKOU', portDate(-1)))[0];
    expect(past.bookable).toBe(false);
    expect((await book(past.id).expect(422)).body.code).toBe('slot_past');
    // Slots beyond the horizon cannot be listed (date_out_of_range), so list one while the horizon is longer.
    const horizon = (days: number) =>
      api.ds.query('UPDATE schedules SET horizon_days = $1 WHERE port_code = $2', [days, 'HEKOU']);
    await horizon(14);
    const far = (await slotsOf(api, 'HEKOU', portDate(9)))[0];
    await horizon(7);
    const unlisted = await api.http
      .get(`${API}/ports/HEKOU/slots`)
      .query({ date: portDate(9) })
      .expect(422);
    expect(unlisted.body.code).toBe('date_out_of_range');
    expect((await book(far.id).expect(422)).body.code).toBe('outside_horizon');
  });

  it('replays an idempotent request and refuses the key with another body', async () => {
    const [slot] = await slotsOf(api, 'RUILI', portDate());
    const first = await book(slot.id, 0, 'key-1').expect(201);
    const again = await book(slot.id, 0, 'key-1').expect(201);
    expect(again.body).toEqual(first.body);
    const other = await book(slot.id, 1, 'key-1').expect(422);
    expect(other.body.code).toBe('idempotency_mismatch');
    expect((await slotsOf(api, 'RUILI', portDate()))[0].booked).toBe(1);
  });

  it('a schedule change keeps booked slots and their times, and never cuts capacity below what is booked', async () => {
    const date = portDate(3);
    const slots = await slotsOf(api, 'TIANBAO', date);
    await book(slots[1].id, 0).expect(201);
    await book(slots[1].id, 1).expect(201);
    await putSchedule(api, 'TIANBAO', { slotMinutes: 30, capacity: { export: 1, import: 1 }, firmQuotaPercent: 100 });
    const after = await slotsOf(api, 'TIANBAO', date);
    const kept = after.find((s) => s.id === slots[1].id);
    expect(kept).toMatchObject({ startsAt: slots[1].startsAt, endsAt: slots[1].endsAt, capacity: 2, booked: 2 });
    expect(after.find((s) => s.id === slots[0].id)).toBeUndefined();
    const fresh = after.filter((s) => s.booked === 0);
    expect(fresh.length).toBeGreaterThan(12);
    expect(fresh.every((s) => s.capacity === 1 && Date.parse(s.endsAt) - Date.parse(s.startsAt) === 30 * 60_000)).toBe(
      true,
    );
    // The old unbooked slot id is withdrawn, not silently rebooked.
    expect((await book(slots[0].id, 2).expect(409)).body.code).toBe('slot_unavailable');
  });
});
