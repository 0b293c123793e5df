import {
  API,
  bearer,
  createFirm,
  portDate,
  portStaffToken,
  putSchedule,
  regulatorToken,
  startApi,
  TestApi,
  slotsOf,
  TestFirm,
} from '../support/harness';
import { certainQueue } from '../support/certain-queue';
import { bookInto, moveBack, settle } from '../support/history';
import { portTime, TestClock } from '../support/test-clock';

/**
 * GET /ports/:code/outlook on a hand-built queue at 10:00 (issue 23, `certainQueue`): 12 minutes a truck measured
 * with no spread, nine trucks waiting in the 10:00 slot, one lane, no booked truck still to come. Everything is then
 * certain, so the answer is a hand calculation.
 */
describe('outlook', () => {
  const PORT = 'TIANBAO';
  const day = portDate(1);
  const at = (time: string) => portTime(day, time).toISOString();
  const clock = new TestClock().set(portTime(day, '10:00:00'));
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let waiting: string[] = [];

  const outlookOf = (token: string, query: Record<string, string | number> = {}, port = PORT) =>
    api.http
      .get(`${API}/ports/${port}/outlook`)
      .set(bearer(token))
      .query({ direction: 'export', ...query });

  beforeAll(async () => {
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, { capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Outlook Freight', 20);
    staff = await portStaffToken(api, PORT);
    waiting = (await certainQueue(api, clock, firm, staff, PORT, day, 9)).waiting;
  });
  afterAll(() => api.close());

  it('equals the hand calculation: one lane, 12 minutes a truck, nine waiting', async () => {
    const res = await outlookOf(staff).expect(200);
    const o = res.body;
    expect(o.asOf).toBe(at('10:00:00'));
    expect(o.basis).toMatchObject({ serviceMinutes: 12, serviceCv: 0, served: 10, runs: 100 });
    // The 08:00 slot's window closed at 09:30 (its ten came), the history's twenty came, none absent.
    expect(o.basis).toMatchObject({
      showUpFrom: 'today',
      decidedToday: 10,
      showUpRate: 1,
      skipRate: 0,
      timeoutRate: 0,
    });
    expect(o.lanesWorking).toBe(1);
    // Calls at 10:00, 10:12, …, 11:36: the ninth leaves the line at 11:36.
    expect(o.clearsAt).toEqual({ p10: at('11:36:00'), p50: at('11:36:00'), p90: at('11:36:00') });
    // 10:00 (after the first call) 8; 11:00 (six called by 11:00) 3; 12:00 none; the hours run to midnight.
    expect(o.hours.slice(0, 3).map((h: { hour: string; waiting: unknown }) => [h.hour, h.waiting])).toEqual([
      [at('10:00:00'), { p10: 8, p50: 8, p90: 8 }],
      [at('11:00:00'), { p10: 3, p50: 3, p90: 3 }],
      [at('12:00:00'), { p10: 0, p50: 0, p90: 0 }],
    ]);
    expect(o.hours).toHaveLength(14);
    // In bays at 10:00: the waiting trucks that have one, but the first (its call frees its bay).
    const [{ bays }] = await api.ds.query(
      `SELECT count(*)::int AS bays FROM bookings WHERE id = ANY($1) AND id <> $2 AND bay IS NOT NULL`,
      [waiting, waiting[0]],
    );
    expect(o.hours[0].holding.p50).toBe(bays);
    // The window of the 10:00 slot closes at 11:30: the ninth truck, called at 11:36, misses it in every run.
    expect(o.atRisk).toEqual([
      {
        bookingId: waiting[8],
        plateMasked: expect.stringContaining('·***'),
        windowClosesAt: at('11:30:00'),
        probability: 1,
      },
    ]);
    expect(o.atRiskTotal).toBe(1);
  });

  it('answers a what-if beside the plan: one more lane clears at 10:48, nobody at risk; a pause clears later', async () => {
    const res = await outlookOf(staff, { lanes: 2 }).expect(200);
    expect(res.body.clearsAt.p50).toBe(at('11:36:00'));
    // Two lanes from 10:00: calls at 10:00 (2), 10:12 (2), 10:24 (2), 10:36 (2), 10:48.
    expect(res.body.whatIf.clearsAt).toEqual({ p10: at('10:48:00'), p50: at('10:48:00'), p90: at('10:48:00') });
    expect(res.body.whatIf.atRisk).toEqual([]);
    expect(res.body.whatIf.change).toEqual({ lanes: 2, lanesFrom: at('10:00:00') });
    const later = await outlookOf(staff, { lanes: '2@10:30' }).expect(200);
    // From 10:30 (calls 10:00, 10:12, 10:24 on lane 1, then 10:30, 10:36, …, one every 6 minutes): the ninth at 11:00.
    expect(later.body.whatIf.clearsAt.p50).toBe(at('11:00:00'));
    const paused = await outlookOf(staff, { pause: '30@10:30' }).expect(200);
    // Calls 10:00, 10:12, 10:24; none 10:30–11:00; then 11:00, 11:12, …: the ninth at 12:00.
    expect(paused.body.whatIf.clearsAt.p50).toBe(at('12:00:00'));
    const slower = await outlookOf(staff, { serviceMinutes: 15 }).expect(200);
    expect(slower.body.whatIf.clearsAt.p50).toBe(at('12:00:00'));
  });

  it('gives the same answer for the same queue version, and a new one when the line changes', async () => {
    const first = (await outlookOf(staff).expect(200)).body;
    clock.set(portTime(day, '10:00:20'));
    const again = (await outlookOf(api.adminToken).expect(200)).body;
    expect(again).toEqual(first);
    const lane = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes.find(
      (l: { direction: string }) => l.direction === 'export',
    ).id;
    await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
    const after = (await outlookOf(staff).expect(200)).body;
    expect(after.version).toBeGreaterThan(first.version);
    expect(after.asOf).toBe(at('10:00:20'));
    // The called truck holds the lane until 10:12:20; eight wait: the last is called 7 × 12 minutes later.
    expect(after.clearsAt.p50).toBe(at('11:36:20'));
  });

  it("suggests tomorrow's capacity a slot: about lanes × 60 / service minutes / show-up, for port admins only", async () => {
    const res = await api.http.get(`${API}/ports/${PORT}/outlook/capacity`).set(bearer(api.adminToken)).expect(200);
    expect(res.body.date).toBe(portDate(2));
    const of = (d: string) => res.body.directions.find((x: { direction: string }) => x.direction === d);
    // Export: today's 12 minutes measured, one lane, all come (today and the history), at the slot's start: 60 / 12 = 5.
    expect(of('export')).toMatchObject({ lanes: 1, serviceMinutes: 12, showUpRate: 1, current: 20 });
    expect(of('export').capacity).toBeGreaterThanOrEqual(4);
    expect(of('export').capacity).toBeLessThanOrEqual(6);
    // Import: the schedule's 8 minutes (nothing measured): 60 / 8 = 7.5.
    expect(of('import')).toMatchObject({ lanes: 1, serviceMinutes: 8 });
    expect(of('import').capacity).toBeGreaterThanOrEqual(6);
    expect(of('import').capacity).toBeLessThanOrEqual(9);
    await api.http.get(`${API}/ports/${PORT}/outlook/capacity`).set(bearer(staff)).expect(403);
  });

  it("measures show-up from today's closed windows and absent trucks from the 28 days", async () => {
    const other = 'HEKOU';
    await putSchedule(api, other, { capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    const absent = await createFirm(api, 'Absent Freight', 20);
    const slotAt = async (hour: string) =>
      (await slotsOf(api, other, day, 'export')).find((s) => s.startsAt.slice(11, 16) === hour)!.id;
    // Booked while the clock stood at 08:00 (a slot that has started takes no booking), then settled.
    const was = clock.now();
    clock.set(portTime(day, '08:00:00'));
    // A week ago: twenty called, all came; two skipped once, one put back by a called timeout, one gone (two).
    const week = await slotAt('09:00');
    const past = await bookInto(api, absent, week, 20);
    await moveBack(api, week, 7);
    for (const id of past.slice(0, 19)) await settle(api, id, { status: 'completed', checkIn: 0, wait: 5, service: 8 });
    await settle(api, past[19], { status: 'no_show', checkIn: 0, wait: 5 });
    await api.ds.query(`UPDATE bookings SET called_timeouts = 1 WHERE id = ANY($1)`, [past.slice(18)]);
    await api.ds.query(
      `INSERT INTO booking_events (type, booking_id, firm_id, port_code, data, occurred_at)
       SELECT 'booking.requeued', id, firm_id, port_code, '{"reason": "skipped"}', checked_in_at FROM bookings WHERE id = ANY($1)`,
      [past.slice(0, 2)],
    );
    // Today's 08:00 slot (its window closed at 09:30): ten booked, seven came.
    const today = await bookInto(api, absent, await slotAt('08:00'), 10);
    for (const id of today.slice(0, 7)) await settle(api, id, { status: 'completed', checkIn: 0, wait: 5, service: 8 });
    clock.set(was);
    const o = (await outlookOf(api.adminToken, {}, other).expect(200)).body;
    // Show-up: today's 7 of 10 with the history's 20 of 20 counted as ten bookings: (7 + 10) / 20.
    expect(o.basis).toMatchObject({
      showUpFrom: 'today',
      decidedToday: 10,
      showUpRate: 0.85,
      measured: true,
      skipRate: 0.1,
      timeoutRate: 0.1,
    });
  });

  it('is for port admins and the staff of the port: other staff 404, firms and regulators 403, bad queries 400', async () => {
    await outlookOf(await portStaffToken(api, 'HEKOU')).expect(404);
    await outlookOf(firm.adminToken).expect(403);
    await outlookOf(firm.dispatcherToken).expect(403);
    await outlookOf(await regulatorToken(api)).expect(403);
    await api.http.get(`${API}/ports/${PORT}/outlook`).query({ direction: 'export' }).expect(401);
    await api.http.get(`${API}/ports/${PORT}/outlook`).set(bearer(staff)).expect(400);
    const bads: Array<Record<string, string | number>> = [
      { lanes: 'two' },
      { lanes: '3@25:00' },
      { serviceMinutes: 0 },
      { capacity: -1 },
      { pause: '0' },
    ];
    for (const bad of bads) expect((await outlookOf(staff, bad)).status).toBe(400);
    await outlookOf(api.adminToken, {}, 'NOWHERE').expect(404);
  });
});
