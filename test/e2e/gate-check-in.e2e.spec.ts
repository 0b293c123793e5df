import { randomBytes, randomUUID } from 'node:crypto';
import {
  API,
  bearer,
  bookNewTruck,
  createFirm,
  portDate,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { portTime, TestClock } from '../support/test-clock';

/**
 * POST /ports/:code/check-ins by {plate}, {reference} or {plate, bookingId} (contract: "Check-in by plate is
 * unambiguous"). Plates are unique only within a firm: a plate on bookings of two firms must not check in either.
 */
describe('check-in at the gate', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let staff: string;
  let slotId: string;
  let seq = 0;

  const checkIn = (body: Record<string, unknown>, token = staff) =>
    api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(token)).send(body);

  const book = (firm: TestFirm, plate: string) => bookNewTruck(api.http, firm, slotId, plate);

  const newPlate = () => `云A${randomBytes(2).toString('hex').toUpperCase()}${(seq += 1)}`;

  const statuses = async (...ids: string[]) =>
    Promise.all(
      ids.map(
        async (id) =>
          ((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [id]))[0] as { status: string }).status,
      ),
    );

  const waiting = async () =>
    (
      await api.http
        .get(`${API}/ports/${PORT}/queue/staff`)
        .query({ direction: 'export' })
        .set(bearer(staff))
        .expect(200)
    ).body as { version: number; entries: Array<{ bookingId: string }> };

  let mekong: TestFirm;
  let lancang: TestFirm;

  beforeAll(async () => {
    // At 10:30 at the port, in its opening hours (08:00-20:00), whatever the real time of day.
    api = await startApi({}, { clock: new TestClock().set(portTime(portDate(2), '10:30:00')) });
    await putSchedule(api, PORT, {
      capacity: { export: 200, import: 10 },
      firmQuotaPercent: 100,
    });
    const s = await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email: `staff-${randomBytes(3).toString('hex')}@port.example`, password: 'staff-password' })
      .expect(201);
    staff = api.tokens.sign({ sub: s.body.id, role: 'port_staff', portCode: PORT });
    slotId = (await slotAt(api, PORT)).id;
    mekong = await createFirm(api, 'Mekong Reefer Lines', 1);
    lancang = await createFirm(api, 'Lancang Haulage', 1);
  });
  afterAll(() => api.close());

  it('a plate booked by two firms checks in neither and lists both; then the officer picks one, or scans the reference', async () => {
    const plate = newPlate();
    const a = await book(mekong, plate);
    const b = await book(lancang, plate.replace(/^(..)/, '$1·'));
    expect(b.plate).toBe(a.plate);
    const before = await waiting();

    const res = await checkIn({ plate }).expect(409);
    expect(res.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      code: 'ambiguous_plate',
      message: expect.stringContaining(a.plate),
    });
    expect(res.body.candidates).toHaveLength(2);
    expect(res.body.candidates).toEqual(
      expect.arrayContaining([
        { bookingId: a.bookingId, reference: a.reference, firmName: 'Mekong Reefer Lines' },
        { bookingId: b.bookingId, reference: b.reference, firmName: 'Lancang Haulage' },
      ]),
    );
    // Nothing moved: both still booked, the line and its version as they were.
    expect(await statuses(a.bookingId, b.bookingId)).toEqual(['booked', 'booked']);
    expect(await waiting()).toEqual(before);

    const picked = await checkIn({ plate, bookingId: b.bookingId }).expect(201);
    expect(picked.body).toMatchObject({ bookingId: b.bookingId, position: before.entries.length + 1 });
    expect(await statuses(a.bookingId, b.bookingId)).toEqual(['booked', 'checked_in']);
    // A second scan of the same truck is still ambiguous: it never takes the other firm's booking by itself.
    expect((await checkIn({ plate }).expect(409)).body.code).toBe('ambiguous_plate');
    expect((await checkIn({ plate, bookingId: b.bookingId }).expect(409)).body.code).toBe('already_checked_in');
    expect(await statuses(a.bookingId)).toEqual(['booked']);

    const byReference = await checkIn({ reference: a.reference.toLowerCase() }).expect(201);
    expect(byReference.body.bookingId).toBe(a.bookingId);
    expect((await checkIn({ reference: a.reference }).expect(409)).body.code).toBe('already_checked_in');
    expect((await waiting()).entries.map((e) => e.bookingId).slice(-2)).toEqual([b.bookingId, a.bookingId]);
  });

  it('a plate of one firm checks in as before', async () => {
    const t = await book(mekong, newPlate());
    expect((await checkIn({ plate: t.plate }).expect(201)).body.bookingId).toBe(t.bookingId);
    expect((await checkIn({ plate: t.plate }).expect(409)).body.code).toBe('already_checked_in');
  });

  it('with bookingId, only that booking and only if the plate is its plate; a reference only if active at this port', async () => {
    const t = await book(mekong, newPlate());
    const other = await book(lancang, newPlate());
    const notFound = async (body: Record<string, unknown>) =>
      expect((await checkIn(body).expect(404)).body).toMatchObject({ statusCode: 404, code: 'not_found' });
    await notFound({ plate: t.plate, bookingId: other.bookingId });
    await notFound({ plate: other.plate, bookingId: t.bookingId });
    await notFound({ plate: t.plate, bookingId: randomUUID() });
    await notFound({ reference: 'MOHAN-20000101-ZZZZ' });
    await api.http.post(`${API}/bookings/${other.bookingId}/cancel`).set(bearer(lancang.dispatcherToken)).expect(200);
    await notFound({ reference: other.reference });
    // Another port's staff, and another port's code, find nothing.
    const hekou = await api.http
      .post(`${API}/ports/HEKOU/staff`)
      .set(bearer(api.adminToken))
      .send({ email: `staff-${randomBytes(3).toString('hex')}@port.example`, password: 'staff-password' })
      .expect(201);
    const hekouStaff = api.tokens.sign({ sub: hekou.body.id, role: 'port_staff', portCode: 'HEKOU' });
    await api.http
      .post(`${API}/ports/HEKOU/check-ins`)
      .set(bearer(hekouStaff))
      .send({ reference: t.reference })
      .expect(404);
    await api.http
      .post(`${API}/ports/HEKOU/check-ins`)
      .set(bearer(api.adminToken))
      .send({ reference: t.reference })
      .expect(404);
    expect(await statuses(t.bookingId, other.bookingId)).toEqual(['booked', 'cancelled']);
  });

  it('takes exactly one of plate and reference, bookingId only with plate: 400 in the contract shape otherwise', async () => {
    const t = await book(mekong, newPlate());
    const bad = [
      {},
      { plate: t.plate, reference: t.reference },
      { reference: t.reference, bookingId: t.bookingId },
      { bookingId: t.bookingId },
      { plate: t.plate, bookingId: 'not-a-uuid' },
      { plate: null },
      { reference: 42 },
      { plate: t.plate, firm: 'Mekong' },
    ];
    for (const body of bad) {
      const res = await checkIn(body).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(Array) });
      expect(res.body.message.length).toBeGreaterThan(0);
    }
    expect((await checkIn({}).expect(400)).body.message).toContain('give plate or reference, exactly one of them');
    expect((await checkIn({ reference: t.reference, bookingId: t.bookingId }).expect(400)).body.message).toContain(
      'bookingId goes with plate only',
    );
    expect(await statuses(t.bookingId)).toEqual(['booked']);
  });

  it('100 simultaneous check-ins of one booking, by plate, plate and id, or reference, check it in once', async () => {
    const t = await book(lancang, newPlate());
    const forms = [
      { plate: t.plate },
      { plate: t.plate.replace(/^(..)/, '$1-'), bookingId: t.bookingId },
      { reference: t.reference },
    ];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => checkIn(forms[i % forms.length])));
    const byStatus = answers.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    expect(byStatus).toEqual({ 201: 1, 409: 99 });
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'already_checked_in')).toBe(true);
    expect((await waiting()).entries.filter((e) => e.bookingId === t.bookingId)).toHaveLength(1);
    expect(await statuses(t.bookingId)).toEqual(['checked_in']);
  });
});
