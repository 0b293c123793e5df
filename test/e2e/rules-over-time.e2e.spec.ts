import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { ExpireOverdueJob } from '@kouan/queue';
import {
  API,
  bearer,
  bookNewTruck,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

type Json = Record<string, unknown>;

/**
 * The port's rules over time (docs/queue-rules.md, "Expiry and the called timeout", "Strikes"), through HTTP,
 * socket.io and the worker in this process. Time moves by setting a booking's (or a lane change's) timestamps back
 * in this file's own database; the worker's job and every strike count then read them at the API's clock (10:00 port
 * time, running: the slot holding "now" is open and its check-in window too, whatever the hour the suite runs at).
 */
describe('rules over time', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  const clients: LiveClient[] = [];
  let plateSeq = 0;
  const clock = portDayClock();

  beforeAll(async () => {
    api = await startApi({}, { clock });
    worker = await api.worker();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  interface Truck {
    id: string;
    reference: string;
    driverCode: string;
    plate: string;
  }

  const openPort = (port: string, over: Record<string, unknown> = {}) =>
    putSchedule(api, port, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
      ...over,
    });

  const book = async (firm: TestFirm, slotId: string): Promise<Truck> => {
    plateSeq += 1;
    const plate = `云R${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const t = await bookNewTruck(api.http, firm, slotId, plate);
    return { id: t.bookingId, reference: t.reference, driverCode: t.driverCode, plate: t.plate };
  };

  const driverToken = async (t: Truck) =>
    (
      await api.http
        .post(`${API}/driver/session`)
        .send({ reference: t.reference, driverCode: t.driverCode })
        .expect(200)
    ).body.accessToken as string;

  /** The waiting line as REST shows it: plates' last two characters (masked plates keep them), in order. */
  const line = async (port: string) =>
    (
      (await api.http.get(`${API}/ports/${port}/queue`).query({ direction: 'export' }).expect(200)).body
        .entries as Array<{ plateMasked: string }>
    ).map((e) => e.plateMasked.slice(-2));
  const tails = (...trucks: Truck[]) => trucks.map((t) => t.plate.slice(-2));

  const events = async (bookingId: string) =>
    (await api.ds.query(
      `SELECT type, data ->> 'reason' AS reason FROM booking_events WHERE booking_id = $1 ORDER BY seq`,
      [bookingId],
    )) as Array<{ type: string; reason: string | null }>;

  /** The worker's minutely run, now (the scheduled one may beat it to a change: both re-check under the queue lock). */
  const runExpiry = () => worker.get(ExpireOverdueJob).handle();
  const callTimedOut = (id: string, ago = '16 minutes') =>
    api.ds.query(`UPDATE bookings SET called_at = $3::timestamptz - $2::interval WHERE id = $1`, [
      id,
      ago,
      clock.now(),
    ]);

  describe('called timeout', () => {
    const PORT = 'MENGKANG';
    let firm: TestFirm;
    let staff: string;
    let lane: string;
    let board: LiveClient;

    beforeAll(async () => {
      await openPort(PORT, { calledTimeoutMinutes: 15 });
      firm = await createFirm(api, 'Timeout Transport', 1);
      staff = await portStaffToken(api, PORT);
      lane = await laneOf(api, PORT);
      board = await connectLive(api.url, clients);
      expect(await board.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toEqual({ ok: true });
    });

    const callNext = async () =>
      (await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200)).body
        .bookingId as string;
    const checkIn = (t: Truck) =>
      api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: t.plate }).expect(201);

    /** The board, applying every delta it got to the view it got on subscribing, shows what REST shows. */
    const boardMatchesRest = async () => {
      const rest = (await api.http.get(`${API}/ports/${PORT}/queue`).query({ direction: 'export' }).expect(200))
        .body as Json;
      await board.waitForQueue(
        (q) => JSON.stringify([q.entries, q.called]) === JSON.stringify([rest.entries, rest.called]),
      );
    };

    it('puts a truck that missed its call back once, directly behind the truck first in line; the second time it is a no-show', async () => {
      const slot = (await slotAt(api, PORT)).id;
      const [a, b, c] = [await book(firm, slot), await book(firm, slot), await book(firm, slot)];
      for (const t of [a, b, c]) await checkIn(t);
      const driver = await driverToken(a);
      const phone = await connectLive(api.url, clients, { token: driver });
      expect(await callNext()).toBe(a.id);

      // Within the timeout nothing happens.
      await callTimedOut(a.id, '14 minutes');
      await runExpiry();
      expect((await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200)).body.status).toBe('called');

      const mark = phone.mark();
      await callTimedOut(a.id);
      await runExpiry();
      const back = await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200);
      expect(back.body).toMatchObject({
        status: 'checked_in',
        position: 2,
        lane: null,
        parking: null,
        instructions: expect.stringContaining('重新排到队首车辆之后'),
      });
      expect(await line(PORT)).toEqual(tails(b, a, c));
      // The driver hears it on the phone, in the driver's language; the board follows by deltas.
      await phone.waitFor(
        'booking:update',
        (u) => u.status === 'checked_in' && u.position === 2 && String(u.instructions).includes('重新排到队首车辆之后'),
        mark,
      );
      await boardMatchesRest();
      expect(
        (await api.ds.query('SELECT called_timeouts FROM bookings WHERE id = $1', [a.id]))[0].called_timeouts,
      ).toBe(1);

      // Called again after the truck first in line; a second missed call makes it a no-show.
      expect(await callNext()).toBe(b.id);
      expect(await callNext()).toBe(a.id);
      await callTimedOut(a.id);
      await runExpiry();
      const gone = await api.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200);
      expect(gone.body).toMatchObject({ status: 'no_show', position: null, reason: 'no_show' });
      expect(await line(PORT)).toEqual(tails(c));
      await boardMatchesRest();
      expect((await events(a.id)).slice(-4)).toEqual([
        { type: 'booking.called', reason: null },
        { type: 'booking.requeued', reason: 'called_timeout' },
        { type: 'booking.called', reason: null },
        { type: 'booking.no_show', reason: 'called_timeout' },
      ]);
      // A skip is not a timeout: it does not use up the truck's second chance.
      expect(await callNext()).toBe(c.id);
      await api.http.post(`${API}/bookings/${c.id}/skip`).set(bearer(staff)).expect(200);
      expect(await callNext()).toBe(c.id);
      await callTimedOut(c.id);
      await runExpiry();
      expect(await line(PORT)).toEqual(tails(c));
      await api.http.post(`${API}/bookings/${b.id}/complete`).set(bearer(staff)).expect(200);
      expect(await callNext()).toBe(c.id);
      await api.http.post(`${API}/bookings/${c.id}/complete`).set(bearer(staff)).expect(200);
    });

    it('puts several trucks whose calls timed out back one change each, in the order their calls timed out', async () => {
      const slot = (await slotAt(api, PORT)).id;
      const [d, e, f, g] = [
        await book(firm, slot),
        await book(firm, slot),
        await book(firm, slot),
        await book(firm, slot),
      ];
      for (const t of [d, e, f, g]) await checkIn(t);
      expect(await callNext()).toBe(d.id);
      expect(await callNext()).toBe(e.id);
      // Read before the calls are made overdue: the worker's own minutely expiry may requeue them before runExpiry does.
      const before = Number(
        (await api.ds.query(`SELECT version FROM queue_state WHERE port_code = $1 AND direction = 'export'`, [PORT]))[0]
          .version,
      );
      await callTimedOut(d.id, '20 minutes');
      await callTimedOut(e.id, '17 minutes');
      await runExpiry();
      // D's call timed out first: it went behind F; then E went behind F, ahead of D.
      expect(await line(PORT)).toEqual(tails(f, e, d, g));
      const after = Number(
        (await api.ds.query(`SELECT version FROM queue_state WHERE port_code = $1 AND direction = 'export'`, [PORT]))[0]
          .version,
      );
      expect(after - before).toBeGreaterThanOrEqual(2);
      await boardMatchesRest();
      expect((await events(d.id)).at(-1)).toEqual({ type: 'booking.requeued', reason: 'called_timeout' });
      expect((await events(e.id)).at(-1)).toEqual({ type: 'booking.requeued', reason: 'called_timeout' });
    });
  });

  describe('strikes, waivers and standing', () => {
    let staff: Record<string, string>;
    let lanes: Record<string, string>;
    const PORTS = ['TIANBAO', 'JINSHUIHE', 'DULONG'];

    beforeAll(async () => {
      // TIANBAO halves a firm's share above 2 strikes; the others keep the default limit of 5.
      await openPort('TIANBAO', { strikeLimit: 2, firmQuotaPercent: 50 });
      await openPort('JINSHUIHE');
      await openPort('DULONG');
      staff = Object.fromEntries(await Promise.all(PORTS.map(async (p) => [p, await portStaffToken(api, p)])));
      lanes = Object.fromEntries(await Promise.all(PORTS.map(async (p) => [p, await laneOf(api, p)])));
    });

    /** A truck of `firm` booked now at `port`, checked in, called and marked no-show by the port's staff. */
    const noShow = async (firm: TestFirm, port: string): Promise<Truck> => {
      const t = await book(firm, (await slotAt(api, port)).id);
      await api.http
        .post(`${API}/ports/${port}/check-ins`)
        .set(bearer(staff[port]))
        .send({ plate: t.plate })
        .expect(201);
      const called = await api.http
        .post(`${API}/ports/${port}/lanes/${lanes[port]}/call-next`)
        .set(bearer(staff[port]))
        .expect(200);
      expect(called.body.bookingId).toBe(t.id);
      await api.http
        .post(`${API}/bookings/${t.id}/no-show`)
        .set(bearer(staff[port]))
        .expect(200, { status: 'no_show' });
      return t;
    };

    const standing = (firm: TestFirm, query: Record<string, string> = {}, token = firm.dispatcherToken) =>
      api.http.get(`${API}/firms/${firm.id}/standing`).query(query).set(bearer(token));
    const strikes = async (firm: TestFirm) => (await standing(firm).expect(200)).body.strikes30d as number;
    const setLane = (port: string, status: string) =>
      api.http
        .post(`${API}/ports/${port}/lanes/${lanes[port]}/status`)
        .set(bearer(staff[port]))
        .send({ status })
        .expect(200);

    it('counts every no-show against its firm at every port for 30 days; each port judges it by its own limit', async () => {
      const firm = await createFirm(api, 'Strike Logistics', 1);
      const other = await createFirm(api, 'Punctual Freight', 1);
      const fresh = await standing(firm).expect(200);
      expect(fresh.body).toMatchObject({
        firmId: firm.id,
        strikes30d: 0,
        noShows30d: 0,
        strikeLimit: 2,
        quotaPercentNow: 30,
        port: null,
      });
      expect(fresh.body.ports).toHaveLength(17);

      const first = await noShow(firm, 'TIANBAO');
      await noShow(firm, 'JINSHUIHE');
      await noShow(firm, 'JINSHUIHE');
      // Three strikes: above TIANBAO's limit of 2 (its 50% share halves), within JINSHUIHE's 5.
      expect((await standing(firm, { port: 'tianbao' }).expect(200)).body).toEqual({
        firmId: firm.id,
        strikes30d: 3,
        noShows30d: 3,
        strikeLimit: 2,
        quotaPercentNow: 25,
        port: 'TIANBAO',
        ports: [{ port: 'TIANBAO', strikeLimit: 2, quotaPercent: 50, quotaPercentNow: 25 }],
      });
      expect((await standing(firm, { port: 'JINSHUIHE' }).expect(200)).body).toMatchObject({
        strikes30d: 3,
        strikeLimit: 5,
        quotaPercentNow: 100,
      });
      // Without a port: the most restrictive, the lowest limit and the lowest share of any port now.
      const all = await standing(firm, {}, api.adminToken).expect(200);
      expect(all.body).toMatchObject({ strikes30d: 3, strikeLimit: 2, quotaPercentNow: 25, port: null });
      expect(all.body.ports.find((s: Json) => s.port === 'HEKOU')).toEqual({
        port: 'HEKOU',
        strikeLimit: 5,
        quotaPercent: 30,
        quotaPercentNow: 30,
      });
      expect(await strikes(other)).toBe(0);

      // A strike ages out 30 days after the no-show; then TIANBAO gives the whole share back.
      await api.ds.query(
        `UPDATE bookings SET no_show_at = $2::timestamptz - interval '30 days 1 minute' WHERE id = $1`,
        [first.id, clock.now()],
      );
      expect((await standing(firm, { port: 'TIANBAO' }).expect(200)).body).toMatchObject({
        strikes30d: 2,
        noShows30d: 2,
        quotaPercentNow: 50,
      });
    });

    it("shows a firm its own standing only; port admins see any firm's", async () => {
      const firm = await createFirm(api, 'Nosy Haulage', 0);
      const other = await createFirm(api, 'Private Carriers', 0);
      expect((await standing(firm, {}, firm.adminToken).expect(200)).body.firmId).toBe(firm.id);
      await standing(other, {}, firm.dispatcherToken).expect(404);
      await standing(firm, {}, staff.TIANBAO).expect(403);
      await api.http.get(`${API}/firms/${firm.id}/standing`).expect(401);
      await api.http.get(`${API}/firms/not-a-firm/standing`).set(bearer(api.adminToken)).expect(400);
      await api.http.get(`${API}/firms/${randomUUID()}/standing`).set(bearer(api.adminToken)).expect(404);
      await standing(firm, { port: 'NOWHERE' }).expect(404);
      await standing(firm, { port: "'; drop" }).expect(400);
      await standing(firm, { portCode: 'TIANBAO' }).expect(400);
    });

    it('waives a no-show by itself when a lane of its port and direction was paused or closed during its slot', async () => {
      const firm = await createFirm(api, 'Unlucky Transport', 1);
      const port = 'DULONG';
      const t = await noShow(firm, port);
      expect((await standing(firm).expect(200)).body).toMatchObject({ strikes30d: 1, noShows30d: 1 });
      // The other direction's lane stopping changes nothing.
      const importLane = ((await api.http.get(`${API}/ports/${port}`).expect(200)).body.lanes as Json[]).find(
        (l) => l.direction === 'import',
      )!.id as string;
      for (const status of ['paused', 'open']) {
        await api.http
          .post(`${API}/ports/${port}/lanes/${importLane}/status`)
          .set(bearer(staff[port]))
          .send({ status })
          .expect(200);
      }
      expect(await strikes(firm)).toBe(1);
      // The export lane paused later in the same slot: the port stopped, so the strike goes by itself.
      await setLane(port, 'paused');
      await setLane(port, 'open');
      expect((await standing(firm).expect(200)).body).toMatchObject({ strikes30d: 0, noShows30d: 1 });

      // The same pause an hour before the slot began does not waive it...
      const slot = (
        await api.ds.query('SELECT starts_at FROM slots WHERE id = (SELECT slot_id FROM bookings WHERE id = $1)', [
          t.id,
        ])
      )[0].starts_at as Date;
      const moveChanges = (pausedAt: string, openedAt: string) =>
        api.ds.query(
          `UPDATE lane_status_changes SET changed_at = CASE status WHEN 'paused' THEN $2::timestamptz ELSE $3::timestamptz END WHERE lane_id = $1`,
          [lanes[port], pausedAt, openedAt],
        );
      const at = (minutes: number) => new Date(slot.getTime() + minutes * 60_000).toISOString();
      await moveChanges(at(-60), at(-30));
      expect(await strikes(firm)).toBe(1);
      // ...but a lane still paused when the slot began does, and so does a lane closed from before the slot to now.
      await moveChanges(at(-60), at(10));
      expect(await strikes(firm)).toBe(0);
      await moveChanges(at(-60), at(-30));
      await setLane(port, 'closed');
      await api.ds.query(`UPDATE lane_status_changes SET changed_at = $2 WHERE lane_id = $1 AND status = 'closed'`, [
        lanes[port],
        at(-5),
      ]);
      expect(await strikes(firm)).toBe(0);
      await setLane(port, 'open');
    });

    it("halves the share of a firm above a port's strike limit until its strikes age out", async () => {
      const port = 'PIANMA';
      // 4 places, a 50% share: 2 places per firm, 1 above the limit of 1 strike.
      await openPort(port, { capacity: { export: 4, import: 4 }, firmQuotaPercent: 50, strikeLimit: 1 });
      const firm = await createFirm(api, 'Halved Haulage', 1);
      const clean = await createFirm(api, 'Steady Shipping', 1);
      const slot = (await slotAt(api, port, 3)).id;
      const first = await noShow(firm, 'JINSHUIHE');
      await noShow(firm, 'JINSHUIHE');
      expect((await standing(firm, { port }).expect(200)).body).toMatchObject({
        strikes30d: 2,
        strikeLimit: 1,
        quotaPercentNow: 25,
      });

      await book(firm, slot);
      plateSeq += 1;
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate: `云H${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`, country: 'CN' })
        .expect(201);
      const second = () =>
        api.http
          .post(`${API}/bookings`)
          .set(bearer(firm.dispatcherToken))
          .send({ slotId: slot, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() });
      // A second place would fit the usual share of 2: refused with the halved one.
      expect((await second().expect(409)).body).toMatchObject({
        statusCode: 409,
        code: 'quota_exceeded',
        quota: 1,
        quotaHalved: true,
      });
      // Others keep theirs.
      await book(clean, slot);
      await book(clean, slot);
      const full = await api.http
        .post(`${API}/bookings`)
        .set(bearer(clean.dispatcherToken))
        .send({
          slotId: slot,
          vehicleId: (
            await api.http
              .post(`${API}/vehicles`)
              .set(bearer(clean.dispatcherToken))
              .send({ plate: `云H${randomBytes(3).toString('hex').toUpperCase()}`, country: 'CN' })
              .expect(201)
          ).body.id,
          driverId: clean.driverIds[0],
          cargo: cargo(),
        })
        .expect(409);
      expect(full.body).toMatchObject({ code: 'quota_exceeded', quota: 2, quotaHalved: false });

      // One strike ages out: no longer above the limit, the firm gets its whole share back.
      await api.ds.query(`UPDATE bookings SET no_show_at = $2::timestamptz - interval '31 days' WHERE id = $1`, [
        first.id,
        clock.now(),
      ]);
      expect((await standing(firm, { port }).expect(200)).body).toMatchObject({ strikes30d: 1, quotaPercentNow: 50 });
      expect((await second().expect(201)).body.status).toBe('booked');
    });

    it('port staff waive a no-show with a reason: it stays a no-show and stops counting', async () => {
      const firm = await createFirm(api, 'Excused Express', 1);
      const port = 'JINSHUIHE';
      const t = await noShow(firm, port);
      const kept = await noShow(firm, port);
      expect(await strikes(firm)).toBe(2);
      const waive = (id: string, body: unknown, token = staff[port]) =>
        api.http
          .post(`${API}/bookings/${id}/waive`)
          .set(bearer(token))
          .send(body as object);

      // Checks in the contract's order: token, role, body, then scope and state.
      await api.http.post(`${API}/bookings/${t.id}/waive`).send({ reason: 'x' }).expect(401);
      await waive(t.id, { reason: 'x' }, firm.dispatcherToken).expect(403);
      for (const body of [
        {},
        { reason: '' },
        { reason: '   ' },
        { reason: 'x'.repeat(501) },
        { reason: 42 },
        { reason: 'ok', extra: 1 },
      ]) {
        expect((await waive(t.id, body).expect(400)).body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      await waive('not-a-uuid', { reason: 'gate scanner fault' }).expect(400);
      await waive(t.id, { reason: 'gate scanner fault' }, staff.TIANBAO).expect(404);
      await waive(randomUUID(), { reason: 'gate scanner fault' }).expect(404);
      const booked = await book(firm, (await slotAt(api, port)).id);
      expect((await waive(booked.id, { reason: 'gate scanner fault' }).expect(409)).body.code).toBe('not_no_show');
      expect(await strikes(firm)).toBe(2);

      const res = await waive(t.id, { reason: '  Gate scanner fault held the truck outside  ' }).expect(200);
      expect(res.body).toEqual({
        bookingId: t.id,
        status: 'no_show',
        waivedAt: expect.stringMatching(/\+08:00$/),
        reason: 'Gate scanner fault held the truck outside',
      });
      expect((await waive(t.id, { reason: 'again' }).expect(409)).body.code).toBe('already_waived');
      expect((await standing(firm).expect(200)).body).toMatchObject({ strikes30d: 1, noShows30d: 2 });
      expect(
        (await api.http.get(`${API}/bookings/${t.id}`).set(bearer(firm.dispatcherToken)).expect(200)).body.status,
      ).toBe('no_show');
      expect((await events(t.id)).at(-1)).toEqual({
        type: 'booking.waived',
        reason: 'Gate scanner fault held the truck outside',
      });
      // A port admin may waive at any port.
      await waive(kept.id, { reason: 'lane camera outage' }, api.adminToken).expect(200);
      expect(await strikes(firm)).toBe(0);
    });
  });
});
