import { randomBytes } from 'node:crypto';
import {
  API, bearer, cargo, createFirm, portDate, putSchedule, slotsOf, SlotView, startApi, TestApi, TestFirm,
} from '../support/harness';

/**
 * Driver sessions (contract: "Driver sessions last the wait"): token expiry, refresh, final bookings, and the
 * wrong-code limits kept on the booking row. The Redis login throttle is set out of the way here so that
 * what is measured is the per-booking count in Postgres.
 */
describe('driver sessions', () => {
  let api: TestApi;
  let firm: TestFirm;
  let slots: SlotView[];
  let seq = 0;

  /** checkInGraceMinutes of DEFAULT_SCHEDULE (30) + the 2 hours a session outlasts the window. */
  const AFTER_SLOT_END_MS = (30 + 120) * 60_000;

  interface Booked { id: string; reference: string; driverCode: string; slot: SlotView }

  const book = async (): Promise<Booked> => {
    seq += 1;
    const slot = slots[seq % slots.length];
    const v = await api.http.post(`${API}/vehicles`).set(bearer(firm.dispatcherToken))
      .send({ plate: `云D${randomBytes(2).toString('hex').toUpperCase()}${seq}`, country: 'CN' }).expect(201);
    const b = await api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() }).expect(201);
    return { id: b.body.id, reference: b.body.reference, driverCode: b.body.driverCode, slot };
  };

  const open = (reference: string, driverCode: string) => api.http.post(`${API}/driver/session`).send({ reference, driverCode });
  const refresh = (token: string) => api.http.post(`${API}/driver/session/refresh`).set(bearer(token));
  const reissue = (id: string, token = firm.dispatcherToken) => api.http.post(`${API}/bookings/${id}/driver-code`).set(bearer(token));
  /** A code that is not the booking's. */
  const wrongFor = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
  const expOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
  const counters = async (id: string) =>
    (await api.ds.query(
      'SELECT driver_code_failures AS "inAll", driver_code_window_failures AS "thisHour" FROM bookings WHERE id = $1', [id],
    ))[0] as { inAll: number; thisHour: number };
  /** Moves the booking's hour of wrong codes into the past, as if the hour had passed. */
  const ageWindow = (id: string) =>
    api.ds.query(`UPDATE bookings SET driver_code_window_start = driver_code_window_start - interval '61 minutes' WHERE id = $1`, [id]);

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Simao Freight', 1);
    await putSchedule(api, 'MOHAN', { capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    slots = (await slotsOf(api, 'MOHAN', portDate())).filter((s) => s.bookable);
  });
  afterAll(() => api.close());

  describe('opening and refreshing', () => {
    it('lasts until 2 h after the check-in window closes, in the port time, and is not cached', async () => {
      const b = await book();
      const res = await open(b.reference, b.driverCode).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ accessToken: expect.any(String), expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/) });
      expect(Date.parse(res.body.expiresAt)).toBe(Date.parse(b.slot.endsAt) + AFTER_SLOT_END_MS);
      expect(expOf(res.body.accessToken) * 1000).toBe(Date.parse(res.body.expiresAt));
      expect(api.tokens.verify(res.body.accessToken)).toMatchObject({ role: 'driver', sub: b.id, bookingId: b.id });
      await api.http.get(`${API}/driver/booking`).set(bearer(res.body.accessToken)).expect(200);
    });

    it('lasts at least DRIVER_JWT_TTL_SECONDS (3600) when the window closed long ago', async () => {
      const b = await book();
      await api.ds.query(
        `WITH s AS (INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity, booked)
                    VALUES ('MOHAN', 'export', now() - interval '6 hours', now() - interval '5 hours', 5, 1) RETURNING id)
         UPDATE bookings SET slot_id = (SELECT id FROM s) WHERE id = $1`, [b.id]);
      const before = Date.now();
      const res = await open(b.reference, b.driverCode).expect(200);
      const at = Date.parse(res.body.expiresAt);
      expect(at).toBeGreaterThanOrEqual(before + 3600_000);
      expect(at).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
      expect(expOf(res.body.accessToken) * 1000).toBe(at);
    });

    it('refreshes with the driver token: a new token by the same rule; others are refused', async () => {
      const b = await book();
      const first = await open(b.reference, b.driverCode).expect(200);
      const res = await refresh(first.body.accessToken).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.expiresAt).toBe(first.body.expiresAt);
      expect(api.tokens.verify(res.body.accessToken)).toMatchObject({ role: 'driver', sub: b.id });
      await api.http.get(`${API}/driver/booking`).set(bearer(res.body.accessToken)).expect(200);

      expect((await api.http.post(`${API}/driver/session/refresh`).expect(401)).body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      await refresh('not.a.token').expect(401);
      expect((await refresh(firm.dispatcherToken).expect(403)).body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    });

    it.each(['cancelled', 'completed', 'no_show'])('a %s booking → 410 booking_closed, at open, refresh and reissue', async (status) => {
      const b = await book();
      const session = await open(b.reference, b.driverCode).expect(200);
      if (status === 'cancelled') {
        await api.http.post(`${API}/bookings/${b.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
      } else {
        await api.ds.query(`UPDATE bookings SET status = $2::varchar, no_show_at = CASE WHEN $2::varchar = 'no_show' THEN now() END WHERE id = $1`, [b.id, status]);
      }
      for (const res of [await open(b.reference, b.driverCode), await refresh(session.body.accessToken), await reissue(b.id)]) {
        expect(res.status).toBe(410);
        expect(res.body).toMatchObject({ statusCode: 410, error: 'Gone', code: 'booking_closed', message: expect.stringContaining(status) });
        expect(res.body).not.toHaveProperty('accessToken');
      }
      // A wrong code still tells nothing about the booking.
      expect((await open(b.reference, wrongFor(b.driverCode)).expect(401)).body).not.toHaveProperty('code');
    });
  });

  describe('wrong codes', () => {
    it('after 10 wrong codes within the hour → 429, also with the right code, until the hour has passed', async () => {
      const b = await book();
      for (let i = 1; i <= 10; i++) {
        const res = await open(b.reference, wrongFor(b.driverCode, i)).expect(401);
        expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'wrong reference or driver code' });
      }
      const blocked = await open(b.reference, wrongFor(b.driverCode, 11)).expect(429);
      expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'too_many_requests', retryAt: expect.stringMatching(/\+08:00$/) });
      expect(Date.parse(blocked.body.retryAt)).toBeGreaterThan(Date.now() + 55 * 60_000);
      const right = await open(b.reference, b.driverCode).expect(429);
      expect(right.body).not.toHaveProperty('accessToken');
      expect(await counters(b.id)).toEqual({ inAll: 10, thisHour: 10 });

      await ageWindow(b.id);
      await open(b.reference, b.driverCode).expect(200);
      // The next wrong code starts a new hour.
      await open(b.reference, wrongFor(b.driverCode)).expect(401);
      expect(await counters(b.id)).toEqual({ inAll: 11, thisHour: 1 });
    });

    it('after 30 wrong codes in all → 423 locked until the firm issues a new code, which alone works and unlocks', async () => {
      const b = await book();
      for (let hour = 0; hour < 3; hour++) {
        for (let i = 1; i <= 10; i++) await open(b.reference, wrongFor(b.driverCode, i)).expect(401);
        await ageWindow(b.id);
      }
      const locked = await open(b.reference, b.driverCode).expect(423);
      expect(locked.body).toMatchObject({ statusCode: 423, error: 'Locked', code: 'locked' });
      await open(b.reference, wrongFor(b.driverCode)).expect(423);
      expect(await counters(b.id)).toEqual({ inAll: 30, thisHour: 10 });

      const fresh = await reissue(b.id).expect(200);
      expect(fresh.headers['cache-control']).toBe('no-store');
      expect(fresh.body).toEqual({ driverCode: expect.stringMatching(/^\d{6}$/) });
      expect(await counters(b.id)).toEqual({ inAll: 0, thisHour: 0 });
      if (fresh.body.driverCode !== b.driverCode) await open(b.reference, b.driverCode).expect(401);
      const session = await open(b.reference, fresh.body.driverCode).expect(200);
      expect(api.tokens.verify(session.body.accessToken)).toMatchObject({ role: 'driver', sub: b.id });
      // The firm admin may reissue too; the dispatcher's code is then dead.
      const again = await reissue(b.id, firm.adminToken).expect(200);
      if (again.body.driverCode !== fresh.body.driverCode) await open(b.reference, fresh.body.driverCode).expect(401);
      await open(b.reference, again.body.driverCode).expect(200);
    });

    it('an idempotent replay of the booking shows the reissued code, not the dead one', async () => {
      seq += 1;
      const v = await api.http.post(`${API}/vehicles`).set(bearer(firm.dispatcherToken))
        .send({ plate: `云D${randomBytes(2).toString('hex').toUpperCase()}${seq}`, country: 'CN' }).expect(201);
      const body = { slotId: slots[0].id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() };
      const key = `replay-${randomBytes(4).toString('hex')}`;
      const first = await api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken)).set('Idempotency-Key', key).send(body).expect(201);
      const fresh = await reissue(first.body.id).expect(200);
      const replay = await api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken)).set('Idempotency-Key', key).send(body).expect(201);
      expect(replay.body).toEqual({ ...first.body, driverCode: fresh.body.driverCode });
    });

    it('reissue: another firm\'s or an unknown booking → 404, a malformed id → 400, a driver → 403', async () => {
      const b = await book();
      const other = await createFirm(api, 'Other Freight', 0);
      expect((await reissue(b.id, other.adminToken).expect(404)).body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      await reissue(b.id, other.dispatcherToken).expect(404);
      await reissue('7d0c8a52-8f55-4f4e-9d2b-0c1f9c0e7a11').expect(404);
      expect((await reissue('not-a-uuid').expect(400)).body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const session = await open(b.reference, b.driverCode).expect(200);
      await reissue(b.id, session.body.accessToken).expect(403);
      await api.http.post(`${API}/bookings/${b.id}/driver-code`).expect(401);
      // The refused attempts changed nothing: the original code still works.
      await open(b.reference, b.driverCode).expect(200);
    });
  });

  describe('racing guesses', () => {
    const fire = async (reference: string, codes: string[]) => {
      const answers = await Promise.all(codes.map((code) => open(reference, code)));
      const tally: Record<number, number> = {};
      for (const a of answers) tally[a.status] = (tally[a.status] ?? 0) + 1;
      return tally;
    };

    it('200 simultaneous wrong codes count exactly 10 in the hour; then 30 in all locks it, exactly', async () => {
      const b = await book();
      const guesses = Array.from({ length: 200 }, (_, i) => wrongFor(b.driverCode, i + 1));

      expect(await fire(b.reference, guesses)).toEqual({ 401: 10, 429: 190 });
      expect(await counters(b.id)).toEqual({ inAll: 10, thisHour: 10 });
      await open(b.reference, b.driverCode).expect(429);

      // A new hour, with 25 wrong codes already spent in all: only 5 more can be counted.
      await ageWindow(b.id);
      await api.ds.query('UPDATE bookings SET driver_code_failures = 25 WHERE id = $1', [b.id]);
      expect(await fire(b.reference, guesses)).toEqual({ 401: 5, 423: 195 });
      expect(await counters(b.id)).toEqual({ inAll: 30, thisHour: 5 });
      await open(b.reference, b.driverCode).expect(423);
    });
  });
});
