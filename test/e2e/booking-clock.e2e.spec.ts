import { API, bearer, cargo, createFirm, portDate, slotsOf, startApi, TestApi, TestFirm } from '../support/harness';
import { TestClock } from '../support/test-clock';

/**
 * The booking lib's statements take their instant from the injected Clock, never from the database's now(): a test
 * that moves the API's Clock moves what the statements judge (is the slot over?) and what they stamp (the booking,
 * its cancel, and the events of both).
 */
describe('booking statements at the Clock', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let firm: TestFirm;
  let token: string;
  const clock = new TestClock();

  beforeAll(async () => {
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Timekeeper Freight', 2);
    const dispatcher = api.tokens.verify(firm.dispatcherToken);
    // Valid for days, so the Clock can move past tomorrow's slots without ending the token.
    token = api.tokens.sign(dispatcher as NonNullable<typeof dispatcher>, new Date(Date.now() + 4 * 86_400_000));
  });
  afterAll(() => api.close());

  const book = (slotId: string, i: number) =>
    api.http
      .post(`${API}/bookings`)
      .set(bearer(token))
      .send({ slotId, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() });

  const stamps = async (id: string) => {
    const [b] = await api.ds.query('SELECT created_at, updated_at, cancelled_at FROM bookings WHERE id = $1', [id]);
    const events = await api.ds.query(
      'SELECT type, occurred_at FROM booking_events WHERE booking_id = $1 ORDER BY seq',
      [id],
    );
    return { ...b, events };
  };

  it('a slot tomorrow is over once the Clock is past its end: slot_past, though the database says otherwise', async () => {
    const [slot] = await slotsOf(api, PORT, portDate());
    clock.set(new Date(Date.parse(slot.endsAt) + 60_000));
    expect((await book(slot.id, 0).expect(422)).body.code).toBe('slot_past');
  });

  it('stamps the booking, its cancel and both events with the Clock instant of each', async () => {
    clock.real();
    const [slot] = await slotsOf(api, PORT, portDate());
    const booked = new Date(Date.now() - 7 * 60_000);
    clock.set(booked);
    const res = await book(slot.id, 1).expect(201);
    expect(await stamps(res.body.id)).toEqual({
      created_at: booked,
      updated_at: booked,
      cancelled_at: null,
      events: [{ type: 'booking.created', occurred_at: booked }],
    });

    const cancelled = new Date(booked.getTime() + 90_000);
    clock.set(cancelled);
    await api.http.post(`${API}/bookings/${res.body.id}/cancel`).set(bearer(token)).expect(200);
    expect(await stamps(res.body.id)).toEqual({
      created_at: booked,
      updated_at: cancelled,
      cancelled_at: cancelled,
      events: [
        { type: 'booking.created', occurred_at: booked },
        { type: 'booking.cancelled', occurred_at: cancelled },
      ],
    });
  });
});
