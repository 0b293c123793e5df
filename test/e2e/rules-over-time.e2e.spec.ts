import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ExpireOverdueJob } from '@kouan/queue';
import { API, bearer, cargo, createFirm, portStaffToken, putSchedule, slotAt, startApi, TestApi, TestFirm } from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

type Json = Record<string, unknown>;

/**
 * The port's rules over time (docs/queue-rules.md, "Called timeout"), through HTTP, socket.io and the worker in
 * this process. Time moves by setting a booking's timestamps back in this file's own database; the worker's job
 * then re-checks them on the database clock as it does every minute.
 */
describe('rules over time', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  const clients: LiveClient[] = [];
  let plateSeq = 0;

  beforeAll(async () => {
    api = await startApi();
    worker = await api.worker();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  interface Truck { id: string; reference: string; driverCode: string; plate: string }

  /** Round-the-clock ports, so the slot holding "now" exists and its check-in window is open whatever the time. */
  const openAllDay = (port: string, over: Record<string, unknown> = {}) =>
    putSchedule(api, port, { openFrom: '00:00', openTo: '24:00', capacity: { export: 40, import: 40 }, firmQuotaPercent: 100, ...over });

  const book = async (firm: TestFirm, slotId: string): Promise<Truck> => {
    plateSeq += 1;
    const plate = `云R${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const v = await api.http.post(`${API}/vehicles`).set(bearer(firm.dispatcherToken)).send({ plate, country: 'CN' }).expect(201);
    const b = await api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken))
      .send({ slotId, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() }).expect(201);
    return { id: b.body.id, reference: b.body.reference, driverCode: b.body.driverCode, plate: v.body.plate };
  };

  const driverToken = async (t: Truck) =>
    (await api.http.post(`${API}/driver/session`).send({ reference: t.reference, driverCode: t.driverCode }).expect(200)).body.accessToken as string;

  const exportLane = async (port: string) =>
    ((await api.http.get(`${API}/ports/${port}`).expect(200)).body.lanes as Array<{ id: string; direction: string }>)
      .find((l) => l.direction === 'export')!.id;

  /** The waiting line as REST shows it: plates' last two characters (masked plates keep them), in order. */
  const line = async (port: string) =>
    ((await api.http.get(`${API}/ports/${port}/queue`).query({ direction: 'export' }).expect(200)).body.entries as Array<{ plateMasked: string }>)
      .map((e) => e.plateMasked.slice(-2));
  const tails = (...trucks: Truck[]) => trucks.map((t) => t.plate.slice(-2));

  const events = async (bookingId: string) =>
    (await api.ds.query(`SELECT type, data ->> 'reason' AS reason FROM booking_events WHERE booking_id = $1 ORDER BY seq`, [bookingId])) as
      Array<{ type: string; reason: string | null }>;

  /** The worker's minutely run, now (the scheduled one may beat it to a change: both re-check under the queue lock). */
  const runExpiry = () => worker.get(ExpireOverdueJob).handle();
  const callTimedOut = (id: string, ago = '16 minutes') =>
    api.ds.query(`UPDATE bookings SET called_at = now() - $2::interval WHERE id = $1`, [id, ago]);

  describe('called timeout', () => {
    const PORT = 'MENGKANG';
    let firm: TestFirm;
    let staff: string;
    let lane: string;
    let board: LiveClient;

    beforeAll(async () => {
      await openAllDay(PORT, { calledTimeoutMinutes: 15 });
      firm = await createFirm(api, 'Timeout Transport', 1);
      staff = await portStaffToken(api, PORT);
      lane = await exportLane(PORT);
      board = await connectLive(api.url, clients);
      expect(await board.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toEqual({ ok: true });
    });

    const callNext = async () =>
      (await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200)).body.bookingId as string;
    const checkIn = (t: Truck) => api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: t.plate }).expect(201);

    /** The board, applying every delta it got to the view it got on subscribing, shows what REST shows. */
    const boardMatchesRest = async () => {
      const rest = (await api.http.get(`${API}/ports/${PORT}/queue`).query({ direction: 'export' }).expect(200)).body as Json;
      await board.waitForQueue((q) => JSON.stringify([q.entries, q.called]) === JSON.stringify([rest.entries, rest.called]));
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
      expect(back.body).toMatchObject({ status: 'checked_in', position: 2, lane: null, parking: null, instructions: expect.stringContaining('重新排到队首车辆之后') });
      expect(await line(PORT)).toEqual(tails(b, a, c));
      // The driver hears it on the phone, in the driver's language; the board follows by deltas.
      await phone.waitFor('booking:update', (u) => u.status === 'checked_in' && u.position === 2 && String(u.instructions).includes('重新排到队首车辆之后'), mark);
      await boardMatchesRest();
      expect((await api.ds.query('SELECT called_timeouts FROM bookings WHERE id = $1', [a.id]))[0].called_timeouts).toBe(1);

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
        { type: 'booking.called', reason: null }, { type: 'booking.requeued', reason: 'called_timeout' },
        { type: 'booking.called', reason: null }, { type: 'booking.no_show', reason: 'called_timeout' },
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
      const [d, e, f, g] = [await book(firm, slot), await book(firm, slot), await book(firm, slot), await book(firm, slot)];
      for (const t of [d, e, f, g]) await checkIn(t);
      expect(await callNext()).toBe(d.id);
      expect(await callNext()).toBe(e.id);
      await callTimedOut(d.id, '20 minutes');
      await callTimedOut(e.id, '17 minutes');
      const before = Number((await api.ds.query(`SELECT version FROM queue_state WHERE port_code = $1 AND direction = 'export'`, [PORT]))[0].version);
      await runExpiry();
      // D's call timed out first: it went behind F; then E went behind F, ahead of D.
      expect(await line(PORT)).toEqual(tails(f, e, d, g));
      const after = Number((await api.ds.query(`SELECT version FROM queue_state WHERE port_code = $1 AND direction = 'export'`, [PORT]))[0].version);
      expect(after - before).toBeGreaterThanOrEqual(2);
      await boardMatchesRest();
      expect((await events(d.id)).at(-1)).toEqual({ type: 'booking.requeued', reason: 'called_timeout' });
      expect((await events(e.id)).at(-1)).toEqual({ type: 'booking.requeued', reason: 'called_timeout' });
    });
  });
});
