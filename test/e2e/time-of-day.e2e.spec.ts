import { DateTime } from 'luxon';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  portDate,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { portTime, TestClock } from '../support/test-clock';

const ZONE = 'Asia/Shanghai';
/** The port's day the instants fall on: two days ahead, so every slot of it is in the future by the real time too. */
const DAY = portDate(2);
const NEXT_DAY = DateTime.fromISO(DAY).plus({ days: 1 }).toISODate() as string;
const at = (date: string, time: string) => portTime(date, time, ZONE);
/** A time of a slot as the API writes it (the port's offset). */
const iso = (date: string, time: string) => `${date}T${time}+08:00`;

/**
 * The API at fixed instants of a port's day (08:00–20:00, slots of an hour, check-in from 60 min before a slot to
 * 30 min after it): just before the first slot, just before closing, just before midnight, and across the slot,
 * check-in and day boundaries next to them. Each asserts what only that instant gives, so an API reading any other
 * clock (the database's, the machine's) fails here.
 */
describe('the time of day, at fixed instants (Asia/Shanghai)', () => {
  const clock = new TestClock();
  let api: TestApi;
  let firm: TestFirm;
  const staff = new Map<string, string>();

  /** A token signed again at the clock's instant (a token of the real time is long expired on DAY). */
  const fresh = (token: string) => {
    const c = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, string>;
    return api.tokens.sign({ sub: c.sub, role: c.role as 'port_admin', firmId: c.firm, portCode: c.port });
  };
  const dispatcher = () => bearer(fresh(firm.dispatcherToken));
  const staffOf = (port: string) => bearer(fresh(staff.get(port) as string));

  let vehicle = 0;
  const book = async (slotId: string, perishable = false) => {
    const i = vehicle++;
    const res = await api.http
      .post(`${API}/bookings`)
      .set(dispatcher())
      .send({ slotId, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo({ perishable }) })
      .expect(201);
    const [{ plate }] = await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[i]]);
    return { id: res.body.id as string, reference: res.body.reference as string, plate: plate as string };
  };
  const slotStarting = async (port: string, date: string, time: string) => {
    const slot = (await slotsOf(api, port, date)).find((s) => s.startsAt === iso(date, `${time}:00`));
    if (!slot) throw new Error(`no ${port} slot at ${date} ${time}`);
    return slot;
  };
  /** The slots of `date` that can be booked now, by start time. */
  const bookable = async (port: string, date: string) =>
    (await slotsOf(api, port, date)).filter((s) => s.bookable).map((s) => s.startsAt.slice(11, 16));
  const checkIn = (port: string, by: { plate?: string; reference?: string }) =>
    api.http.post(`${API}/ports/${port}/check-ins`).set(staffOf(port)).send(by);
  const board = async (port: string) =>
    (await api.http.get(`${API}/ports/${port}/queue`).query({ direction: 'export' }).expect(200)).body as {
      entries: Array<{ position: number; priority: boolean; slotStartsAt: string }>;
      called: Array<{ laneId: string; calledAt: string }>;
    };
  const staffQueue = async (port: string) =>
    (
      await api.http
        .get(`${API}/ports/${port}/queue/staff`)
        .query({ direction: 'export' })
        .set(staffOf(port))
        .expect(200)
    ).body as { entries: Array<{ bookingId: string; position: number; priority: boolean }> };
  const driver = async (port: string, bookingId: string) =>
    (
      await api.http
        .get(`${API}/driver/booking`)
        .set(bearer(api.tokens.sign({ sub: bookingId, role: 'driver', firmId: firm.id, portCode: port })))
        .expect(200)
    ).body;
  const callNext = async (port: string) =>
    (
      await api.http
        .post(`${API}/ports/${port}/lanes/${await laneOf(api, port)}/call-next`)
        .set(staffOf(port))
        .expect(200)
    ).body as { bookingId: string };

  beforeAll(async () => {
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Time Of Day Freight', 8);
    for (const port of ['MOHAN', 'TIANBAO', 'DALUO']) {
      // Not round the clock: the instants below sit at the edges of the opening hours.
      await putSchedule(api, port, { capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
      staff.set(port, await portStaffToken(api, port));
    }
  });

  afterAll(() => api.close());

  it('07:59:58: the first slot is next and open for check-in, the second is not yet; its start makes a truck green', async () => {
    const PORT = 'MOHAN';
    clock.set(at(DAY, '07:59:58'));
    // Every slot of the day is still to come; the day before is over, and the horizon counts from this day.
    expect(await bookable(PORT, DAY)).toEqual([...Array(12).keys()].map((h) => `${String(8 + h).padStart(2, '0')}:00`));
    expect(await bookable(PORT, DateTime.fromISO(DAY).minus({ days: 1 }).toISODate() as string)).toEqual([]);
    const last = DateTime.fromISO(DAY).plus({ days: 7 }).toISODate() as string;
    await slotsOf(api, PORT, last);
    const beyond = await api.http
      .get(`${API}/ports/${PORT}/slots`)
      .query({ date: DateTime.fromISO(last).plus({ days: 1 }).toISODate(), direction: 'export' })
      .expect(422);
    expect(beyond.body).toMatchObject({ code: 'date_out_of_range', to: last });

    const first = await book((await slotStarting(PORT, DAY, '08:00')).id, true);
    const second = await book((await slotStarting(PORT, DAY, '09:00')).id);
    // The first slot's window opened at 07:00; the second's opens at 08:00.
    await checkIn(PORT, { plate: first.plate }).expect(201);
    const early = await checkIn(PORT, { reference: second.reference }).expect(422);
    expect(early.body).toMatchObject({ code: 'too_early', comeBackAt: iso(DAY, '08:00:00') });
    // Its slot has not started: a green-channel truck waits as a later one, not green.
    expect((await board(PORT)).entries).toEqual([
      expect.objectContaining({ position: 1, priority: false, slotStartsAt: iso(DAY, '08:00:00') }),
    ]);
    expect(await driver(PORT, first.id)).toMatchObject({
      status: 'checked_in',
      position: 1,
      trip: { checkInFrom: iso(DAY, '07:00:00'), slotStartsAt: iso(DAY, '08:00:00') },
    });

    // Across the slot's start: green now, and the second truck may check in; its later slot goes behind.
    clock.set(at(DAY, '08:00:01'));
    expect((await board(PORT)).entries).toEqual([expect.objectContaining({ position: 1, priority: true })]);
    await checkIn(PORT, { plate: second.plate }).expect(201);
    expect((await staffQueue(PORT)).entries.map((e) => [e.bookingId, e.position, e.priority])).toEqual([
      [first.id, 1, true],
      [second.id, 2, false],
    ]);
    expect(await callNext(PORT)).toMatchObject({ bookingId: first.id });
    expect(await driver(PORT, first.id)).toMatchObject({ status: 'called', position: null });
    expect(await driver(PORT, second.id)).toMatchObject({ status: 'checked_in', position: 1 });
  });

  it('19:59:58: only the last slot is bookable, its trucks are green, and its check-in closes at 20:30', async () => {
    const PORT = 'TIANBAO';
    clock.set(at(DAY, '19:59:58'));
    expect(await bookable(PORT, DAY)).toEqual(['19:00']);
    const last = await slotStarting(PORT, DAY, '19:00');
    const green = await book(last.id, true);
    const late = await book(last.id);
    const tomorrow = await book((await slotStarting(PORT, NEXT_DAY, '08:00')).id);

    await checkIn(PORT, { plate: green.plate }).expect(201);
    const early = await checkIn(PORT, { reference: tomorrow.reference }).expect(422);
    expect(early.body).toMatchObject({ code: 'too_early', comeBackAt: iso(NEXT_DAY, '07:00:00') });
    expect((await board(PORT)).entries).toEqual([expect.objectContaining({ position: 1, priority: true })]);

    // The yard reads at the same instant: the line's head, and the time it was read.
    const yard = (
      await api.http.get(`${API}/ports/${PORT}/yard`).query({ direction: 'export' }).set(staffOf(PORT)).expect(200)
    ).body;
    expect(yard).toMatchObject({ at: at(DAY, '19:59:58').toISOString(), next: [{ bookingId: green.id, position: 1 }] });
    expect(await callNext(PORT)).toMatchObject({ bookingId: green.id });
    expect((await board(PORT)).called).toHaveLength(1);

    // Across the end of the check-in window (20:00 + 30 min grace).
    clock.set(at(DAY, '20:30:01'));
    const closed = await checkIn(PORT, { reference: late.reference }).expect(422);
    expect(closed.body.code).toBe('too_late');
    expect(await bookable(PORT, DAY)).toEqual([]);
  });

  it("23:59:58: nothing is left today, tomorrow's first slot is next; a plate is tomorrow's only after midnight", async () => {
    const PORT = 'DALUO';
    clock.set(at(DAY, '23:59:58'));
    expect(await bookable(PORT, DAY)).toEqual([]);
    expect((await bookable(PORT, NEXT_DAY))[0]).toBe('08:00');
    const truck = await book((await slotStarting(PORT, NEXT_DAY, '08:00')).id, true);

    // Today at the port is still DAY: the plate has no booking today.
    const none = await checkIn(PORT, { plate: truck.plate }).expect(404);
    expect(none.body.code).toBe('not_found');
    // Across midnight the booking is today's, but its window opens at 07:00.
    clock.set(at(NEXT_DAY, '00:00:01'));
    const early = await checkIn(PORT, { plate: truck.plate }).expect(422);
    expect(early.body).toMatchObject({ code: 'too_early', comeBackAt: iso(NEXT_DAY, '07:00:00') });

    clock.set(at(NEXT_DAY, '07:00:00'));
    await checkIn(PORT, { plate: truck.plate }).expect(201);
    // Checked in an hour early: it waits as a later truck, not green, until 08:00.
    expect((await board(PORT)).entries).toEqual([expect.objectContaining({ position: 1, priority: false })]);
    expect(await driver(PORT, truck.id)).toMatchObject({ status: 'checked_in', position: 1 });
    clock.set(at(NEXT_DAY, '08:00:00'));
    expect((await board(PORT)).entries).toEqual([expect.objectContaining({ position: 1, priority: true })]);
  });
});
