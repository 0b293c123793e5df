import {
  API,
  bearer,
  createFirm,
  portDate,
  portStaffToken,
  putSchedule,
  regulatorToken,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { bookInto, moveBack, settle } from '../support/history';

/**
 * GET /ports/:code/forecast on a seeded day, checked against a hand calculation: a measured history at Tianbao
 * (booked through the API, then moved into the past and given outcomes), tomorrow's bookings, and the defaults at
 * a port without history.
 */
describe('forecast', () => {
  const PORT = 'TIANBAO';
  const tomorrow = portDate(1);
  let api: TestApi;
  let firm: TestFirm;

  const slotAtHour = async (port: string, date: string, hour: string, direction = 'export') =>
    (await slotsOf(api, port, date, direction)).find((s) => s.startsAt.slice(11, 16) === hour)!.id;
  const forecastOf = (port: string, token: string, query: Record<string, string> = { date: tomorrow }) =>
    api.http.get(`${API}/ports/${port}/forecast`).set(bearer(token)).query(query);

  beforeAll(async () => {
    api = await startApi();
    const open = { capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 };
    await putSchedule(api, PORT, open);
    await putSchedule(api, 'HEKOU', open);
    firm = await createFirm(api, 'Forecast Freight', 20);

    // History: 20 trucks in the 10:00 export slot three days ahead, moved 8 days back (5 days ago, inside the 28-day window).
    const slot = await slotAtHour(PORT, portDate(3), '10:00');
    const ids = await bookInto(api, firm, slot, 20);
    await moveBack(api, slot, 8);
    // 4 no-shows; 4 checked in 30 min before the start (hour -1), 12 ten minutes after it (hour 0); 20 min at the lane each.
    for (const id of ids.slice(0, 4)) await settle(api, id, { status: 'no_show' });
    for (const id of ids.slice(4, 8))
      await settle(api, id, { status: 'completed', checkIn: -30, wait: 5, service: 20 });
    for (const id of ids.slice(8)) await settle(api, id, { status: 'completed', checkIn: 10, wait: 5, service: 20 });
    // A cancelled booking in the window counts nowhere.
    const cancelled = await bookInto(api, firm, await slotAtHour(PORT, portDate(2), '12:00'), 1, 0);
    await api.http.post(`${API}/bookings/${cancelled[0]}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    await moveBack(api, await slotAtHour(PORT, portDate(2), '12:00'), 4);

    // Tomorrow: 5 export trucks at 10:00, 5 at 11:00, one import truck at 08:00.
    await bookInto(api, firm, await slotAtHour(PORT, tomorrow, '10:00'), 5, 0);
    await bookInto(api, firm, await slotAtHour(PORT, tomorrow, '11:00'), 5, 5);
    await bookInto(api, firm, await slotAtHour(PORT, tomorrow, '08:00', 'import'), 1, 10);
  });
  afterAll(() => api.close());

  it('matches the hand calculation from the measured history', async () => {
    const staff = await portStaffToken(api, PORT);
    const res = await forecastOf(PORT, staff).expect(200);
    const shift = (days: number) =>
      new Date(Date.parse(`${tomorrow}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    expect(res.body.port).toBe(PORT);
    expect(res.body.date).toBe(tomorrow);
    // show-up 16 / 20 = 0.8; offsets 4 / 16 = 0.25 at -1, 12 / 16 = 0.75 at 0; export service 20 min measured, import the default 8.
    expect(res.body.basis).toEqual({
      fromDate: shift(-28),
      toDate: shift(-1),
      decided: 20,
      checkedIn: 16,
      measured: true,
      showUpRate: 0.8,
      arrivalOffsets: [
        { hours: -1, share: 0.25 },
        { hours: 0, share: 0.75 },
      ],
      serviceMinutes: { export: 20, import: 8 },
    });
    const hours = res.body.hours as Array<{
      hour: string;
      direction: string;
      booked: number;
      expectedArrivals: number;
      lanesNeeded: number;
      lanes: number;
      short: boolean;
    }>;
    expect(hours).toHaveLength(48);
    expect(hours.slice(0, 4).map((h) => `${h.hour} ${h.direction}`)).toEqual([
      '00:00 export',
      '00:00 import',
      '01:00 export',
      '01:00 import',
    ]);
    const busy = hours.filter((h) => h.booked > 0 || h.expectedArrivals > 0);
    expect(busy).toEqual([
      // import 08:00 slot: 1 × 0.8 × 0.25 = 0.2 at 07:00, 1 × 0.8 × 0.75 = 0.6 at 08:00; ceil(0.6 × 8 / 60) = 1.
      { hour: '07:00', direction: 'import', booked: 0, expectedArrivals: 0.2, lanesNeeded: 1, lanes: 1, short: false },
      { hour: '08:00', direction: 'import', booked: 1, expectedArrivals: 0.6, lanesNeeded: 1, lanes: 1, short: false },
      // 09:00: 5 × 0.8 × 0.25 = 1.0 → ceil(1 × 20 / 60) = 1.
      { hour: '09:00', direction: 'export', booked: 0, expectedArrivals: 1, lanesNeeded: 1, lanes: 1, short: false },
      // 10:00: 5 × 0.8 × 0.75 + 5 × 0.8 × 0.25 = 4.0 → ceil(4 × 20 / 60) = 2 lanes, the port has 1.
      { hour: '10:00', direction: 'export', booked: 5, expectedArrivals: 4, lanesNeeded: 2, lanes: 1, short: true },
      // 11:00: 5 × 0.8 × 0.75 = 3.0 → ceil(3 × 20 / 60) = 1.
      { hour: '11:00', direction: 'export', booked: 5, expectedArrivals: 3, lanesNeeded: 1, lanes: 1, short: false },
    ]);
    expect(hours.filter((h) => !busy.includes(h)).every((h) => h.lanesNeeded === 0 && !h.short)).toBe(true);
    // Without a date: tomorrow at the port.
    expect((await forecastOf(PORT, api.adminToken, {}).expect(200)).body.date).toBe(tomorrow);
  });

  it("uses the simulator's defaults at a port without history", async () => {
    await bookInto(api, firm, await slotAtHour('HEKOU', tomorrow, '14:00'), 10, 10);
    const res = await forecastOf('HEKOU', api.adminToken).expect(200);
    expect(res.body.basis).toMatchObject({
      decided: 0,
      checkedIn: 0,
      measured: false,
      showUpRate: 0.92,
      arrivalOffsets: [
        { hours: -1, share: 0.75 },
        { hours: 0, share: 0.25 },
      ],
      serviceMinutes: { export: 8, import: 8 },
    });
    const busy = (res.body.hours as Array<{ expectedArrivals: number; booked: number }>).filter(
      (h) => h.booked > 0 || h.expectedArrivals > 0,
    );
    // 13:00: 10 × 0.92 × 0.75 = 6.9 → ceil(6.9 × 8 / 60) = 1; 14:00: 10 × 0.92 × 0.25 = 2.3 → 1.
    expect(busy).toEqual([
      { hour: '13:00', direction: 'export', booked: 0, expectedArrivals: 6.9, lanesNeeded: 1, lanes: 1, short: false },
      { hour: '14:00', direction: 'export', booked: 10, expectedArrivals: 2.3, lanesNeeded: 1, lanes: 1, short: false },
    ]);
  });

  it("is for port admins and the port's own staff; bad input is 400", async () => {
    const path = `${API}/ports/${PORT}/forecast`;
    await api.http.get(path).query({ date: tomorrow }).expect(401);
    await forecastOf(PORT, await portStaffToken(api, 'HEKOU')).expect(404);
    await forecastOf(PORT, firm.dispatcherToken).expect(403);
    await forecastOf(PORT, await regulatorToken(api)).expect(403);
    await forecastOf(PORT, await portStaffToken(api, PORT, 'yard_staff')).expect(403);
    for (const date of ['tomorrow', '2026-02-30', '2026-13-01']) {
      const res = await forecastOf(PORT, api.adminToken, { date }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.anything() });
    }
    await forecastOf('NOWHERE', api.adminToken).expect(404);
    await forecastOf('KMG', api.adminToken).expect(404);
    await forecastOf('a_b', api.adminToken).expect(400);
  });
});
