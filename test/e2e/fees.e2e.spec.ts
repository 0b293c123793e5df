import { DateTime } from 'luxon';
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
 * Published fees: a port admin publishes versions effective from a day; anyone reads the one in force and the
 * history; each booking carries the fees in force on its slot's day, so a change effective tomorrow leaves today's
 * bookings as they were. The API runs from 10:00 port time, so "today" and its slot holding now are the clock's.
 */
describe('published fees', () => {
  const PORT = 'HEKOU';
  let api: TestApi;
  let firm: TestFirm;
  const clock = portDayClock();
  const day = (plus: number) =>
    DateTime.fromJSDate(clock.now()).setZone('Asia/Shanghai').plus({ days: plus }).toISODate() as string;
  const items = (inspection: number) => [
    {
      code: 'inspection',
      name: { zh: '查验费', en: 'Inspection', vi: 'Phí kiểm tra' },
      amount: inspection,
      unit: 'per_truck',
    },
    { code: 'handling', name: { zh: '装卸费', en: 'Handling' }, amount: 12.5, unit: 'per_tonne' },
  ];

  beforeAll(async () => {
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Fee Payers', 2);
  });

  afterAll(() => api.close());

  it("a change effective tomorrow leaves today's bookings' fees as they were; tomorrow's bookings get it", async () => {
    await api.http.get(`${API}/ports/${PORT}/fees`).expect(404);
    const v1 = await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({ effectiveFrom: day(0), currency: 'CNY', items: items(100) })
      .expect(201);
    expect(v1.body).toMatchObject({ version: 1, effectiveFrom: day(0), currency: 'CNY' });
    const today = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT)).id, // the slot holding now (10:00): today at the port
        vehicleId: firm.vehicleIds[0],
        driverId: firm.driverIds[0],
        cargo: cargo({ weightKg: 20000 }),
      })
      .expect(201);
    // 100 per truck + 12.5 per tonne × 20 t.
    expect(today.body.fees).toMatchObject({ version: 1, currency: 'CNY', total: 350 });
    // The driver's page shows the same, each item named in the driver's language (createFirm's drivers speak zh).
    const driver = api.tokens.sign({ sub: today.body.id, role: 'driver', firmId: firm.id, portCode: PORT });
    const trip = (await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200)).body.trip;
    expect(trip.fees).toEqual({
      version: 1,
      currency: 'CNY',
      total: 350,
      items: [
        { code: 'inspection', name: '查验费', amount: 100, unit: 'per_truck' },
        { code: 'handling', name: '装卸费', amount: 12.5, unit: 'per_tonne' },
      ],
    });

    await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({ effectiveFrom: day(1), currency: 'CNY', items: items(160) })
      .expect(201);
    const again = await api.http.get(`${API}/bookings/${today.body.id}`).set(bearer(firm.dispatcherToken)).expect(200);
    expect(again.body.fees).toMatchObject({ version: 1, total: 350 });
    expect((await api.http.get(`${API}/ports/${PORT}/fees`).expect(200)).body).toMatchObject({ version: 1 });

    const tomorrow = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, 30)).id,
        vehicleId: firm.vehicleIds[1],
        driverId: firm.driverIds[1],
        cargo: cargo({ weightKg: 8000 }),
      })
      .expect(201);
    expect(tomorrow.body.fees).toMatchObject({ version: 2, total: 260 });
    const history = (await api.http.get(`${API}/ports/${PORT}/fees/history`).expect(200)).body as Array<{
      version: number;
      effectiveFrom: string;
    }>;
    expect(history.map((h) => [h.version, h.effectiveFrom])).toEqual([
      [2, day(1)],
      [1, day(0)],
    ]);
  });

  it('only port admins publish; the past cannot be rewritten; bad schedules are 400', async () => {
    const staff = await portStaffToken(api, PORT);
    const good = { effectiveFrom: day(2), currency: 'CNY', items: items(100) };
    await api.http.put(`${API}/ports/${PORT}/fees`).send(good).expect(401);
    await api.http.put(`${API}/ports/${PORT}/fees`).set(bearer(staff)).send(good).expect(403);
    await api.http.put(`${API}/ports/${PORT}/fees`).set(bearer(firm.adminToken)).send(good).expect(403);
    const past = await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({ ...good, effectiveFrom: day(-1) })
      .expect(422);
    expect(past.body.code).toBe('date_out_of_range');
    for (const bad of [
      { ...good, currency: 'yuan' },
      { ...good, items: [] },
      { ...good, items: [{ ...items(1)[0], amount: -1 }] },
      { ...good, items: [{ ...items(1)[0], amount: 1.234 }] },
      { ...good, items: [{ ...items(1)[0], unit: 'per_hour' }] },
      { ...good, items: [{ ...items(1)[0], name: { en: 'Inspection' } }] },
      { ...good, items: [items(1)[0], items(1)[0]] },
      { ...good, effectiveFrom: '2026-02-30' },
    ]) {
      await api.http.put(`${API}/ports/${PORT}/fees`).set(bearer(api.adminToken)).send(bad).expect(400);
    }
    await api.http.put(`${API}/ports/NOWHERE/fees`).set(bearer(api.adminToken)).send(good).expect(404);
  });
});
