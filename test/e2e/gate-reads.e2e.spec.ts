import { randomBytes, randomUUID } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  DEFAULT_SCHEDULE,
  portDate,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { portTime, TestClock } from '../support/test-clock';

/**
 * Gate cameras (contract, "Gate cameras"): devices and their keys, POST /gate/reads and each outcome by position,
 * and staff's review of reads. The time is the harness's Clock: 10:30 at the port, in its opening hours.
 */
describe('gate cameras: devices, reads and their outcomes', () => {
  const PORT = 'MOHAN';
  const OTHER = 'HEKOU';
  let api: TestApi;
  let clock: TestClock;
  let staff: string;
  let otherStaff: string;
  let mekong: TestFirm;
  let lancang: TestFirm;
  let slotId: string;
  let laterSlotId: string;
  let areaId: string;
  let area: { lat: number; lon: number };
  let exportLane: string;
  let importLane: string;
  let seq = 0;

  const newPlate = () => `云A${randomBytes(2).toString('hex').toUpperCase()}${(seq += 1)}`;
  const device = (key: string) => ({ Authorization: `Device ${key}` });
  const read = (key: string, body: Record<string, unknown>) =>
    api.http.post(`${API}/gate/reads`).set(device(key)).send(body);
  const addDevice = async (body: Record<string, unknown>, port = PORT) =>
    (
      await api.http
        .post(`${API}/ports/${port}/devices`)
        .set(bearer(api.adminToken))
        .send({ name: `cam-${randomBytes(3).toString('hex')}`, ...body })
        .expect(201)
    ).body as { id: string; key: string; name: string; position: string; laneId: string | null; areaId: string | null };

  const book = async (firm: TestFirm, plate: string, slot = slotId) => {
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    return { bookingId: b.body.id as string, plate: v.body.plate as string };
  };

  const booking = async (id: string) =>
    (
      await api.ds.query('SELECT status, at_lane_at, yard_arrived_at, parking_area_id FROM bookings WHERE id = $1', [
        id,
      ])
    )[0] as { status: string; at_lane_at: Date | null; yard_arrived_at: Date | null; parking_area_id: string | null };

  /** Calls the export lane until `bookingId` is called to it (trucks of other tests may be ahead in line). */
  const callUntil = async (lane: string, bookingId: string) => {
    for (let i = 0; i < 50; i++) {
      const res = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
      if (res.body.bookingId === bookingId) return;
    }
    throw new Error(`${bookingId} was never called`);
  };

  const advance = (seconds: number) => clock.set(clock.now().getTime() + seconds * 1000);

  beforeAll(async () => {
    clock = new TestClock().set(portTime(portDate(2), '10:30:00'));
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, { capacity: { export: 200, import: 200 }, firmQuotaPercent: 100 });
    staff = await portStaffToken(api, PORT);
    otherStaff = await portStaffToken(api, OTHER);
    slotId = (await slotAt(api, PORT)).id;
    laterSlotId = (await slotAt(api, PORT, 3)).id;
    mekong = await createFirm(api, 'Mekong Reefer Lines', 1);
    lancang = await createFirm(api, 'Lancang Haulage', 1);
    const port = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body as {
      lanes: Array<{ id: string; direction: string }>;
      parkingAreas: Array<{ id: string; lat: number; lon: number }>;
    };
    areaId = port.parkingAreas[0].id;
    area = port.parkingAreas[0];
    exportLane = port.lanes.find((l) => l.direction === 'export')!.id;
    importLane = port.lanes.find((l) => l.direction === 'import')!.id;
    for (const lane of [exportLane, importLane])
      await api.http
        .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
        .set(bearer(staff))
        .send({ status: 'open' })
        .expect(200);
  });
  afterAll(() => api.close());

  describe('devices', () => {
    it('registers a camera per position, shows its key once, lists it for staff with its reads today and online state', async () => {
      const entry = await addDevice({ position: 'holding_entry', areaId });
      expect(entry).toEqual({
        id: expect.any(String),
        name: expect.any(String),
        position: 'holding_entry',
        laneId: null,
        areaId,
        key: expect.stringMatching(/^kgd_[A-Za-z0-9_-]{43}$/),
      });
      const lane = await addDevice({ position: 'lane', laneId: exportLane });
      expect(lane).toMatchObject({ laneId: exportLane, areaId: null });
      const yard = await addDevice({ position: 'yard_gate' });
      // Only its hash is stored.
      const stored = await api.ds.query('SELECT key_hash FROM gate_devices WHERE id = $1', [entry.id]);
      expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(entry.key);

      await read(entry.key, { plate: newPlate(), confidence: 0.95 }).expect(202);
      await api.http.post(`${API}/gate/heartbeat`).set(device(yard.key)).expect(204);
      const list = (await api.http.get(`${API}/ports/${PORT}/devices`).set(bearer(staff)).expect(200)).body as Array<
        Record<string, unknown>
      >;
      const seen = list.find((d) => d.id === entry.id)!;
      expect(seen).toMatchObject({
        position: 'holding_entry',
        areaId,
        laneId: null,
        readsToday: 1,
        online: true,
        lastSeenAt: clock.now().toISOString(),
        lastRead: { outcome: 'unmatched', at: clock.now().toISOString() },
      });
      expect(seen).not.toHaveProperty('key');
      expect(list.find((d) => d.id === yard.id)).toMatchObject({ readsToday: 0, online: true, lastRead: null });
      expect(list.find((d) => d.id === lane.id)).toMatchObject({ readsToday: 0, online: false, lastSeenAt: null });
    });

    it('refuses what does not fit the position or the port (422 invalid_device), bad bodies (400), unknown ports (404)', async () => {
      const hekou = (await api.http.get(`${API}/ports/${OTHER}`).expect(200)).body as {
        lanes: Array<{ id: string }>;
        parkingAreas: Array<{ id: string }>;
      };
      const post = (body: Record<string, unknown>, port = PORT) =>
        api.http
          .post(`${API}/ports/${port}/devices`)
          .set(bearer(api.adminToken))
          .send({ name: 'cam', ...body });
      for (const body of [
        { position: 'lane' },
        { position: 'holding_entry' },
        { position: 'yard_gate', laneId: exportLane },
        { position: 'lane', laneId: exportLane, areaId },
        { position: 'lane', laneId: hekou.lanes[0].id },
        { position: 'holding_entry', areaId: hekou.parkingAreas[0]?.id ?? randomUUID() },
        { position: 'lane', laneId: randomUUID() },
      ]) {
        const res = await post(body).expect(422);
        expect(res.body).toMatchObject({ statusCode: 422, code: 'invalid_device', message: expect.any(String) });
      }
      for (const body of [
        { position: 'gate' },
        { position: 'lane', laneId: 'not-a-uuid' },
        { position: 'yard_gate', name: '' },
        { position: 'yard_gate', name: 'x'.repeat(81) },
        { position: 'yard_gate', name: 'a\u0000b' },
        { position: 'yard_gate', extra: 1 },
      ]) {
        const res = await post(body).expect(400);
        expect(res.body.statusCode).toBe(400);
      }
      await post({ position: 'yard_gate' }, 'NOWHERE').expect(404);
      const named = await addDevice({ position: 'yard_gate' });
      expect((await post({ position: 'yard_gate', name: named.name }).expect(409)).body.code).toBe('conflict');
    });

    it('only port admins write; staff of another port see a 404; firms 403', async () => {
      const d = await addDevice({ position: 'yard_gate' });
      await api.http
        .post(`${API}/ports/${PORT}/devices`)
        .set(bearer(staff))
        .send({ name: 'x', position: 'yard_gate' })
        .expect(403);
      await api.http.delete(`${API}/ports/${PORT}/devices/${d.id}`).set(bearer(staff)).expect(403);
      await api.http.post(`${API}/ports/${PORT}/devices/${d.id}/key`).set(bearer(staff)).expect(403);
      await api.http.get(`${API}/ports/${PORT}/devices`).set(bearer(mekong.dispatcherToken)).expect(403);
      const hidden = await api.http.get(`${API}/ports/${PORT}/devices`).set(bearer(otherStaff)).expect(404);
      expect(hidden.body.statusCode).toBe(404);
      await api.http.get(`${API}/ports/${PORT}/devices`).expect(401);
      // A device of MOHAN is not one of HEKOU.
      await api.http.delete(`${API}/ports/${OTHER}/devices/${d.id}`).set(bearer(api.adminToken)).expect(404);
      await api.http.post(`${API}/ports/${OTHER}/devices/${d.id}/key`).set(bearer(api.adminToken)).expect(404);
      await api.http.delete(`${API}/ports/${PORT}/devices/not-a-uuid`).set(bearer(api.adminToken)).expect(400);
    });

    it('a rotated key is refused at once and the new one works; a removed device is refused; so are made-up keys and user tokens', async () => {
      const d = await addDevice({ position: 'yard_gate' });
      await read(d.key, { plate: newPlate(), confidence: 0.9 }).expect(202);
      const rotated = await api.http
        .post(`${API}/ports/${PORT}/devices/${d.id}/key`)
        .set(bearer(api.adminToken))
        .expect(200);
      expect(rotated.body).toEqual({ key: expect.stringMatching(/^kgd_/) });
      const old = await read(d.key, { plate: newPlate(), confidence: 0.9 }).expect(401);
      expect(old.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      await read(rotated.body.key, { plate: newPlate(), confidence: 0.9 }).expect(202);

      await api.http.delete(`${API}/ports/${PORT}/devices/${d.id}`).set(bearer(api.adminToken)).expect(204);
      await read(rotated.body.key, { plate: newPlate(), confidence: 0.9 }).expect(401);
      await api.http.post(`${API}/gate/heartbeat`).set(device(rotated.body.key)).expect(401);
      await api.http.delete(`${API}/ports/${PORT}/devices/${d.id}`).set(bearer(api.adminToken)).expect(404);
      const list = (await api.http.get(`${API}/ports/${PORT}/devices`).set(bearer(api.adminToken)).expect(200)).body;
      expect(list.map((x: { id: string }) => x.id)).not.toContain(d.id);

      await read(`kgd_${randomBytes(32).toString('base64url')}`, { plate: newPlate(), confidence: 0.9 }).expect(401);
      await api.http.post(`${API}/gate/reads`).send({ plate: newPlate(), confidence: 0.9 }).expect(401);
      await api.http
        .post(`${API}/gate/reads`)
        .set(bearer(api.adminToken))
        .send({ plate: newPlate(), confidence: 0.9 })
        .expect(401);
      await api.http.post(`${API}/gate/heartbeat`).set(bearer(staff)).expect(401);
    });
  });

  describe('reads', () => {
    let entry: { id: string; key: string };
    let laneCam: { id: string; key: string; name: string };
    let importCam: { id: string; key: string };
    let yardCam: { id: string; key: string };

    beforeAll(async () => {
      entry = await addDevice({ position: 'holding_entry', areaId });
      laneCam = await addDevice({ position: 'lane', laneId: exportLane });
      importCam = await addDevice({ position: 'lane', laneId: importLane });
      yardCam = await addDevice({ position: 'yard_gate' });
    });

    it('answers bad bodies with 400 and a read from the future with 422, never a 500', async () => {
      for (const body of [
        {},
        { plate: newPlate() },
        { confidence: 0.9 },
        { plate: "'; drop table", confidence: 0.9 },
        { plate: newPlate(), confidence: 1.5 },
        { plate: newPlate(), confidence: -0.1 },
        { plate: newPlate(), confidence: '0.9' },
        { plate: newPlate(), confidence: 0.9, at: 'yesterday' },
        { plate: newPlate(), confidence: 0.9, at: '2026-11-29T10:30:00' },
        { plate: newPlate(), confidence: 0.9, at: 1234 },
        { plate: newPlate(), confidence: 0.9, imageRef: 'x'.repeat(201) },
        { plate: newPlate(), confidence: 0.9, imageRef: 'a\u0000b' },
        { plate: newPlate(), confidence: 0.9, extra: true },
        { plate: ['A1'], confidence: 0.9 },
      ]) {
        const res = await read(entry.key, body);
        expect([res.status, body]).toEqual([400, body]);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      const soon = new Date(clock.now().getTime() + 4 * 60_000).toISOString();
      const ok = await read(entry.key, { plate: newPlate(), confidence: 0.9, at: soon }).expect(202);
      expect(
        (await api.ds.query('SELECT camera_at FROM gate_reads WHERE id = $1', [ok.body.readId]))[0].camera_at,
      ).toEqual(new Date(soon));
      const late = new Date(clock.now().getTime() + 6 * 60_000).toISOString();
      const res = await read(entry.key, { plate: newPlate(), confidence: 0.9, at: late }).expect(422);
      expect(res.body).toMatchObject({ statusCode: 422, code: 'read_in_future' });
    });

    it('holding entry: checks a booked truck in (its area first), then the same plate is a duplicate; unsure reads and unknown plates do nothing', async () => {
      const truck = await book(mekong, newPlate());
      const unsure = await read(entry.key, { plate: truck.plate, confidence: 0.5 }).expect(202);
      expect(unsure.body).toEqual({ readId: expect.any(String), outcome: 'low_confidence' });
      expect((await booking(truck.bookingId)).status).toBe('booked');

      // Typed differently (a dot, lower case): the normalised plate is matched.
      const res = await read(entry.key, {
        plate: truck.plate.replace(/^(..)/, '$1·').toLowerCase(),
        confidence: 0.91,
        imageRef: 'cam-1/0001.jpg',
      }).expect(202);
      expect(res.body).toEqual({ readId: expect.any(String), outcome: 'checked_in', bookingId: truck.bookingId });
      expect(await booking(truck.bookingId)).toMatchObject({ status: 'checked_in', parking_area_id: areaId });
      const stored = (await api.ds.query('SELECT * FROM gate_reads WHERE id = $1', [res.body.readId]))[0];
      expect(stored).toMatchObject({
        device_id: entry.id,
        port_code: PORT,
        plate: truck.plate,
        confidence: 0.91,
        outcome: 'checked_in',
        booking_id: truck.bookingId,
        image_ref: 'cam-1/0001.jpg',
        received_at: clock.now(),
        camera_at: null,
      });
      // The booking's event names the device as its actor.
      const [event] = await api.ds.query(
        `SELECT actor FROM booking_events WHERE booking_id = $1 AND type = 'booking.checked_in'`,
        [truck.bookingId],
      );
      expect(event.actor).toMatchObject({ id: entry.id, role: 'device', port: PORT });

      expect((await read(entry.key, { plate: truck.plate, confidence: 0.99 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'duplicate',
      });
      // Past the window: checked in already.
      advance(121);
      expect((await read(entry.key, { plate: truck.plate, confidence: 0.99 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'duplicate',
        reason: 'already_checked_in',
      });
      expect((await read(entry.key, { plate: newPlate(), confidence: 0.99 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'unmatched',
      });
    });

    it('holding entry: a plate of two firms is ambiguous, a truck too early is refused with the code; neither moves', async () => {
      const plate = newPlate();
      const a = await book(mekong, plate);
      const b = await book(lancang, plate);
      expect((await read(entry.key, { plate, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'ambiguous',
        reason: 'ambiguous_plate',
      });
      expect([(await booking(a.bookingId)).status, (await booking(b.bookingId)).status]).toEqual(['booked', 'booked']);

      const early = await book(mekong, newPlate(), laterSlotId);
      expect((await read(entry.key, { plate: early.plate, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'refused',
        reason: 'too_early',
      });
      expect((await booking(early.bookingId)).status).toBe('booked');
      // Nothing of the refused check-in stayed behind (the queue's version did not move for it), but the read did.
      const reads = await api.ds.query(`SELECT outcome, reason FROM gate_reads WHERE plate = $1`, [early.plate]);
      expect(reads).toEqual([{ outcome: 'refused', reason: 'too_early' }]);
    });

    it('lane: the truck called to this lane is at its lane once; another plate is at the wrong lane; nothing else changes', async () => {
      const truck = await book(mekong, newPlate());
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: truck.plate }).expect(201);
      await callUntil(exportLane, truck.bookingId);

      const wrong = await read(importCam.key, { plate: truck.plate, confidence: 0.9 }).expect(202);
      expect(wrong.body).toEqual({
        readId: expect.any(String),
        outcome: 'wrong_lane',
        bookingId: truck.bookingId,
        reason: 'called_to_another_lane',
      });
      expect(await booking(truck.bookingId)).toMatchObject({ status: 'called', at_lane_at: null });

      const at = await read(laneCam.key, { plate: truck.plate, confidence: 0.9 }).expect(202);
      expect(at.body).toEqual({ readId: expect.any(String), outcome: 'at_lane', bookingId: truck.bookingId });
      expect(await booking(truck.bookingId)).toMatchObject({ status: 'called', at_lane_at: clock.now() });
      const events = await api.ds.query(
        `SELECT data FROM booking_events WHERE booking_id = $1 AND type = 'booking.at_lane'`,
        [truck.bookingId],
      );
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ laneId: exportLane });

      advance(121);
      expect((await read(laneCam.key, { plate: truck.plate, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'duplicate',
        bookingId: truck.bookingId,
        reason: 'already_at_lane',
      });
      const stranger = newPlate();
      expect((await read(laneCam.key, { plate: stranger, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'wrong_lane',
        reason: 'not_called',
      });

      // The yard gate: the called truck arrives (completed first, as POST /bookings/:id/yard-arrival does).
      const yard = await read(yardCam.key, { plate: truck.plate, confidence: 0.9 }).expect(202);
      expect(yard.body).toEqual({ readId: expect.any(String), outcome: 'yard_arrived', bookingId: truck.bookingId });
      expect(await booking(truck.bookingId)).toMatchObject({ status: 'completed', yard_arrived_at: clock.now() });
      advance(121);
      expect((await read(yardCam.key, { plate: truck.plate, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'unmatched',
      });
      expect((await read(yardCam.key, { plate: stranger, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'unmatched',
      });
    });

    it('yard gate: a truck the lane completed arrives at the yard', async () => {
      const truck = await book(lancang, newPlate());
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: truck.plate }).expect(201);
      await callUntil(exportLane, truck.bookingId);
      await api.http.post(`${API}/bookings/${truck.bookingId}/complete`).set(bearer(staff)).expect(200);
      expect((await read(yardCam.key, { plate: truck.plate, confidence: 0.9 }).expect(202)).body).toEqual({
        readId: expect.any(String),
        outcome: 'yard_arrived',
        bookingId: truck.bookingId,
      });
      expect(await booking(truck.bookingId)).toMatchObject({ status: 'completed', yard_arrived_at: clock.now() });
    });

    it('staff list the reads newest first, by outcome, from an instant, or only those still open', async () => {
      const all = (await api.http.get(`${API}/ports/${PORT}/gate-reads`).set(bearer(staff)).expect(200)).body as Array<{
        at: string;
        outcome: string;
        id: string;
      }>;
      expect(all.length).toBeGreaterThan(5);
      const ats = all.map((r) => Date.parse(r.at));
      expect([...ats].sort((x, y) => y - x)).toEqual(ats);
      const unmatched = (
        await api.http
          .get(`${API}/ports/${PORT}/gate-reads`)
          .query({ outcome: 'unmatched' })
          .set(bearer(staff))
          .expect(200)
      ).body as Array<{ outcome: string }>;
      expect(unmatched.length).toBeGreaterThan(0);
      expect(unmatched.every((r) => r.outcome === 'unmatched')).toBe(true);
      const open = (
        await api.http.get(`${API}/ports/${PORT}/gate-reads`).query({ open: 'true' }).set(bearer(staff)).expect(200)
      ).body as Array<{ outcome: string; resolvedAt: null }>;
      expect(open.every((r) => ['unmatched', 'ambiguous', 'low_confidence'].includes(r.outcome))).toBe(true);
      const now = clock.now().toISOString();
      const fresh = (
        await api.http.get(`${API}/ports/${PORT}/gate-reads`).query({ from: now }).set(bearer(staff)).expect(200)
      ).body as Array<{ at: string }>;
      expect(fresh.every((r) => r.at >= now)).toBe(true);
      expect(fresh.length).toBeLessThan(all.length);
      const paged = (
        await api.http
          .get(`${API}/ports/${PORT}/gate-reads`)
          .query({ limit: 2, offset: 1 })
          .set(bearer(staff))
          .expect(200)
      ).body as Array<{ id: string }>;
      expect(paged.map((r) => r.id)).toEqual(all.slice(1, 3).map((r) => r.id));

      for (const query of [{ outcome: 'lost' }, { from: 'soon' }, { open: 'maybe' }, { limit: 0 }])
        await api.http.get(`${API}/ports/${PORT}/gate-reads`).query(query).set(bearer(staff)).expect(400);
      await api.http.get(`${API}/ports/${PORT}/gate-reads`).set(bearer(otherStaff)).expect(404);
      await api.http.get(`${API}/ports/${PORT}/gate-reads`).set(bearer(mekong.adminToken)).expect(403);
    });

    it('staff confirm an open read (checked in as staff would) or dismiss it, once; other reads are not open', async () => {
      const truck = await book(mekong, newPlate());
      const unsure = (await read(entry.key, { plate: truck.plate, confidence: 0.3 }).expect(202)).body.readId as string;
      const stranger = (await read(entry.key, { plate: newPlate(), confidence: 0.9 }).expect(202)).body
        .readId as string;
      const resolve = (id: string, body: Record<string, unknown>, token = staff) =>
        api.http.post(`${API}/ports/${PORT}/gate-reads/${id}/resolve`).set(bearer(token)).send(body);

      await resolve(unsure, { action: 'check_in' }, otherStaff).expect(404);
      await resolve(unsure, { action: 'check_in' }, mekong.adminToken).expect(403);
      await resolve(unsure, { action: 'wave' }).expect(400);
      await resolve(unsure, { action: 'dismiss', bookingId: truck.bookingId }).expect(400);
      await resolve('not-a-uuid', { action: 'dismiss' }).expect(400);
      await resolve(randomUUID(), { action: 'dismiss' }).expect(404);

      const confirmed = await resolve(unsure, { action: 'check_in' }).expect(200);
      expect(confirmed.body).toMatchObject({
        id: unsure,
        outcome: 'low_confidence',
        resolution: 'checked_in',
        resolvedAt: clock.now().toISOString(),
        bookingId: truck.bookingId,
      });
      expect(await booking(truck.bookingId)).toMatchObject({ status: 'checked_in', parking_area_id: areaId });
      expect((await resolve(unsure, { action: 'dismiss' }).expect(409)).body.code).toBe('read_not_open');

      // A check-in refused as staff's would be: the read stays open.
      const again = (await read(entry.key, { plate: truck.plate, confidence: 0.2 }).expect(202)).body.readId as string;
      expect((await resolve(again, { action: 'check_in' }).expect(409)).body.code).toBe('already_checked_in');
      expect((await resolve(stranger, { action: 'check_in' }).expect(404)).body.statusCode).toBe(404);

      expect((await resolve(stranger, { action: 'dismiss' }).expect(200)).body).toMatchObject({
        resolution: 'dismissed',
      });
      expect((await resolve(stranger, { action: 'dismiss' }).expect(409)).body.code).toBe('read_not_open');
      const open = (
        await api.http.get(`${API}/ports/${PORT}/gate-reads`).query({ open: true }).set(bearer(staff)).expect(200)
      ).body as Array<{ id: string }>;
      expect(open.map((r) => r.id)).toContain(again);
      expect(open.map((r) => r.id)).not.toContain(stranger);
      expect(open.map((r) => r.id)).not.toContain(unsure);

      const checkedIn = (
        await api.http
          .get(`${API}/ports/${PORT}/gate-reads`)
          .query({ outcome: 'checked_in' })
          .set(bearer(staff))
          .expect(200)
      ).body as Array<{ id: string }>;
      expect((await resolve(checkedIn[0].id, { action: 'dismiss' }).expect(409)).body.code).toBe('read_not_open');
    });
  });

  it('phoneCheckIn false: the driver phone check-in is refused (409 phone_check_in_off); the schedule shows the camera rules', async () => {
    const schedule = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.schedule;
    expect(schedule).toMatchObject({ anprMinConfidence: 0.8, dedupeSeconds: 120, phoneCheckIn: true });
    const phoneFirm = await createFirm(api, 'Phone Freight', 1);
    const phoned = await book(phoneFirm, newPlate());
    const driver = api.tokens.sign({ sub: phoned.bookingId, role: 'driver', firmId: phoneFirm.id, portCode: PORT });
    await putSchedule(api, PORT, {
      capacity: { export: 200, import: 200 },
      firmQuotaPercent: 100,
      phoneCheckIn: false,
      anprMinConfidence: 0.6,
      dedupeSeconds: 30,
    } as never);
    const res = await api.http
      .post(`${API}/driver/check-in`)
      .set(bearer(driver))
      .send({ lat: area.lat, lon: area.lon })
      .expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'phone_check_in_off' });
    expect((await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.schedule).toMatchObject({
      anprMinConfidence: 0.6,
      dedupeSeconds: 30,
      phoneCheckIn: false,
    });
    for (const bad of [
      { anprMinConfidence: 1.2 },
      { dedupeSeconds: -1 },
      { dedupeSeconds: 4000 },
      { phoneCheckIn: 'no' },
    ])
      await api.http
        .put(`${API}/ports/${PORT}/schedule`)
        .set(bearer(api.adminToken))
        .send({ ...DEFAULT_SCHEDULE, capacity: { export: 200, import: 200 }, firmQuotaPercent: 100, ...bad })
        .expect(400);
    expect((await booking(phoned.bookingId)).status).toBe('booked');
    // Left out, they keep their values.
    await putSchedule(api, PORT, { capacity: { export: 200, import: 200 }, firmQuotaPercent: 100 });
    expect((await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.schedule).toMatchObject({
      anprMinConfidence: 0.6,
      phoneCheckIn: false,
    });
  });
});
