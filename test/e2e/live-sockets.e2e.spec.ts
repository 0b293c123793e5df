import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * The live side across two API processes sharing one Postgres and one Redis: concurrent call-next, and the
 * socket.io `/live` events (booking:update, queue:update, lane:update, slots:update) reaching the clients
 * of the process that did not make the change. Each describe uses a port of its own. Both processes run from 10:00
 * port time, so the slot holding now (or starting within minutes) is in the port's day whatever the hour.
 */

const ZONE = 'Asia/Shanghai';
const DAY = {
  ...OPENING_HOURS,
  slotMinutes: 60,
  capacity: { export: 200, import: 200 },
  firmQuotaPercent: 100,
};

type Json = Record<string, unknown>;

describe('live updates across two API processes', () => {
  let api: TestApi;
  let other: { http: TestAgent; url: string };
  const clients: LiveClient[] = [];
  const clock = portDayClock();

  beforeAll(async () => {
    api = await startApi({}, { clock });
    other = await api.another();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  /** Connects to `/live` and resolves once the handshake is accepted; rejects with the connect_error. */
  const connect = (url: string, token?: string): Promise<LiveClient> => connectLive(url, clients, { token });

  interface Truck {
    id: string;
    reference: string;
    driverCode: string;
    plate: string;
    driverName: string;
    phone: string;
  }

  interface Port {
    code: string;
    firm: TestFirm;
    staffToken: string;
    lanes: Array<{ id: string; direction: string; status: string }>;
    exportLane: string;
    slotId: string;
    trucks: Truck[];
  }

  /**
   * A port open 08:00–20:00, a firm with `n` trucks (vehicles and drivers straight in SQL) booked on the
   * slot that holds the current time (or starts within minutes), so they may check in now, and a staff member.
   */
  async function preparePort(code: string, n: number): Promise<Port> {
    await putSchedule(api, code, DAY);
    const soon = DateTime.fromJSDate(clock.now()).setZone(ZONE).plus({ minutes: 5 });
    const slot = (await slotsOf(api, code, soon.toISODate() as string)).find(
      (s) => Date.parse(s.startsAt) <= soon.toMillis() && soon.toMillis() < Date.parse(s.endsAt),
    );
    expect(slot).toBeDefined();
    const firm = await createFirm(api, `Live ${code} Haulage`, 0);
    const tag = randomBytes(3).toString('hex').toUpperCase();
    const vehicles = await api.ds.query<{ id: string; plate: string }[]>(
      `INSERT INTO vehicles (firm_id, plate, country)
       SELECT $1, '云K' || $2 || lpad(g::text, 3, '0'), 'CN' FROM generate_series(1, $3) g ORDER BY g RETURNING id, plate`,
      [firm.id, tag, n],
    );
    const drivers = await api.ds.query<{ id: string; name: string; phone: string }[]>(
      `INSERT INTO drivers (firm_id, name, phone, licence_no, language)
       SELECT $1, 'Zhang Wei ' || $2 || g, '+86139' || lpad(g::text, 4, '0') || $3, 'L-' || $2 || g, 'zh'
       FROM generate_series(1, $4) g ORDER BY g RETURNING id, name, phone`,
      [firm.id, tag, String(Math.floor(Math.random() * 9000) + 1000), n],
    );
    const trucks: Truck[] = [];
    for (let i = 0; i < n; i++) {
      const res = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot!.id, vehicleId: vehicles[i].id, driverId: drivers[i].id, cargo: cargo() })
        .expect(201);
      trucks.push({
        id: res.body.id,
        reference: res.body.reference,
        driverCode: res.body.driverCode,
        plate: vehicles[i].plate,
        driverName: drivers[i].name,
        phone: drivers[i].phone,
      });
    }
    const staff = await api.http
      .post(`${API}/ports/${code}/staff`)
      .set(bearer(api.adminToken))
      .send({ email: `staff-${tag.toLowerCase()}@${code.toLowerCase()}.example`, password: 'staff-password-1' })
      .expect(201);
    const staffToken = api.tokens.sign({ sub: staff.body.id, role: 'port_staff', portCode: code });
    const port = await api.http.get(`${API}/ports/${code}`).expect(200);
    const lanes = port.body.lanes as Port['lanes'];
    const exportLane = lanes.find((l) => l.direction === 'export')!.id;
    return { code, firm, staffToken, lanes, exportLane, slotId: slot!.id, trucks };
  }

  const checkIn = (http: TestAgent, port: Port, plate: string) =>
    http.post(`${API}/ports/${port.code}/check-ins`).set(bearer(port.staffToken)).send({ plate });
  const callNext = (http: TestAgent, port: Port, laneId = port.exportLane) =>
    http.post(`${API}/ports/${port.code}/lanes/${laneId}/call-next`).set(bearer(port.staffToken));
  const laneStatus = (http: TestAgent, port: Port, status: string, laneId = port.exportLane) =>
    http
      .post(`${API}/ports/${port.code}/lanes/${laneId}/status`)
      .set(bearer(port.staffToken))
      .send({ status })
      .expect(200);
  const driverToken = async (t: Truck): Promise<string> =>
    (
      await api.http
        .post(`${API}/driver/session`)
        .send({ reference: t.reference, driverCode: t.driverCode })
        .expect(200)
    ).body.accessToken;

  describe('call-next under concurrency', () => {
    let port: Port;
    beforeAll(async () => {
      port = await preparePort('WANDING', 50);
      // One after another, so queue order is check-in order.
      for (const t of port.trucks) await checkIn(api.http, port, t.plate).expect(201);
    });

    const countByStatus = async () => {
      const found = await api.ds.query<{ status: string; n: number }[]>(
        'SELECT status, count(*)::int AS n FROM bookings WHERE port_code = $1 GROUP BY status',
        [port.code],
      );
      return Object.fromEntries(found.map((r) => [r.status, r.n]));
    };

    /** `n` calls at once on one lane, alternating between the two processes (fresh connections each). */
    const burst = (n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => callNext(request(i % 2 ? other.url : api.url), port)));

    it('20 simultaneous calls on two processes call the 20 trucks at the head, each once', async () => {
      const answers = await burst(20);
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      const ids = answers.map((r) => r.body.bookingId as string);
      expect(new Set(ids).size).toBe(20);
      // First come, first called: exactly the first 20 trucks that checked in.
      expect(new Set(ids)).toEqual(new Set(port.trucks.slice(0, 20).map((t) => t.id)));
      for (const r of answers) {
        const truck = port.trucks.find((t) => t.id === r.body.bookingId)!;
        expect(r.body).toEqual({ bookingId: truck.id, reference: truck.reference, plate: truck.plate });
      }
      expect(await countByStatus()).toEqual({ called: 20, checked_in: 30 });
    });

    it('60 more calls with 30 waiting: 30 called, 30 × 404 queue_empty, no truck twice, no 5xx', async () => {
      const answers = await burst(60);
      const ok = answers.filter((r) => r.status === 200);
      const rest = answers.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(30);
      expect(rest.map((r) => [r.status, r.body.code])).toEqual(Array(30).fill([404, 'queue_empty']));
      const ids = ok.map((r) => r.body.bookingId as string);
      expect(new Set(ids)).toEqual(new Set(port.trucks.slice(20).map((t) => t.id)));
      expect(await countByStatus()).toEqual({ called: 50 });
      const lanes = await api.ds.query<{ n: number }[]>(
        'SELECT count(DISTINCT id)::int AS n FROM bookings WHERE port_code = $1 AND status = $2 AND lane_id = $3 AND called_at IS NOT NULL',
        [port.code, 'called', port.exportLane],
      );
      expect(lanes[0].n).toBe(50);
    });
  });

  describe('pausing a lane while it is being called', () => {
    it('each call either takes one truck or is refused as lane_not_open; never a 5xx', async () => {
      const port = await preparePort('YONGHE', 12);
      for (const t of port.trucks) await checkIn(api.http, port, t.plate).expect(201);
      const call = (i: number) => callNext(request(i % 2 ? other.url : api.url), port);
      // The pause goes out between the calls, so some may land before it and some after.
      const pause = request(other.url)
        .post(`${API}/ports/${port.code}/lanes/${port.exportLane}/status`)
        .set(bearer(port.staffToken))
        .send({ status: 'paused' });
      const all = await Promise.all([
        call(0),
        call(1),
        call(2),
        call(3),
        call(4),
        pause,
        call(5),
        call(6),
        call(7),
        call(8),
        call(9),
      ]);
      const [paused] = all.splice(5, 1);
      const answers = all;
      expect(paused.status).toBe(200);
      const ok = answers.filter((r) => r.status === 200);
      expect(answers.filter((r) => r.status !== 200).map((r) => [r.status, r.body.code])).toEqual(
        Array(10 - ok.length).fill([409, 'lane_not_open']),
      );
      const called = await api.ds.query<{ id: string }[]>(
        'SELECT id FROM bookings WHERE port_code = $1 AND status = $2',
        [port.code, 'called'],
      );
      expect(new Set(called.map((b) => b.id))).toEqual(new Set(ok.map((r) => r.body.bookingId)));
      await callNext(api.http, port).expect(409);
    });
  });

  describe('driver sockets', () => {
    let port: Port;
    let tokens: string[];
    beforeAll(async () => {
      port = await preparePort('HEKOU', 5);
      for (const t of port.trucks.slice(0, 4)) await checkIn(api.http, port, t.plate).expect(201);
      tokens = await Promise.all(port.trucks.map(driverToken));
    });

    it('refuses a bad token at connect', async () => {
      await expect(connect(other.url, 'not-a-token')).rejects.toThrow(/unauthori[sz]ed|invalid|token/i);
      const forged = `${tokens[0].slice(0, -4)}AAAA`;
      await expect(connect(api.url, forged)).rejects.toThrow();
      await expect(connect(other.url, 'not-a-token')).rejects.toMatchObject({ message: expect.any(String) });
    });

    it('a driver on process B hears its call made on process A; the one behind hears its new place; no one hears others', async () => {
      const [first, second, third] = port.trucks;
      const d1 = await connect(other.url, tokens[0]);
      const d2 = await connect(other.url, tokens[1]);
      const d3 = await connect(other.url, tokens[2]);
      // The state at once on connecting: the room is joined by then.
      expect(await d1.waitFor('booking:update')).toMatchObject({
        bookingId: first.id,
        status: 'checked_in',
        position: 1,
      });
      const before2 = await d2.waitFor('booking:update');
      expect(before2).toMatchObject({ bookingId: second.id, status: 'checked_in', position: 2 });
      expect(await d3.waitFor('booking:update')).toMatchObject({
        bookingId: third.id,
        status: 'checked_in',
        position: 3,
      });

      const from1 = d1.mark();
      const from2 = d2.mark();
      const from3 = d3.mark();
      const called = await callNext(api.http, port).expect(200);
      expect(called.body.bookingId).toBe(first.id);

      const update = await d1.waitFor('booking:update', (u) => u.status === 'called', from1);
      expect(update).toMatchObject({
        bookingId: first.id,
        status: 'called',
        position: null,
        etaMinutes: null,
        parking: null,
        lane: { id: port.exportLane, name: expect.any(String) },
        instructions: expect.stringMatching(/\S/),
      });
      expect(await d2.waitFor('booking:update', (u) => (u.position as number) < 2, from2)).toMatchObject({
        bookingId: second.id,
        status: 'checked_in',
        position: 1,
        etaMinutes: expect.any(Number),
      });
      expect(await d3.waitFor('booking:update', (u) => (u.position as number) < 3, from3)).toMatchObject({
        bookingId: third.id,
        position: 2,
      });

      // A driver not yet checked in hears its check-in made on the other process.
      const fifth = port.trucks[4];
      const d5 = await connect(api.url, tokens[4]);
      expect(await d5.waitFor('booking:update')).toMatchObject({
        bookingId: fifth.id,
        status: 'booked',
        position: null,
        etaMinutes: null,
        reason: 'not_checked_in',
        parking: null,
      });
      // More changes to other bookings, on both processes: a check-in and another call.
      const fourthCheckIn = d3.mark();
      const fromFifth = d5.mark();
      await checkIn(other.http, port, fifth.plate).expect(201);
      expect(await d5.waitFor('booking:update', () => true, fromFifth)).toMatchObject({
        bookingId: fifth.id,
        status: 'checked_in',
        position: 4,
        etaMinutes: expect.any(Number),
        reason: null,
        parking: { overflow: false, bay: expect.any(Number) },
        instructions: expect.stringMatching(/\S/),
      });
      await callNext(other.http, port).expect(200);
      await d3.waitFor('booking:update', (u) => u.position === 1, fourthCheckIn);

      for (const c of [d1, d2, d3, d5])
        expect(new Set(c.events.map((e) => e.event))).toEqual(new Set(['booking:update']));
      expect(d1.events.every((e) => e.data.bookingId === first.id)).toBe(true);
      expect(d2.events.every((e) => e.data.bookingId === second.id)).toBe(true);
      expect(d3.events.every((e) => e.data.bookingId === third.id)).toBe(true);
      expect(d5.events.every((e) => e.data.bookingId === fifth.id)).toBe(true);
      // The called driver heard its own call once: later changes to the line say nothing new to it.
      expect(d1.of('booking:update', from1).filter((u) => u.status === 'called').length).toBeGreaterThanOrEqual(1);
    });

    it('a reconnecting driver gets its current state at once, the same as GET /driver/booking', async () => {
      const third = port.trucks[2];
      const again = await connect(api.url, tokens[2]);
      const now = await again.waitFor('booking:update');
      expect(now).toMatchObject({
        bookingId: third.id,
        reference: third.reference,
        status: 'checked_in',
        position: 1,
        reason: null,
      });
      expect(now.parking).toMatchObject({ overflow: false, bay: expect.any(Number) });
      const rest = await api.http.get(`${API}/driver/booking`).set(bearer(tokens[2])).expect(200);
      // REST adds the trip around the live state (slot, windows, holding areas); the state itself is the same.
      const { trip, ...live } = rest.body as Json;
      expect(live).toEqual(now);
      expect(trip).toMatchObject({
        plate: third.plate,
        portCode: port.code,
        direction: 'export',
        calledAt: null,
        holdingAreas: expect.any(Array),
      });

      // A driver whose truck was called sees the call again on reconnecting, and the same over REST.
      const called = await connect(other.url, tokens[0]);
      const state = await called.waitFor('booking:update');
      expect(state).toMatchObject({
        bookingId: port.trucks[0].id,
        status: 'called',
        position: null,
        lane: { id: port.exportLane },
      });
      const calledRest = (await other.http.get(`${API}/driver/booking`).set(bearer(tokens[0])).expect(200))
        .body as Json;
      expect({ ...calledRest, trip: undefined }).toEqual({ ...state, trip: undefined });
      // The trip says by when the called truck must be at the lane.
      expect(Date.parse(String((calledRest.trip as Json).calledDeadline))).toBeGreaterThan(
        Date.parse(String((calledRest.trip as Json).calledAt)),
      );
    });
  });

  describe('queue outcomes at once', () => {
    it('every driver hears its own completion when staff on both processes complete trucks at the same time', async () => {
      const port = await preparePort('MENGLIAN', 12);
      for (const t of port.trucks) await checkIn(api.http, port, t.plate).expect(201);
      for (const _ of port.trucks) await callNext(api.http, port).expect(200);
      const firm = await connect(other.url, port.firm.dispatcherToken);
      const drivers = await Promise.all(
        port.trucks.map(async (t, i) => connect(i % 2 ? other.url : api.url, await driverToken(t))),
      );
      await Promise.all(
        drivers.map((d, i) =>
          d.waitFor('booking:update', (u) => u.bookingId === port.trucks[i].id && u.status === 'called'),
        ),
      );
      const fromFirm = firm.mark();

      const answers = await Promise.all(
        port.trucks.map((t, i) =>
          request(i % 2 ? api.url : other.url)
            .post(`${API}/bookings/${t.id}/complete`)
            .set(bearer(port.staffToken)),
        ),
      );
      expect(answers.map((r) => [r.status, r.body.status])).toEqual(Array(12).fill([200, 'completed']));

      await Promise.all(
        drivers.map((d, i) =>
          d
            .waitFor('booking:update', (u) => u.status === 'completed', 0, 5_000)
            .then((u) =>
              expect(u).toMatchObject({
                bookingId: port.trucks[i].id,
                position: null,
                etaMinutes: null,
                reason: 'completed',
                lane: null,
              }),
            ),
        ),
      );
      // The firm hears every one of its bookings too.
      await Promise.all(
        port.trucks.map((t) =>
          firm.waitFor('booking:update', (u) => u.bookingId === t.id && u.status === 'completed', fromFirm, 5_000),
        ),
      );
      drivers.forEach((d, i) => expect(d.events.every((e) => e.data.bookingId === port.trucks[i].id)).toBe(true));
    });
  });

  describe('public board', () => {
    let port: Port;
    beforeAll(async () => {
      port = await preparePort('DALUO', 4);
      // lane:update and slots:update come from the worker's relay (port events).
      await api.worker();
    });

    /** Nothing personal ever: no whole plate, no driver name, no phone, no booking id or reference. */
    const expectAnonymous = (payload: unknown) => {
      const text = JSON.stringify(payload);
      for (const t of port.trucks) {
        for (const secret of [t.plate, t.driverName, t.phone, t.id, t.reference, t.driverCode])
          expect(text).not.toContain(secret);
      }
      const q = payload as { entries?: Json[]; inserted?: Json[]; called: Json[] };
      for (const e of q.entries ?? q.inserted ?? [])
        expect(Object.keys(e).sort()).toEqual(['plateMasked', 'position', 'priority', 'slotStartsAt', 'status']);
      for (const c of q.called) expect(Object.keys(c).sort()).toEqual(['calledAt', 'laneId', 'plateMasked']);
    };

    it('a subscriber on process B follows check-ins and calls made on process A, with masked plates', async () => {
      const board = await connect(other.url);
      expect(await board.emitWithAck('subscribe', { port: "x'; drop", direction: 'sideways' })).toMatchObject({
        ok: false,
      });
      const ack = await board.emitWithAck('subscribe', { port: port.code, direction: 'export' });
      expect(ack).toMatchObject({ ok: true });
      const first = await board.waitFor('queue:update');
      expect(first).toMatchObject({ port: port.code, direction: 'export', version: expect.any(Number), entries: [] });
      let version = first.version as number;

      for (const [i, t] of port.trucks.slice(0, 3).entries()) {
        await checkIn(api.http, port, t.plate).expect(201);
        const u = await board.waitForQueue((q) => (q.entries as Json[]).length === i + 1);
        expect(u.version).toBeGreaterThan(version);
        version = u.version as number;
      }
      const from = board.mark();
      await callNext(api.http, port).expect(200);
      const afterCall = await board.waitForQueue((q) => (q.entries as Json[]).length === 2);
      // Each change came as a delta of its own (a check-in inserted one truck, the call removed the head).
      expect(board.of('queue:update', from)).toEqual([
        expect.objectContaining({ removed: [1], inserted: [], version: afterCall.version }),
      ]);
      expect(afterCall.version).toBeGreaterThan(version);
      expect(afterCall.called).toEqual([
        { laneId: port.exportLane, plateMasked: expect.stringMatching(/·\*\*\*/), calledAt: expect.any(String) },
      ]);

      const entries = afterCall.entries as Json[];
      expect(entries.map((e) => e.position)).toEqual([1, 2]);
      entries.forEach((e, i) => {
        expect(e).toMatchObject({
          status: 'checked_in',
          plateMasked: expect.stringMatching(/·\*\*\*/),
          priority: false,
        });
        expect(e.plateMasked).not.toBe(port.trucks[i + 1].plate);
      });
      // Versions never go back, whatever order the processes published in.
      const versions = board.of('queue:update').map((q) => q.version as number);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      for (const q of board.of('queue:update')) expectAnonymous(q);

      const rest = await request(api.url)
        .get(`${API}/ports/${port.code}/queue`)
        .query({ direction: 'export' })
        .expect(200);
      expectAnonymous(rest.body);
      expect(rest.body.entries).toEqual(entries);
      expect(rest.body.called).toEqual(afterCall.called);
    });

    it('staff see whole plates on their own socket; the board never does', async () => {
      const staff = await connect(api.url, port.staffToken);
      const from = staff.mark();
      await checkIn(other.http, port, port.trucks[3].plate).expect(201);
      // Staff sockets start from GET …/queue/staff and apply what each change did.
      const u = await staff.waitFor('queue:update', () => true, from);
      // With whom to phone, what it carries and since when it waits: the staff's view only.
      const details = {
        driverName: port.trucks[3].driverName,
        driverPhone: port.trucks[3].phone,
        firmName: `Live ${port.code} Haulage`,
        cargoDescription: cargo().description,
        perishable: false,
        greenChannel: false,
        checkedInAt: expect.any(String),
      };
      expect(u).toMatchObject({
        removed: [],
        inserted: [expect.objectContaining({ position: 3, plate: port.trucks[3].plate, ...details })],
      });
      const rest = await request(api.url)
        .get(`${API}/ports/${port.code}/queue/staff`)
        .query({ direction: 'export' })
        .set(bearer(port.staffToken))
        .expect(200);
      expect(rest.body.version).toBe(u.version);
      expect((rest.body.entries as Json[]).map((e) => e.plate)).toEqual(port.trucks.slice(1, 4).map((t) => t.plate));
      expect(rest.body.entries[2]).toEqual(expect.objectContaining(details));
      expect(rest.body.called).toEqual([
        expect.objectContaining({
          plate: port.trucks[0].plate,
          driverName: port.trucks[0].driverName,
          driverPhone: port.trucks[0].phone,
        }),
      ]);
    });

    it('a port admin, who has no port of its own, gets the staff view of the port it subscribes to', async () => {
      const admin = await connect(other.url, api.adminToken);
      expect(await admin.emitWithAck('subscribe', { port: port.code, direction: 'export' })).toMatchObject({
        ok: true,
      });
      const first = await admin.waitFor('queue:update');
      expect((first.entries as Json[]).map((e) => e.plate)).toEqual(port.trucks.slice(1, 4).map((t) => t.plate));
    });

    it("lane status changes reach the board and make waiting drivers' ETA null with the reason", async () => {
      const board = await connect(other.url);
      await board.emitWithAck('subscribe', { port: port.code, direction: 'export' });
      await board.waitFor('queue:update');
      const waiting = port.trucks[1];
      const driver = await connect(other.url, await driverToken(waiting));
      expect(await driver.waitFor('booking:update')).toMatchObject({
        bookingId: waiting.id,
        position: 1,
        etaMinutes: expect.any(Number),
        reason: null,
      });

      let from = board.mark();
      let fromDriver = driver.mark();
      await laneStatus(api.http, port, 'paused');
      expect(await board.waitFor('lane:update', () => true, from)).toEqual({
        port: port.code,
        laneId: port.exportLane,
        status: 'paused',
      });
      expect(await driver.waitFor('booking:update', (u) => u.reason === 'lane_paused', fromDriver)).toMatchObject({
        bookingId: waiting.id,
        etaMinutes: null,
        position: 1,
      });
      expect(
        (
          await api.http
            .get(`${API}/driver/booking`)
            .set(bearer(await driverToken(waiting)))
            .expect(200)
        ).body,
      ).toMatchObject({ etaMinutes: null, reason: 'lane_paused' });
      const refused = await callNext(other.http, port).expect(409);
      expect(refused.body.code).toBe('lane_not_open');

      from = board.mark();
      fromDriver = driver.mark();
      await laneStatus(other.http, port, 'closed');
      expect(await board.waitFor('lane:update', () => true, from)).toEqual({
        port: port.code,
        laneId: port.exportLane,
        status: 'closed',
      });
      expect(await driver.waitFor('booking:update', (u) => u.reason === 'lane_closed', fromDriver)).toMatchObject({
        etaMinutes: null,
      });
      await callNext(api.http, port).expect(409);

      from = board.mark();
      fromDriver = driver.mark();
      await laneStatus(api.http, port, 'open');
      expect(await board.waitFor('lane:update', () => true, from)).toMatchObject({ status: 'open' });
      const reopened = await driver.waitFor('booking:update', (u) => u.etaMinutes !== null, fromDriver);
      expect(reopened).toMatchObject({ reason: null, position: 1 });
      // REST says what the socket said last.
      expect({
        ...(
          await other.http
            .get(`${API}/driver/booking`)
            .set(bearer(await driverToken(waiting)))
            .expect(200)
        ).body,
        trip: undefined,
      }).toEqual({ ...reopened, trip: undefined });
      expect(driver.events.every((e) => e.event === 'booking:update' && e.data.bookingId === waiting.id)).toBe(true);
      expect(board.of('lane:update').map((l) => l.status)).toEqual(['paused', 'closed', 'open']);
    });
  });

  describe('slots:update', () => {
    it('a board subscriber hears the slot count after a booking and after its cancellation', async () => {
      const code = 'QINGSHUIHE';
      await putSchedule(api, code, DAY);
      const date = DateTime.fromJSDate(clock.now()).setZone(ZONE).plus({ days: 1 }).toISODate() as string;
      const slot = (await slotsOf(api, code, date))[10];
      const firm = await createFirm(api, 'Slots Watchers', 1);
      const board = await connect(other.url);
      const importBoard = await connect(other.url);
      expect(await board.emitWithAck('subscribe', { port: code, direction: 'export' })).toMatchObject({ ok: true });
      expect(await importBoard.emitWithAck('subscribe', { port: code, direction: 'import' })).toMatchObject({
        ok: true,
      });

      let from = board.mark();
      const booked = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
        .expect(201);
      expect(await board.waitFor('slots:update', () => true, from)).toEqual({
        port: code,
        direction: 'export',
        slotId: slot.id,
        booked: slot.booked + 1,
        available: slot.available - 1,
      });

      from = board.mark();
      await other.http.post(`${API}/bookings/${booked.body.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
      expect(await board.waitFor('slots:update', () => true, from)).toEqual({
        port: code,
        direction: 'export',
        slotId: slot.id,
        booked: slot.booked,
        available: slot.available,
      });
      expect(importBoard.of('slots:update')).toEqual([]);
    });
  });
});
