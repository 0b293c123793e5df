import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt as slotOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

/**
 * Check-in, queue order, bays, lanes and outcomes through HTTP. Every port used here is open 08:00–20:00 and the
 * API's clock runs from 10:00 port time: the slot holding "now" exists and its check-in window is open, and a slot a
 * few hours ahead is on the same port day, whatever the hour the suite runs at.
 */
describe('live queue (REST)', () => {
  const clock = portDayClock();
  let api: TestApi;
  let firm: TestFirm;
  let plateSeq = 0;

  const staffToken = (port: string) => portStaffToken(api, port);

  const openDay = (port: string, over: Record<string, unknown> = {}) =>
    putSchedule(api, port, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
      ...over,
    });

  /** The export slot containing now + hoursAhead. */
  const slotAt = (port: string, hoursAhead = 0) => slotOf(api, port, hoursAhead);

  interface Truck {
    bookingId: string;
    reference: string;
    driverCode: string;
    plate: string;
  }

  const book = async (slotId: string, opts: { perishable?: boolean; reefer?: boolean } = {}): Promise<Truck> => {
    plateSeq += 1;
    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN', reefer: opts.reefer ?? false })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId,
        vehicleId: v.body.id,
        driverId: firm.driverIds[0],
        cargo: cargo({ perishable: opts.perishable ?? false }),
      })
      .expect(201);
    return { bookingId: b.body.id, reference: b.body.reference, driverCode: b.body.driverCode, plate: v.body.plate };
  };

  const checkIn = (port: string, token: string, plate: string) =>
    api.http.post(`${API}/ports/${port}/check-ins`).set(bearer(token)).send({ plate });

  const queueOrder = async (port: string) => {
    const res = await api.http.get(`${API}/ports/${port}/queue`).query({ direction: 'export' }).expect(200);
    return res.body as {
      version: number;
      entries: Array<{ position: number; plateMasked: string; priority: boolean }>;
    };
  };

  const statusOf = async (id: string) =>
    (await api.ds.query('SELECT status, bay, parking_area_id FROM bookings WHERE id = $1', [id]))[0] as {
      status: string;
      bay: number | null;
      parking_area_id: string | null;
    };

  beforeAll(async () => {
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Mekong Reefer Lines', 1);
  });
  afterAll(() => api.close());

  describe('check-in by plate', () => {
    let staff: string;
    beforeAll(async () => {
      await openDay('MOHAN');
      staff = await staffToken('MOHAN');
    });

    it('queues the truck with a position and a bay, once', async () => {
      const t = await book((await slotAt('MOHAN')).id);
      const res = await checkIn('MOHAN', staff, t.plate.replace(/^(..)/, '$1·')).expect(201);
      expect(res.body).toMatchObject({ bookingId: t.bookingId, position: 1 });
      expect(res.body.parking).toMatchObject({
        overflow: false,
        powered: false,
        areaId: expect.any(String),
        bay: expect.any(Number),
      });
      expect(res.body.parking.instructions.length).toBeGreaterThan(10);
      expect((await statusOf(t.bookingId)).status).toBe('checked_in');
      const again = await checkIn('MOHAN', staff, t.plate).expect(409);
      expect(again.body.code).toBe('already_checked_in');
    });

    it('refuses unknown plates, other ports and bad plates', async () => {
      const t = await book((await slotAt('MOHAN')).id);
      await checkIn('MOHAN', staff, '云Z99999').expect(404);
      await openDay('HEKOU');
      await checkIn('HEKOU', await staffToken('HEKOU'), t.plate).expect(404);
      await checkIn('HEKOU', staff, t.plate).expect(404);
      await checkIn('MOHAN', staff, "'; drop table").expect(400);
      expect((await statusOf(t.bookingId)).status).toBe('booked');
    });

    it('tells an early truck when to come back and refuses a late one', async () => {
      const early = await book((await slotAt('MOHAN', 3)).id);
      const res = await checkIn('MOHAN', staff, early.plate).expect(422);
      expect(res.body).toMatchObject({ code: 'too_early', comeBackAt: expect.stringMatching(/\+08:00$/) });
      expect(Date.parse(res.body.comeBackAt)).toBeGreaterThan(clock.now().getTime() + 3600_000);

      // A slot that ended 10 minutes ago is within the 30-minute grace; one that ended 2 hours ago is not.
      const late = await book((await slotAt('MOHAN')).id);
      const lateOk = await book((await slotAt('MOHAN')).id);
      const move = (bookingId: string, endedAgo: string) =>
        api.ds.query(
          `WITH s AS (INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity, booked)
                    VALUES ('MOHAN', 'export', $3::timestamptz - $2::interval - interval '1 hour', $3::timestamptz - $2::interval, 5, 1) RETURNING id)
         UPDATE bookings SET slot_id = (SELECT id FROM s) WHERE id = $1`,
          [bookingId, endedAgo, clock.now()],
        );
      await move(late.bookingId, '2 hours');
      await move(lateOk.bookingId, '10 minutes');
      expect((await checkIn('MOHAN', staff, late.plate).expect(422)).body.code).toBe('too_late');
      await checkIn('MOHAN', staff, lateOk.plate).expect(201);
    });
  });

  describe('check-in by the driver phone', () => {
    it('works inside a holding area and is refused outside it', async () => {
      await openDay('MENGKANG');
      const t = await book((await slotAt('MENGKANG')).id);
      const session = await api.http
        .post(`${API}/driver/session`)
        .send({ reference: t.reference, driverCode: t.driverCode })
        .expect(200);
      const driver = session.body.accessToken as string;
      const port = await api.http.get(`${API}/ports/MENGKANG`).expect(200);
      const area = port.body.parkingAreas[0] as { id: string; lat: number; lon: number };
      const far = await api.http
        .post(`${API}/driver/check-in`)
        .set(bearer(driver))
        .send({ lat: area.lat + 0.05, lon: area.lon })
        .expect(422);
      expect(far.body.code).toBe('outside_geofence');
      const near = await api.http
        .post(`${API}/driver/check-in`)
        .set(bearer(driver))
        .send({ lat: area.lat + 0.001, lon: area.lon })
        .expect(200);
      expect(near.body).toMatchObject({ bookingId: t.bookingId, position: 1, parking: { areaId: area.id } });
      const state = await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200);
      expect(state.body).toMatchObject({
        status: 'checked_in',
        position: 1,
        reason: null,
        etaMinutes: expect.any(Number),
        lane: null,
      });
      await api.http
        .post(`${API}/driver/check-in`)
        .set(bearer(driver))
        .send({ lat: area.lat, lon: area.lon })
        .expect(409);
    });
  });

  describe('order, green channel and lanes', () => {
    const PORT = 'TIANBAO';
    let staff: string;
    let lane: string;

    beforeAll(async () => {
      // A 5% cap of 40 places: two green-channel trucks per slot; one after every 3 regular ones.
      await openDay(PORT, { priorityRatio: 3, priorityCapPercent: 5 });
      staff = await staffToken(PORT);
      lane = await laneOf(api, PORT);
    });

    it('mixes perishable trucks in at 1:3, within the cap, and calls them in that order', async () => {
      const slot = (await slotAt(PORT)).id;
      const kinds = ['R1', 'R2', 'P1', 'R3', 'R4', 'P2', 'P3'];
      const trucks: Record<string, Truck> = {};
      for (const k of kinds) {
        trucks[k] = await book(slot, { perishable: k.startsWith('P') });
        await checkIn(PORT, staff, trucks[k].plate).expect(201);
      }
      const masked = (k: string) => `${[...trucks[k].plate].slice(0, 2).join('')}·***${trucks[k].plate.slice(-2)}`;
      const q = await queueOrder(PORT);
      // P3 is over the cap of 2 and waits as a regular truck.
      const expected = ['R1', 'R2', 'R3', 'P1', 'R4', 'P3', 'P2'];
      expect(q.entries.map((e) => e.plateMasked)).toEqual(expected.map(masked));
      expect(q.entries.map((e) => e.priority)).toEqual(expected.map((k) => k === 'P1' || k === 'P2'));
      expect(q.entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);

      const called: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
        called.push(Object.keys(trucks).find((k) => trucks[k].bookingId === res.body.bookingId)!);
        expect(res.body.plate).toBe(trucks[called[i]].plate);
      }
      expect(called).toEqual(['R1', 'R2', 'R3', 'P1']);
      const after = await queueOrder(PORT);
      expect(after.version).toBeGreaterThan(q.version);
      // P1 just went, so the next green truck waits for three regular ones again.
      expect(after.entries.map((e) => e.plateMasked)).toEqual(['R4', 'P3', 'P2'].map(masked));
      for (const k of called)
        await api.http
          .post(`${API}/bookings/${trucks[k].bookingId}/complete`)
          .set(bearer(staff))
          .expect(200, { status: 'completed' });
      // Drain the rest so the next test starts from an empty queue.
      for (let i = 0; i < 3; i++) {
        const res = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
        await api.http
          .post(`${API}/bookings/${res.body.bookingId}/no-show`)
          .set(bearer(staff))
          .expect(200, { status: 'no_show' });
      }
      const empty = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(404);
      expect(empty.body.code).toBe('queue_empty');
    });

    it('skip puts the truck back behind the next one; illegal moves are 409', async () => {
      const slot = (await slotAt(PORT)).id;
      const [a, b, c] = [await book(slot), await book(slot), await book(slot)];
      for (const t of [a, b, c]) await checkIn(PORT, staff, t.plate).expect(201);
      const first = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
      expect(first.body.bookingId).toBe(a.bookingId);
      expect(
        (await api.http.post(`${API}/bookings/${b.bookingId}/complete`).set(bearer(staff)).expect(409)).body.code,
      ).toBe('illegal_transition');
      await api.http
        .post(`${API}/bookings/${a.bookingId}/skip`)
        .set(bearer(staff))
        .expect(200, { status: 'checked_in' });
      await api.http.post(`${API}/bookings/${a.bookingId}/skip`).set(bearer(staff)).expect(409);
      // The skipped truck waits by the lane: told so, and shown no bay it no longer has.
      const session = await api.http
        .post(`${API}/driver/session`)
        .send({ reference: a.reference, driverCode: a.driverCode })
        .expect(200);
      const skipped = await api.http.get(`${API}/driver/booking`).set(bearer(session.body.accessToken)).expect(200);
      expect(skipped.body).toMatchObject({
        status: 'checked_in',
        position: 2,
        parking: null,
        lane: null,
        instructions: expect.stringContaining('下一辆车之后'),
      });
      const order = (await queueOrder(PORT)).entries.map((e) => e.plateMasked.slice(-2));
      expect(order).toEqual([b, a, c].map((t) => t.plate.slice(-2)));
      const next = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
      expect(next.body.bookingId).toBe(b.bookingId);
      await api.http
        .post(`${API}/bookings/${b.bookingId}/no-show`)
        .set(bearer(staff))
        .expect(200, { status: 'no_show' });
      await api.http.post(`${API}/bookings/${b.bookingId}/complete`).set(bearer(staff)).expect(409);
      // Another port's staff cannot see these trucks at all.
      await api.http
        .post(`${API}/bookings/${a.bookingId}/skip`)
        .set(bearer(await staffToken('HEKOU')))
        .expect(404);
    });

    it('a closed or paused lane cannot call; ETAs say why they are missing', async () => {
      const t = await book((await slotAt(PORT)).id);
      await checkIn(PORT, staff, t.plate).expect(201);
      const session = await api.http
        .post(`${API}/driver/session`)
        .send({ reference: t.reference, driverCode: t.driverCode })
        .expect(200);
      const driver = session.body.accessToken as string;
      for (const [status, reason] of [
        ['paused', 'lane_paused'],
        ['closed', 'lane_closed'],
      ]) {
        await api.http
          .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
          .set(bearer(staff))
          .send({ status })
          .expect(200);
        const res = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(409);
        expect(res.body.code).toBe('lane_not_open');
        const state = await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200);
        expect(state.body).toMatchObject({ status: 'checked_in', etaMinutes: null, reason });
      }
      await api.http
        .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
        .set(bearer(staff))
        .send({ status: 'open' })
        .expect(200);
      expect((await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200)).body.etaMinutes).toEqual(
        expect.any(Number),
      );
      await api.http
        .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
        .set(bearer(staff))
        .send({ status: 'shut' })
        .expect(400);
      // Each real change is kept with its time and author; setting the status a lane already has records nothing.
      await api.http
        .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
        .set(bearer(staff))
        .send({ status: 'open' })
        .expect(200);
      const history = await api.ds.query(
        `SELECT status, changed_at <= $3::timestamptz AS past, changed_by = $2 AS by_staff FROM lane_status_changes WHERE lane_id = $1 ORDER BY id`,
        [lane, api.tokens.verify(staff)!.sub, clock.now()],
      );
      expect(history.slice(-3)).toEqual([
        { status: 'paused', past: true, by_staff: true },
        { status: 'closed', past: true, by_staff: true },
        { status: 'open', past: true, by_staff: true },
      ]);
    });

    it('reports the day: places offered, booked and used, no-shows, waits and service times', async () => {
      const today = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const res = await api.http
        .get(`${API}/ports/${PORT}/kpis`)
        .query({ from: today, to: today })
        .set(bearer(staff))
        .expect(200);
      expect(res.body.map((d: { direction: string }) => d.direction)).toEqual(['export', 'import']);
      const day = res.body[0];
      // The tests above: 7 + 3 + 1 trucks booked; R1, R2, R3 and P1 completed; R4, P3, P2 and b no-shows.
      expect(day).toMatchObject({ date: today, slots: 12, offered: 12 * 40, booked: 11, used: 4, noShows: 4 });
      expect(day.noShowRate).toBeCloseTo(4 / 11, 3);
      expect(day.waitMinutes.mean).toBeGreaterThanOrEqual(0);
      expect(day.serviceMinutes.median).toBeGreaterThanOrEqual(0);
      expect(res.body[1]).toMatchObject({
        booked: 0,
        used: 0,
        noShowRate: null,
        waitMinutes: { mean: null, p90: null },
      });

      await api.http
        .get(`${API}/ports/${PORT}/kpis`)
        .query({ from: today, to: today })
        .set(bearer(firm.adminToken))
        .expect(403);
      await api.http
        .get(`${API}/ports/${PORT}/kpis`)
        .query({ from: today, to: today })
        .set(bearer(await staffToken('HEKOU')))
        .expect(404);
      await api.http
        .get(`${API}/ports/${PORT}/kpis`)
        .query({ from: today, to: '2000-01-01' })
        .set(bearer(staff))
        .expect(400);
      await api.http
        .get(`${API}/ports/${PORT}/kpis`)
        .query({ from: '2026-02-30', to: today })
        .set(bearer(staff))
        .expect(400);
      await api.http.get(`${API}/ports/${PORT}/kpis`).query({ from: today }).set(bearer(api.adminToken)).expect(400);
    });
  });

  describe('bays', () => {
    const PORT = 'DULONG';
    let staff: string;
    let areaId: string;

    beforeAll(async () => {
      await openDay(PORT);
      staff = await staffToken(PORT);
      const port = await api.http.get(`${API}/ports/${PORT}`).expect(200);
      areaId = port.body.parkingAreas[0].id;
      // Three bays, one with shore power.
      await api.http
        .put(`${API}/ports/${PORT}/parking-areas/${areaId}`)
        .set(bearer(api.adminToken))
        .send({ bays: 3, reeferBays: 1 })
        .expect(200);
    });

    it('gives reefers with perishable cargo the powered bay, others the plain ones, then overflows; a call frees the bay', async () => {
      const slot = (await slotAt(PORT)).id;
      const plain = await book(slot);
      const reefer = await book(slot, { reefer: true, perishable: true });
      const plain2 = await book(slot);
      const overflow = await book(slot);
      const p1 = (await checkIn(PORT, staff, plain.plate).expect(201)).body.parking;
      const r = (await checkIn(PORT, staff, reefer.plate).expect(201)).body.parking;
      const p2 = (await checkIn(PORT, staff, plain2.plate).expect(201)).body.parking;
      expect([p1.bay, p1.powered]).toEqual([2, false]);
      expect([r.bay, r.powered]).toEqual([1, true]);
      expect([p2.bay, p2.powered]).toEqual([3, false]);
      const o = await checkIn(PORT, staff, overflow.plate).expect(201);
      // The perishable reefer takes the green channel behind three regular trucks, so this one is third.
      expect(o.body.position).toBe(3);
      expect(o.body.parking).toMatchObject({ overflow: true, areaId: null, bay: null });
      expect(o.body.parking.instructions.length).toBeGreaterThan(10);

      const occupied = async () =>
        (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.parkingAreas[0].occupied;
      expect(await occupied()).toBe(3);
      const lane = await laneOf(api, PORT);
      const first = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
      expect(first.body.bookingId).toBe(plain.bookingId);
      expect(await statusOf(plain.bookingId)).toMatchObject({ status: 'called', bay: null, parking_area_id: null });
      expect(await occupied()).toBe(2);
      // The bay the call freed is the next truck's.
      const next = await book(slot);
      expect((await checkIn(PORT, staff, next.plate).expect(201)).body.parking).toMatchObject({
        bay: 2,
        powered: false,
      });
    });

    it('keeps the free bays (free_bays, kept by triggers) equal to the bays no booking holds, as areas shrink and grow', async () => {
      const freeNow = async () =>
        (
          (await api.ds.query('SELECT bay FROM free_bays WHERE parking_area_id = $1 ORDER BY bay', [areaId])) as Array<{
            bay: number;
          }>
        ).map((r) => r.bay);
      const held = async () =>
        (
          (await api.ds.query('SELECT bay FROM bookings WHERE parking_area_id = $1 AND bay IS NOT NULL ORDER BY bay', [
            areaId,
          ])) as Array<{ bay: number }>
        ).map((r) => r.bay);
      const resize = (bays: number) =>
        api.http
          .put(`${API}/ports/${PORT}/parking-areas/${areaId}`)
          .set(bearer(api.adminToken))
          .send({ bays, reeferBays: 1 })
          .expect(200);
      // The last test left bays 1, 2 and 3 taken: none free.
      expect(await held()).toEqual([1, 2, 3]);
      expect(await freeNow()).toEqual([]);
      await resize(5);
      expect(await freeNow()).toEqual([4, 5]);
      // Shrunk below a taken bay: the bays beyond go, the taken one stays its truck's and is not freed when it leaves.
      await resize(2);
      expect(await freeNow()).toEqual([]);
      const lane = await laneOf(api, PORT);
      while ((await held()).includes(3))
        await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
      const unheld = async (bays: number) => {
        const taken = await held();
        return Array.from({ length: bays }, (_, i) => i + 1).filter((b) => !taken.includes(b));
      };
      expect(await freeNow()).toEqual(await unheld(2));
      await resize(4);
      expect(await freeNow()).toEqual(await unheld(4));
      expect(await freeNow()).toContain(3);
    });

    it('port admins edit holding areas; bad edits are refused', async () => {
      await api.http
        .put(`${API}/ports/${PORT}/parking-areas/${areaId}`)
        .set(bearer(api.adminToken))
        .send({ reeferBays: 9 })
        .expect(422, /invalid_holding_area/);
      await api.http
        .put(`${API}/ports/${PORT}/parking-areas/${areaId}`)
        .set(bearer(staff))
        .send({ bays: 9 })
        .expect(403);
      const created = await api.http
        .post(`${API}/ports/${PORT}/parking-areas`)
        .set(bearer(api.adminToken))
        .send({
          name: 'Overflow yard',
          lat: 22.87,
          lon: 104.57,
          radiusM: 300,
          bays: 10,
          reeferBays: 2,
          directions: { en: 'Second yard, left of the gate' },
        })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'Overflow yard', bays: 10, occupied: 0 });
      await api.http
        .post(`${API}/ports/${PORT}/parking-areas`)
        .set(bearer(api.adminToken))
        .send({ name: 'Overflow yard', lat: 22.87, lon: 104.57, radiusM: 300, bays: 10, reeferBays: 2 })
        .expect(409);
      await api.http
        .post(`${API}/ports/NOWHERE/parking-areas`)
        .set(bearer(api.adminToken))
        .send({ name: 'X', lat: 1, lon: 1, radiusM: 300, bays: 1, reeferBays: 0 })
        .expect(404);
    });
  });

  describe('no-show', () => {
    const PORT = 'MENGLIAN';
    let staff: string;

    beforeAll(async () => {
      await openDay(PORT);
      staff = await staffToken(PORT);
    });

    it('a booked truck can be marked no-show only once its check-in window has closed (409 too_early before)', async () => {
      const t = await book((await slotAt(PORT, 24)).id);
      const early = await api.http.post(`${API}/bookings/${t.bookingId}/no-show`).set(bearer(staff)).expect(409);
      expect(early.body).toMatchObject({ code: 'too_early', noShowFrom: expect.stringMatching(/\+08:00$/) });
      expect(
        (await api.http.get(`${API}/bookings/${t.bookingId}`).set(bearer(firm.dispatcherToken)).expect(200)).body
          .status,
      ).toBe('booked');
      // The slot's window closes (moved into the past here; grace is part of the window): now it is a no-show.
      const [w] = (await api.ds.query('SELECT check_in_grace_minutes AS grace FROM schedules WHERE port_code = $1', [
        PORT,
      ])) as Array<{ grace: number }>;
      await api.ds.query(
        `UPDATE slots SET starts_at = $3::timestamptz - make_interval(mins => $2 + 61),
                          ends_at = $3::timestamptz - make_interval(mins => $2 + 1)
         WHERE id = (SELECT slot_id FROM bookings WHERE id = $1)`,
        [t.bookingId, w.grace, clock.now()],
      );
      await api.http
        .post(`${API}/bookings/${t.bookingId}/no-show`)
        .set(bearer(staff))
        .expect(200, { status: 'no_show' });
    });
  });
});
