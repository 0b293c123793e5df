import { DateTime } from 'luxon';
import {
  API,
  bearer,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  regulatorToken,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { bookInto, moveBack, settle } from '../support/history';

/** GET /ports/performance: every road port side by side, checked against outcomes seeded at two ports. */
describe('port performance', () => {
  let api: TestApi;
  let firm: TestFirm;
  // The API at 10:00 port time: the days below are counted from its day, so the slots booked ahead exist and the
  // ranges' limits fall where the test says whatever the hour the suite runs at.
  const clock = portDayClock();
  /** The date `n` days from the API's today at the port. */
  const clockDate = (n: number) =>
    DateTime.fromJSDate(clock.now()).setZone('Asia/Shanghai').plus({ days: n }).toISODate() as string;
  const range = { from: clockDate(-4), to: clockDate(-2) };

  const slotAtHour = async (port: string, date: string, hour: string) =>
    (await slotsOf(api, port, date)).find((s) => s.startsAt.slice(11, 16) === hour)!.id;
  const report = (token: string, query: Record<string, string> = range) =>
    api.http.get(`${API}/ports/performance`).set(bearer(token)).query(query);

  beforeAll(async () => {
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Performance Freight', 7);
    await putSchedule(api, 'MOHAN', {
      ...OPENING_HOURS,
      capacity: { export: 10, import: 10 },
      firmQuotaPercent: 100,
    });
    await putSchedule(api, 'HEKOU', {
      ...OPENING_HOURS,
      capacity: { export: 4, import: 4 },
      firmQuotaPercent: 100,
    });

    // Mohan, a 10-place slot three days ago: 5 booked, one cancelled.
    const mohan = await slotAtHour('MOHAN', clockDate(2), '10:00');
    const m = await bookInto(api, firm, mohan, 5);
    await api.http.post(`${API}/bookings/${m[4]}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    await moveBack(api, mohan, 5);
    await settle(api, m[0], { status: 'completed', checkIn: -30, wait: 10, service: 8, yard: 20 });
    await settle(api, m[1], { status: 'completed', checkIn: 20, wait: 30, service: 8 });
    await settle(api, m[2], { status: 'completed', checkIn: 70, wait: 50, service: 8 }); // after the slot's end: late
    await settle(api, m[3], { status: 'no_show' });

    // Hekou, a 4-place slot three days ago: one served, one no-show.
    const hekou = await slotAtHour('HEKOU', clockDate(2), '09:00');
    const h = await bookInto(api, firm, hekou, 2, 5);
    await moveBack(api, hekou, 5);
    await settle(api, h[0], { status: 'completed', checkIn: -10, wait: 5, service: 8 });
    await settle(api, h[1], { status: 'no_show' });
  });
  afterAll(() => api.close());

  it('matches the hand calculation for every road port, side by side', async () => {
    const NONE = { p50: null, p90: null, count: 0 };
    const res = await report(await regulatorToken(api)).expect(200);
    const rows = res.body as Array<{ port: string }>;
    expect(rows.map((r) => r.port)).toEqual([...rows.map((r) => r.port)].sort());
    expect(rows.find((r) => r.port === 'KMG')).toBeUndefined(); // an airport takes no bookings
    expect(rows.find((r) => r.port === 'MOHAN')).toEqual({
      port: 'MOHAN',
      name: expect.any(String),
      bookings: 4,
      offered: 10,
      trucksServed: 3,
      // waits 10, 30, 50: p90 interpolated at 0.9 × 2 = 1.8 → 30 + 0.8 × 20 = 46.
      wait: { mean: 30, p90: 46 },
      noShowRate: 0.25, // 1 no-show of 4 decided (3 checked in + 1 no-show)
      onTimeRate: 0.667, // 2 of 3 checked in before the slot ended
      slotUse: 0.4, // 4 of 10 places
      laneToYardMinutes: { mean: 20, p90: 20 },
      // In seconds; no lane camera saw these trucks, so no call → lane nor lane service. One reached the yard: 12
      // min after its completion (call + 8), 30 min after its check-in.
      stageSeconds: {
        holdingWait: { p50: 1800, p90: 2760, count: 3 },
        callToLane: NONE,
        laneService: NONE,
        laneToYard: { p50: 720, p90: 720, count: 1 },
        turnTime: { p50: 1800, p90: 1800, count: 1 },
      },
    });
    expect(rows.find((r) => r.port === 'HEKOU')).toEqual({
      port: 'HEKOU',
      name: expect.any(String),
      bookings: 2,
      offered: 4,
      trucksServed: 1,
      wait: { mean: 5, p90: 5 },
      noShowRate: 0.5,
      onTimeRate: 1,
      slotUse: 0.5,
      laneToYardMinutes: { mean: null, p90: null },
      stageSeconds: {
        holdingWait: { p50: 300, p90: 300, count: 1 },
        callToLane: NONE,
        laneService: NONE,
        laneToYard: NONE,
        turnTime: NONE,
      },
    });
    expect(rows.find((r) => r.port === 'TIANBAO')).toEqual({
      port: 'TIANBAO',
      name: expect.any(String),
      bookings: 0,
      offered: 0,
      trucksServed: 0,
      wait: { mean: null, p90: null },
      noShowRate: null,
      onTimeRate: null,
      slotUse: null,
      laneToYardMinutes: { mean: null, p90: null },
      stageSeconds: { holdingWait: NONE, callToLane: NONE, laneService: NONE, laneToYard: NONE, turnTime: NONE },
    });
    // The same answer for a port admin; outside the range, nothing.
    expect((await report(api.adminToken).expect(200)).body).toEqual(res.body);
    const before = await report(api.adminToken, { from: clockDate(-10), to: clockDate(-5) }).expect(200);
    expect((before.body as Array<{ bookings: number }>).every((r) => r.bookings === 0)).toBe(true);
  });

  it('is for regulators and port admins; bad ranges are 400; /ports/:code still answers', async () => {
    await api.http.get(`${API}/ports/performance`).query(range).expect(401);
    await report(await portStaffToken(api, 'MOHAN')).expect(403);
    await report(firm.dispatcherToken).expect(403);
    await report(firm.adminToken).expect(403);
    for (const query of [
      { from: range.to, to: range.from },
      { from: clockDate(-100), to: clockDate(-1) },
      { from: '2026-02-30', to: '2026-03-02' },
      { from: 'yesterday', to: range.to },
      { from: range.from },
    ]) {
      const res = await report(api.adminToken, query as Record<string, string>).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.anything() });
    }
    expect(
      (await report(api.adminToken, { from: clockDate(-92), to: clockDate(-1) }).expect(200)).body.length,
    ).toBeGreaterThan(2);
    expect((await api.http.get(`${API}/ports/MOHAN`).expect(200)).body.code).toBe('MOHAN');
    expect(
      (await api.http.get(`${API}/ports/performance/forecast`).set(bearer(api.adminToken)).expect(404)).body.statusCode,
    ).toBe(404);
  });
});
