import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  portDate,
  putSchedule,
  slotsOf,
  SlotView,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * Driver sessions (contract: "Driver sessions last the wait", and the third round's "a new driver code ends every
 * session of that booking"): token expiry, refresh, final bookings, the wrong-code limits (per reference and
 * client address in the hour, per reference in all) counted in Postgres for any reference, booked or not, and
 * what a reissued code ends. The Redis login throttle is set out of the way here so that what is measured is
 * the per-reference count. Client addresses are posed with X-Forwarded-For (the API trusts loopback proxies).
 */
describe('driver sessions', () => {
  let api: TestApi;
  let firm: TestFirm;
  let slots: SlotView[];
  let seq = 0;

  /** checkInGraceMinutes of DEFAULT_SCHEDULE (30) + the 2 hours a session outlasts the window. */
  const AFTER_SLOT_END_MS = (30 + 120) * 60_000;

  interface Booked {
    id: string;
    reference: string;
    driverCode: string;
    slot: SlotView;
  }

  const book = async (): Promise<Booked> => {
    seq += 1;
    const slot = slots[seq % slots.length];
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate: `云D${randomBytes(2).toString('hex').toUpperCase()}${seq}`, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    return { id: b.body.id, reference: b.body.reference, driverCode: b.body.driverCode, slot };
  };

  /** From `address` (X-Forwarded-For through the trusted loopback), else from 127.0.0.1 itself. */
  const open = (reference: string, driverCode: string, address?: string) => {
    const req = api.http.post(`${API}/driver/session`);
    return (address ? req.set('X-Forwarded-For', address) : req).send({ reference, driverCode });
  };
  const refresh = (token: string) => api.http.post(`${API}/driver/session/refresh`).set(bearer(token));
  const reissue = (id: string, token = firm.dispatcherToken) =>
    api.http.post(`${API}/bookings/${id}/driver-code`).set(bearer(token));
  /** A code that is not the booking's. */
  const wrongFor = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
  const expOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
  /** Wrong codes counted for the reference in all, and in the running hours of its addresses (largest first). */
  const counters = async (reference: string) => {
    const [g] = await api.ds.query('SELECT failures FROM driver_code_guesses WHERE reference = $1', [reference]);
    const hours = await api.ds.query(
      `SELECT failures FROM driver_code_address_guesses WHERE reference = $1 AND window_start > now() - interval '1 hour' ORDER BY failures DESC`,
      [reference],
    );
    return { inAll: g?.failures ?? 0, byAddress: hours.map((h: { failures: number }) => h.failures) };
  };
  /** Moves every address's hour of wrong codes for the reference into the past, as if the hour had passed. */
  const ageWindows = (reference: string) =>
    api.ds.query(
      `UPDATE driver_code_address_guesses SET window_start = window_start - interval '61 minutes' WHERE reference = $1`,
      [reference],
    );
  /** A reference of the port's format that no booking has. */
  const madeUp = async () => {
    for (;;) {
      const reference = `MOHAN-${portDate().replace(/-/g, '')}-${randomBytes(2).toString('hex').toUpperCase()}`;
      if (!(await api.ds.query('SELECT 1 FROM bookings WHERE reference = $1', [reference])).length) return reference;
    }
  };
  /** An answer as a guesser sees it: status and body, with the one instant in it (retryAt) reduced to its shape. */
  const seen = (res: {
    status: number;
    body: Record<string, unknown>;
  }): { status: number; body: Record<string, unknown> } => ({
    status: res.status,
    body: {
      ...res.body,
      ...(typeof res.body.retryAt === 'string'
        ? { retryAt: res.body.retryAt.replace(/^.*(\+\d\d:\d\d)$/, 'T$1') }
        : {}),
    },
  });

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
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      });
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
         UPDATE bookings SET slot_id = (SELECT id FROM s) WHERE id = $1`,
        [b.id],
      );
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

      expect((await api.http.post(`${API}/driver/session/refresh`).expect(401)).body).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
      });
      await refresh('not.a.token').expect(401);
      expect((await refresh(firm.dispatcherToken).expect(403)).body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
      });
    });

    it.each(['cancelled', 'completed', 'no_show'])(
      'a %s booking → 410 booking_closed, at open, refresh and reissue',
      async (status) => {
        const b = await book();
        const session = await open(b.reference, b.driverCode).expect(200);
        if (status === 'cancelled') {
          await api.http.post(`${API}/bookings/${b.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
        } else {
          await api.ds.query(
            `UPDATE bookings SET status = $2::varchar, no_show_at = CASE WHEN $2::varchar = 'no_show' THEN now() END WHERE id = $1`,
            [b.id, status],
          );
        }
        for (const res of [
          await open(b.reference, b.driverCode),
          await refresh(session.body.accessToken),
          await reissue(b.id),
        ]) {
          expect(res.status).toBe(410);
          expect(res.body).toMatchObject({
            statusCode: 410,
            error: 'Gone',
            code: 'booking_closed',
            message: expect.stringContaining(status),
          });
          expect(res.body).not.toHaveProperty('accessToken');
        }
        // A wrong code still tells nothing about the booking.
        expect((await open(b.reference, wrongFor(b.driverCode)).expect(401)).body).not.toHaveProperty('code');
      },
    );
  });

  describe('wrong codes', () => {
    it('after 10 wrong codes from one address within the hour → 429 there, also with the right code, until the hour has passed', async () => {
      const b = await book();
      for (let i = 1; i <= 10; i++) {
        const res = await open(b.reference, wrongFor(b.driverCode, i)).expect(401);
        expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'wrong reference or driver code' });
      }
      const blocked = await open(b.reference, wrongFor(b.driverCode, 11)).expect(429);
      expect(blocked.body).toMatchObject({
        statusCode: 429,
        error: 'Too Many Requests',
        code: 'too_many_requests',
        retryAt: expect.stringMatching(/\+08:00$/),
      });
      expect(Date.parse(blocked.body.retryAt)).toBeGreaterThan(Date.now() + 55 * 60_000);
      const right = await open(b.reference, b.driverCode).expect(429);
      expect(right.body).not.toHaveProperty('accessToken');
      expect(await counters(b.reference)).toEqual({ inAll: 10, byAddress: [10] });

      await ageWindows(b.reference);
      await open(b.reference, b.driverCode).expect(200);
      // The next wrong code starts a new hour.
      await open(b.reference, wrongFor(b.driverCode)).expect(401);
      expect(await counters(b.reference)).toEqual({ inAll: 11, byAddress: [1] });
    });

    it('10 wrong codes from one address do not stop the driver at another: the right code works there, and a wrong one counts there', async () => {
      const b = await book();
      for (let i = 1; i <= 10; i++) await open(b.reference, wrongFor(b.driverCode, i), '198.51.100.7').expect(401);
      await open(b.reference, b.driverCode, '198.51.100.7').expect(429);

      const phone = await open(b.reference, b.driverCode, '203.0.113.20').expect(200);
      expect(api.tokens.verify(phone.body.accessToken)).toMatchObject({ role: 'driver', sub: b.id });
      await open(b.reference, wrongFor(b.driverCode), '203.0.113.20').expect(401);
      await open(b.reference, b.driverCode, '203.0.113.20').expect(200);
      expect(await counters(b.reference)).toEqual({ inAll: 11, byAddress: [10, 1] });
      // One IPv6 /64 is one address: another address in the guesser's /64 is throttled with it.
      for (let i = 1; i <= 10; i++)
        await open(b.reference, wrongFor(b.driverCode, i), `2001:db8:7:7::${i}`).expect(401);
      await open(b.reference, b.driverCode, '2001:db8:7:7::99').expect(429);
      await open(b.reference, b.driverCode, '2001:db8:7:8::1').expect(200);
    });

    it('after 30 wrong codes in all, from any addresses → 423 locked everywhere until the firm issues a new code, which alone works and unlocks', async () => {
      const b = await book();
      for (const address of ['198.51.100.1', '198.51.100.2']) {
        for (let i = 1; i <= 10; i++) await open(b.reference, wrongFor(b.driverCode, i), address).expect(401);
      }
      // A third address, over two hours: the count in all does not pass with the hour.
      for (let i = 1; i <= 5; i++) await open(b.reference, wrongFor(b.driverCode, i), '198.51.100.3').expect(401);
      await ageWindows(b.reference);
      for (let i = 6; i <= 10; i++) await open(b.reference, wrongFor(b.driverCode, i), '198.51.100.3').expect(401);
      const locked = await open(b.reference, b.driverCode, '203.0.113.20').expect(423);
      expect(locked.body).toMatchObject({ statusCode: 423, error: 'Locked', code: 'locked' });
      await open(b.reference, wrongFor(b.driverCode)).expect(423);
      await ageWindows(b.reference);
      await open(b.reference, b.driverCode).expect(423);
      expect(await counters(b.reference)).toEqual({ inAll: 30, byAddress: [] });

      const fresh = await reissue(b.id).expect(200);
      expect(fresh.headers['cache-control']).toBe('no-store');
      expect(fresh.body).toEqual({ driverCode: expect.stringMatching(/^\d{6}$/) });
      expect(await counters(b.reference)).toEqual({ inAll: 0, byAddress: [] });
      if (fresh.body.driverCode !== b.driverCode) await open(b.reference, b.driverCode).expect(401);
      const session = await open(b.reference, fresh.body.driverCode).expect(200);
      expect(api.tokens.verify(session.body.accessToken)).toMatchObject({ role: 'driver', sub: b.id });
      // The firm admin may reissue too; the dispatcher's code is then dead.
      const again = await reissue(b.id, firm.adminToken).expect(200);
      if (again.body.driverCode !== fresh.body.driverCode) await open(b.reference, fresh.body.driverCode).expect(401);
      await open(b.reference, again.body.driverCode).expect(200);
    });

    it('a made-up reference answers exactly as a booked one over the same attempts (statuses and bodies), up to 429 and 423', async () => {
      const b = await book();
      const ghost = await madeUp();
      const run = async (reference: string) => {
        const answers = [];
        const codes = Array.from({ length: 11 }, (_, i) => wrongFor(b.driverCode, i + 1));
        for (const code of codes) answers.push(seen(await open(reference, code, '198.51.100.40')));
        for (const address of ['198.51.100.41', '198.51.100.42']) {
          for (const code of codes.slice(0, 10)) answers.push(seen(await open(reference, code, address)));
        }
        answers.push(seen(await open(reference, wrongFor(b.driverCode, 20), '198.51.100.43')));
        return answers;
      };
      const booked = await run(b.reference);
      expect(booked.map((a) => a.status)).toEqual([...Array(10).fill(401), 429, ...Array(20).fill(401), 423]);
      expect(booked[10].body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        code: 'too_many_requests',
        retryAt: 'T+08:00',
        message: expect.stringMatching(/^too many wrong driver codes for this booking; try again after .*\+08:00$/),
      });
      const unknown = await run(ghost);
      expect(
        unknown.map((a) => ({
          ...a,
          body: { ...a.body, message: String(a.body.message).replace(/after .*$/, 'after T') },
        })),
      ).toEqual(
        booked.map((a) => ({
          ...a,
          body: { ...a.body, message: String(a.body.message).replace(/after .*$/, 'after T') },
        })),
      );
      expect(await counters(ghost)).toEqual(await counters(b.reference));
      // Lower case is the same reference, and a reference of no port at all answers alike too.
      await open(ghost.toLowerCase(), '000000', '198.51.100.44').expect(423);
      const nowhere = `NOWHERE-${portDate().replace(/-/g, '')}-7K3F`;
      for (let i = 1; i <= 10; i++) await open(nowhere, wrongFor('000000', i), '198.51.100.45').expect(401);
      expect(seen(await open(nowhere, '000000', '198.51.100.45')).body).toMatchObject({
        statusCode: 429,
        retryAt: 'T+08:00',
      });
    });

    it('an idempotent replay of the booking shows the reissued code, not the dead one', async () => {
      seq += 1;
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate: `云D${randomBytes(2).toString('hex').toUpperCase()}${seq}`, country: 'CN' })
        .expect(201);
      const body = { slotId: slots[0].id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() };
      const key = `replay-${randomBytes(4).toString('hex')}`;
      const first = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const fresh = await reissue(first.body.id).expect(200);
      const replay = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(replay.body).toEqual({ ...first.body, driverCode: fresh.body.driverCode });
    });

    it("reissue: another firm's or an unknown booking → 404, a malformed id → 400, a driver → 403", async () => {
      const b = await book();
      const other = await createFirm(api, 'Other Freight', 0);
      expect((await reissue(b.id, other.adminToken).expect(404)).body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
      });
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
    /** Every guess at once, the i-th from `addressOf(i)`; the answers' statuses counted. */
    const fire = async (
      reference: string,
      codes: string[],
      addressOf: (i: number) => string | undefined = () => undefined,
    ) => {
      const answers = await Promise.all(codes.map((code, i) => open(reference, code, addressOf(i))));
      const tally: Record<number, number> = {};
      for (const a of answers) tally[a.status] = (tally[a.status] ?? 0) + 1;
      return tally;
    };

    it('200 simultaneous wrong codes from one address count exactly 10 in the hour; then 30 in all locks it, exactly', async () => {
      const b = await book();
      const guesses = Array.from({ length: 200 }, (_, i) => wrongFor(b.driverCode, i + 1));

      expect(await fire(b.reference, guesses)).toEqual({ 401: 10, 429: 190 });
      expect(await counters(b.reference)).toEqual({ inAll: 10, byAddress: [10] });
      await open(b.reference, b.driverCode).expect(429);

      // A new hour, with 25 wrong codes already spent in all: only 5 more can be counted.
      await ageWindows(b.reference);
      await api.ds.query('UPDATE driver_code_guesses SET failures = 25 WHERE reference = $1', [b.reference]);
      expect(await fire(b.reference, guesses)).toEqual({ 401: 5, 423: 195 });
      expect(await counters(b.reference)).toEqual({ inAll: 30, byAddress: [5] });
      await open(b.reference, b.driverCode).expect(423);
    });

    it('300 simultaneous wrong codes from 30 addresses count exactly 30 in all, for a booked and a made-up reference alike', async () => {
      const b = await book();
      const ghost = await madeUp();
      const guesses = Array.from({ length: 300 }, (_, i) => wrongFor(b.driverCode, i + 1));
      const from = (i: number) => `198.51.100.${100 + (i % 30)}`;
      for (const reference of [b.reference, ghost]) {
        const tally = await fire(reference, guesses, from);
        expect(tally[401]).toBe(30);
        expect((tally[423] ?? 0) + (tally[429] ?? 0)).toBe(270);
        const { inAll, byAddress } = await counters(reference);
        expect(inAll).toBe(30);
        expect(byAddress.reduce((sum: number, n: number) => sum + n, 0)).toBe(30);
        expect(Math.max(...byAddress)).toBeLessThanOrEqual(10);
      }
      await open(b.reference, b.driverCode, '203.0.113.20').expect(423);
    });
  });

  describe('a reissued code ends the old sessions', () => {
    const clients: LiveClient[] = [];
    afterEach(() => {
      for (const c of clients.splice(0)) c.close();
    });

    it('old token and refresh → 401, sockets on both API processes get session:expired and are disconnected; the new code works; audited', async () => {
      const b = await book();
      const other = await api.another();
      const first = await open(b.reference, b.driverCode).expect(200);
      // A refreshed token is of the same code, so it ends too.
      const refreshed = await refresh(first.body.accessToken).expect(200);
      const here = await connectLive(api.url, clients, { token: first.body.accessToken });
      const there = await connectLive(other.url, clients, { token: refreshed.body.accessToken });
      const dashboard = await connectLive(other.url, clients, { token: firm.dispatcherToken });
      const neighbour = await book();
      const neighbourSession = await open(neighbour.reference, neighbour.driverCode).expect(200);
      const bystander = await connectLive(other.url, clients, { token: neighbourSession.body.accessToken });
      await here.waitFor('booking:update');
      await there.waitFor('booking:update');

      const fresh = await reissue(b.id).expect(200);

      for (const client of [here, there]) {
        expect(await client.waitFor('session:expired')).toEqual({
          expiredAt: expect.any(String),
          message: expect.stringContaining('new driver code'),
        });
        expect(await client.disconnected()).toBe('io server disconnect');
        expect(client.names().slice(-2)).toEqual(['session:expired', 'disconnect']);
      }
      for (const token of [first.body.accessToken, refreshed.body.accessToken]) {
        expect((await api.http.get(`${API}/driver/booking`).set(bearer(token)).expect(401)).body).toMatchObject({
          statusCode: 401,
          error: 'Unauthorized',
        });
        await other.http.get(`${API}/driver/booking`).set(bearer(token)).expect(401);
        await refresh(token).expect(401);
        await expect(connectLive(other.url, clients, { token })).rejects.toThrow(/session has ended/);
      }

      const session = await open(b.reference, fresh.body.driverCode).expect(200);
      await api.http.get(`${API}/driver/booking`).set(bearer(session.body.accessToken)).expect(200);
      await other.http.post(`${API}/driver/session/refresh`).set(bearer(session.body.accessToken)).expect(200);
      const renewed = await connectLive(other.url, clients, { token: session.body.accessToken });
      await renewed.waitFor('booking:update');
      // Others' sockets carry on: the firm's dashboard and another booking's driver are still connected.
      expect(dashboard.socket.connected && bystander.socket.connected).toBe(true);
      expect(dashboard.names()).not.toContain('session:expired');
      expect(bystander.names()).not.toContain('session:expired');
      await api.http.get(`${API}/driver/booking`).set(bearer(neighbourSession.body.accessToken)).expect(200);

      const audit = await api.ds.query(
        `SELECT type, port_code, actor, data FROM audit_pending WHERE booking_id = $1 AND type = 'driver_code.reissued'
         UNION ALL SELECT type, port_code, actor, data FROM audit_log WHERE booking_id = $1 AND type = 'driver_code.reissued'`,
        [b.id],
      );
      expect(audit).toEqual([
        {
          type: 'driver_code.reissued',
          port_code: 'MOHAN',
          actor: expect.objectContaining({ role: 'dispatcher', firm: firm.id }),
          data: { codeVersion: 1 },
        },
      ]);
      expect(JSON.stringify(audit)).not.toContain(fresh.body.driverCode);
    });

    it('a refused reissue (another firm, a final booking) ends nothing and records nothing', async () => {
      const b = await book();
      const session = await open(b.reference, b.driverCode).expect(200);
      const rival = await createFirm(api, 'Rival Freight', 0);
      await reissue(b.id, rival.dispatcherToken).expect(404);
      await api.http.get(`${API}/driver/booking`).set(bearer(session.body.accessToken)).expect(200);
      const gone = await book();
      await api.http.post(`${API}/bookings/${gone.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
      await reissue(gone.id).expect(410);
      expect(
        await api.ds.query(`SELECT 1 FROM audit_pending WHERE booking_id = ANY($1) AND type = 'driver_code.reissued'`, [
          [b.id, gone.id],
        ]),
      ).toEqual([]);
    });
  });
});
