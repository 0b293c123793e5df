import {
  API,
  bearer,
  cargo,
  counterpartToken,
  createFirm,
  crews,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';
import { portTime, TestClock } from '../support/test-clock';

const DAY = '2026-12-08';

interface BookingRow {
  id: string;
  status: string;
  slot_id: string;
}

/**
 * Capacity follows acceptance (issue 20, item 2): an acceptance cut moves the most recently booked beyond a slot's
 * share to the next slot with room, or has the port cancel them; each driver and firm is told once, none gets a
 * strike; and bookings racing the cut never leave a slot above its capacity.
 */
describe('counterpart capacity (real Postgres, Redis and the worker)', () => {
  const clock = new TestClock();
  let api: TestApi;

  beforeAll(async () => {
    // A Monday morning at the port, the clock running: each booking is stamped a little after the one before.
    clock.run(portTime('2026-12-07', '09:00:00'));
    api = await startApi({}, { clock });
    await api.worker({ NOTIFY_CHANNELS: 'socket,sms' });
  });
  afterAll(() => api.close());

  /** Books one truck of `firm` per slot id, in order, one after the other; returns the booking ids. */
  async function bookInOrder(firm: TestFirm, slotIds: string[]): Promise<string[]> {
    const fleet = await crews(api, firm, slotIds.length);
    const ids: string[] = [];
    for (const [i, slotId] of slotIds.entries()) {
      const res = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId, vehicleId: fleet[i].vehicleId, driverId: fleet[i].driverId, cargo: cargo() })
        .expect(201);
      ids.push(res.body.id as string);
    }
    return ids;
  }

  const bookings = async (ids: string[]): Promise<Map<string, BookingRow>> =>
    new Map(
      (await api.ds.query<BookingRow[]>('SELECT id, status, slot_id FROM bookings WHERE id = ANY($1)', [ids])).map(
        (b) => [b.id, b],
      ),
    );

  /** Every slot of the port: booked counts what it holds, and never more than its capacity. */
  async function countersHold(port: string): Promise<void> {
    const off = await api.ds.query(
      `SELECT sl.id, sl.booked, sl.capacity, (SELECT count(*)::int FROM bookings b
         WHERE b.slot_id = sl.id AND b.status IN ('booked', 'checked_in', 'called')) AS held
       FROM slots sl WHERE sl.port_code = $1`,
      [port],
    );
    expect(
      off.filter(
        (s: { booked: number; capacity: number; held: number }) => s.booked > s.capacity || s.booked !== s.held,
      ),
    ).toEqual([]);
  }

  it('a cut moves the most recently booked beyond each share to the next slot with room, in that order', async () => {
    const PORT = 'MOHAN';
    await putSchedule(api, PORT, { capacity: { export: 4, import: 4 }, firmQuotaPercent: 100 });
    const firm = await createFirm(api, 'Boten Run Freight', 0);
    const [s08, s09, s10, s11] = await slotsOf(api, PORT, DAY);
    // b1…b4 into 08:00, then b5…b8 into 09:00, in that order.
    const ids = await bookInOrder(firm, [...Array(4).fill(s08.id), ...Array(4).fill(s09.id)]);
    const officer = await counterpartToken(api, PORT);
    await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: DAY, windows: [{ from: '08:00', to: '10:00', trucks: 3 }] })
      .expect(200);
    const after = await bookings(ids);
    const slotOf = (i: number) => after.get(ids[i])!.slot_id;
    // 08:00 keeps b1, b2 (its share is 2); b4 then b3 move to 10:00 (09:00 is over its own share).
    // 09:00 keeps b5 (share 1); b8, b7 fill 10:00, b6 goes on to 11:00.
    expect(ids.map((_, i) => slotOf(i))).toEqual([s08.id, s08.id, s10.id, s10.id, s09.id, s11.id, s10.id, s10.id]);
    expect([...after.values()].every((b) => b.status === 'booked')).toBe(true);
    const events = await api.ds.query<Array<{ booking_id: string; data: Record<string, unknown> }>>(
      `SELECT booking_id, data FROM booking_events WHERE type = 'booking.rescheduled' ORDER BY seq`,
    );
    // In that order: 08:00's most recent first, then 09:00's.
    expect(events.map((e) => e.booking_id)).toEqual([ids[3], ids[2], ids[7], ids[6], ids[5]]);
    expect(events.every((e) => e.data.reason === 'counterpart_capacity')).toBe(true);
    const slots = await slotsOf(api, PORT, DAY);
    expect(slots.slice(0, 5).map((s) => [s.capacity, s.booked])).toEqual([
      [2, 2],
      [1, 1],
      [4, 4],
      [4, 1],
      [4, 0],
    ]);
    // Each driver told once, by text and on its socket, in its language; the firm by the event (webhooks follow it).
    const told = await until('the moved drivers told', async () => {
      const rows = await api.ds.query<Array<{ booking_id: string; channel: string; kind: string; text: string }>>(
        `SELECT booking_id, channel, payload ->> 'kind' AS kind, payload ->> 'text' AS text FROM notifications
         WHERE payload ->> 'kind' = 'moved' ORDER BY id`,
      );
      return rows.length === 10 && rows;
    });
    expect(
      told
        .filter((n) => n.channel === 'sms')
        .map((n) => n.booking_id)
        .sort(),
    ).toEqual([ids[2], ids[3], ids[5], ids[6], ids[7]].sort());
    expect(told[0].text).toContain('对方口岸');
    const strikes = await api.http.get(`${API}/firms/${firm.id}/standing`).set(bearer(firm.adminToken)).expect(200);
    expect(strikes.body.strikes30d).toBe(0);
    await countersHold(PORT);
  });

  it('those with no room within the horizon are cancelled by the port with that reason, no strike; a rise moves nobody back', async () => {
    const PORT = 'HEKOU';
    // Two slots a day and tomorrow the last day bookable: nothing later has room.
    await putSchedule(api, PORT, {
      capacity: { export: 2, import: 2 },
      firmQuotaPercent: 100,
      openFrom: '08:00',
      openTo: '10:00',
      horizonDays: 1,
    });
    const firm = await createFirm(api, 'Lao Cai Lines', 0);
    const [s08, s09] = await slotsOf(api, PORT, DAY);
    const ids = await bookInOrder(firm, [s08.id, s08.id, s09.id, s09.id]);
    const officer = await counterpartToken(api, PORT);
    await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: DAY, windows: [{ from: '08:00', to: '10:00', trucks: 1 }] })
      .expect(200);
    const after = await bookings(ids);
    expect(ids.map((id) => after.get(id)!.status)).toEqual(['booked', 'cancelled', 'cancelled', 'cancelled']);
    const cancelled = await api.ds.query<Array<{ booking_id: string; data: Record<string, unknown> }>>(
      `SELECT booking_id, data FROM booking_events WHERE type = 'booking.cancelled' AND port_code = $1 ORDER BY seq`,
      [PORT],
    );
    expect(cancelled.map((e) => e.booking_id)).toEqual([ids[1], ids[3], ids[2]]);
    expect(cancelled.every((e) => e.data.reason === 'counterpart_capacity' && e.data.by === 'port')).toBe(true);
    await until('the cancelled drivers told', async () => {
      const [{ n }] = await api.ds.query(
        `SELECT count(*)::int AS n FROM notifications WHERE channel = 'sms' AND payload ->> 'kind' = 'cancelled'
         AND booking_id = ANY($1)`,
        [ids],
      );
      return n === 3;
    });
    const standing = await api.http.get(`${API}/firms/${firm.id}/standing`).set(bearer(firm.adminToken)).expect(200);
    expect(standing.body.strikes30d).toBe(0);
    // The far side takes more again: places reopen, nobody moves back.
    await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: DAY, windows: [{ from: '08:00', to: '10:00', trucks: 4 }] })
      .expect(200);
    expect((await slotsOf(api, PORT, DAY)).map((s) => [s.capacity, s.booked])).toEqual([
      [2, 1],
      [2, 0],
    ]);
    expect([...(await bookings(ids)).values()].filter((b) => b.status === 'booked')).toHaveLength(1);
    await countersHold(PORT);
  });

  it('acceptance cuts racing 200 simultaneous bookings never leave a slot above its capacity', async () => {
    const PORT = 'RUILI';
    await putSchedule(api, PORT, { capacity: { export: 50, import: 50 }, firmQuotaPercent: 100 });
    const firm = await createFirm(api, 'Muse Convoy', 0);
    const fleet = await crews(api, firm, 200);
    const slots = (await slotsOf(api, PORT, DAY)).slice(0, 4);
    const officer = await counterpartToken(api, PORT);
    const booked = fleet.map((crew, i) =>
      api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slots[i % 4].id, vehicleId: crew.vehicleId, driverId: crew.driverId, cargo: cargo() })
        .then((r) => r),
    );
    const cut = api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: DAY, windows: [{ from: '08:00', to: '12:00', trucks: 40 }] });
    const [answers, cutAnswer] = await Promise.all([Promise.all(booked), cut]);
    expect(cutAnswer.status).toBe(200);
    const made = answers.filter((r) => r.status === 201).map((r) => r.body.id as string);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 409 && r.body.code === 'slot_full')).toBe(true);
    expect(made.length + refused.length).toBe(200);
    await countersHold(PORT);
    const now = await slotsOf(api, PORT, DAY);
    expect(now.slice(0, 4).every((s) => s.capacity === 10 && s.booked <= 10)).toBe(true);
    // Every booking made is accounted for: in a slot of the day, or cancelled by the port with the reason.
    const rows = await bookings(made);
    expect(rows.size).toBe(made.length);
    for (const b of rows.values()) {
      if (b.status === 'booked') expect(now.some((s) => s.id === b.slot_id)).toBe(true);
      else expect(b.status).toBe('cancelled');
    }
    const moved = await api.ds.query(
      `SELECT count(*)::int AS n FROM booking_events WHERE port_code = $1 AND type = 'booking.rescheduled'
       AND data ->> 'reason' = 'counterpart_capacity'`,
      [PORT],
    );
    const inFirstFour = [...rows.values()].filter((b) => slots.some((s) => s.id === b.slot_id)).length;
    expect(inFirstFour + moved[0].n).toBe(made.length);
  }, 180_000);
});
