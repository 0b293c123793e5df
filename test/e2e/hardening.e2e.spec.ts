import { JwtService } from '@nestjs/jwt';
import { DateTime } from 'luxon';
import type { Response } from 'supertest';
import { API, bearer, cargo, createFirm, portDate, slotsOf, startApi, TestApi, TestFirm } from '../support/harness';
import { connectLive, LiveClient, refusedLive } from '../support/live-client';

/**
 * Issue 6 "Hardening" (contract: Additions → Hardening), one regression test per finding: deep JSON, body
 * limits per route, the slot date range, tokens without `exp` and sockets outliving their token, and the
 * security headers. The rate limits and socket.io origins are in hardening-limits.e2e.spec.ts.
 */

const ZONE = 'Asia/Shanghai';
/** Passed explicitly, so the test can sign tokens the API accepts (or should accept but for `exp`). */
const JWT_SECRET = 'hardening-e2e-secret-of-at-least-32-characters';

/** JSON objects nested `levels` deep: `{"cargo":{"cargo":…{}}}`; the outermost braces are level 1. */
const nested = (levels: number) => `${'{"cargo":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const DEEP = 100_000;

const messageOf = (res: Response) => {
  const m = (res.body as { message?: unknown }).message;
  return Array.isArray(m) ? m.join('\n') : String(m);
};

function expectContractError(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual(
    expect.objectContaining({ statusCode: status, error: expect.stringMatching(/\S/), message: expect.anything() }),
  );
  expect(messageOf(res)).toMatch(/\S/);
  expect(JSON.stringify(res.body)).not.toMatch(/node_modules|\.[jt]s:\d+|\bat \//);
}

describe('hardening', () => {
  let api: TestApi;
  let firm: TestFirm;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApi({ JWT_SECRET });
    firm = await createFirm(api, 'Hardening Haulage', 1);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  const rawPost = (path: string, body: string, token?: string) => {
    const req = api.http.post(`${API}${path}`).set('Content-Type', 'application/json');
    if (token) req.set(bearer(token));
    return req.send(body);
  };

  describe('deeply nested JSON', () => {
    it(`a ${DEEP}-level body (about 1 MB) to POST /auth/login → 413 in the contract shape, and nobody is logged in`, async () => {
      const body = nested(DEEP);
      expect(body.length).toBeGreaterThan(900_000);
      expect(body.length).toBeLessThan(1024 * 1024);
      const res = await rawPost('/auth/login', body);
      expectContractError(res, 413);
      expect(res.body).not.toHaveProperty('accessToken');
    });

    it('a 10 KB body nested 1,000 levels to POST /bookings → 400 naming the depth limit', async () => {
      const body = nested(1_000);
      expect(body.length).toBeGreaterThan(9_000);
      expect(body.length).toBeLessThan(11_000);
      const res = await rawPost('/bookings', body, firm.dispatcherToken);
      expectContractError(res, 400);
      expect(messageOf(res)).toMatch(/nested deeper than 32/);
    });

    it(`the same ${DEEP} levels in about 1 MB to POST /bookings → 400 naming the depth limit, not a 5xx`, async () => {
      const res = await rawPost('/bookings', nested(DEEP), firm.dispatcherToken);
      expectContractError(res, 400);
      expect(messageOf(res)).toMatch(/nested deeper than 32/);
    });

    it('33 levels → 400 for depth; 32 levels are not refused for depth (only by validation)', async () => {
      const over = await rawPost('/bookings', nested(33), firm.dispatcherToken);
      expectContractError(over, 400);
      expect(messageOf(over)).toMatch(/nested deeper than 32/);

      const at = await rawPost('/bookings', nested(32), firm.dispatcherToken);
      expectContractError(at, 400);
      expect(messageOf(at)).not.toMatch(/nest|deep|depth/i);
      // the 32-level body was parsed and reached validation: it names the fields it lacks
      expect(messageOf(at)).toMatch(/slotId/);
    });

    it('GET /health answers at once while deep 1 MB bodies are being refused', async () => {
      const deep = nested(DEEP);
      const started = Date.now();
      const health = api.http.get('/health').then((res) => ({ res, ms: Date.now() - started }));
      const refused = Array.from({ length: 4 }, () =>
        rawPost('/bookings', deep, firm.dispatcherToken).then((res) => res.status),
      );
      const [h, ...statuses] = await Promise.all([health, ...refused]);
      expect(h.res.status).toBe(200);
      expect(h.ms).toBeLessThan(1_000);
      expect(statuses).toEqual([400, 400, 400, 400]);
    });
  });

  describe('body limits per route', () => {
    const padded = (fields: Record<string, string>, bytes: number) =>
      JSON.stringify({ ...fields, pad: 'x'.repeat(bytes) });

    it('a 5 KB login body → 413 (sign-in bodies are capped at 4 KB)', async () => {
      const body = JSON.stringify({ email: `admin-${api.redisPrefix}@kouan.test`, password: 'x'.repeat(5 * 1024) });
      expectContractError(await rawPost('/auth/login', body), 413);
    });

    it('a 5 KB POST /driver/session body → 413', async () => {
      expectContractError(
        await rawPost('/driver/session', padded({ reference: 'KA-XXXX', driverCode: '123456' }, 5 * 1024)),
        413,
      );
    });

    it('a 100 KB POST /drivers body is not refused for size (the global cap stays 1 MiB)', async () => {
      const body = JSON.stringify({
        name: 'x'.repeat(100 * 1024),
        phone: '+8613812345678',
        licenceNo: 'L-1',
        language: 'zh',
      });
      const res = await rawPost('/drivers', body, firm.dispatcherToken);
      expect(res.status).not.toBe(413);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('slot dates', () => {
    const countSlots = async () =>
      (await api.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM slots WHERE port_code = 'MOHAN'`))[0].n;
    const slots = (date: string) => api.http.get(`${API}/ports/MOHAN/slots`).query({ date, direction: 'export' });

    /**
     * Runs `check` with the port's today; should the port's midnight pass while it runs (the service may then
     * have used another today), runs it once more.
     */
    const onOneDay = async (check: (today: DateTime) => Promise<void>) => {
      const today = () => DateTime.now().setZone(ZONE).startOf('day');
      const before = today();
      await check(before);
      if (!today().equals(before)) await check(today());
    };

    it('year 0002 → 422 date_out_of_range, anonymous, and no slot row is written', async () => {
      const before = await countSlots();
      const res = await slots('0002-12-31');
      expectContractError(res, 422);
      expect(res.body.code).toBe('date_out_of_range');
      expect(await countSlots()).toBe(before);
    });

    it('92 days back → 200, 93 days back → 422 and writes nothing', async () => {
      await onOneDay(async (today) => {
        const inRange = await slots(today.minus({ days: 92 }).toISODate() as string);
        expect(inRange.status).toBe(200);
        expect(inRange.body.length).toBeGreaterThan(0);
        const before = await countSlots();
        const res = await slots(today.minus({ days: 93 }).toISODate() as string);
        expectContractError(res, 422);
        expect(res.body.code).toBe('date_out_of_range');
        expect(await countSlots()).toBe(before);
      });
    });

    it('today + horizonDays → 200, one day more → 422 and writes nothing', async () => {
      const port = await api.http.get(`${API}/ports/MOHAN`).expect(200);
      const horizon = port.body.schedule.horizonDays as number;
      expect(horizon).toBeGreaterThan(0);
      await onOneDay(async (today) => {
        const last = await slots(today.plus({ days: horizon }).toISODate() as string);
        expect(last.status).toBe(200);
        expect(last.body.length).toBeGreaterThan(0);
        const before = await countSlots();
        const res = await slots(today.plus({ days: horizon + 1 }).toISODate() as string);
        expectContractError(res, 422);
        expect(res.body.code).toBe('date_out_of_range');
        expect(await countSlots()).toBe(before);
      });
    });
  });

  describe('tokens', () => {
    const jwt = new JwtService({ secret: JWT_SECRET });
    const claims = () => ({ sub: firm.id, role: 'firm_admin', firm: firm.id });

    it('a token signed with the right key but without exp → 401 over HTTP', async () => {
      // the same claims with an exp are accepted: only the missing exp is refused
      await api.http
        .get(`${API}/vehicles`)
        .set(bearer(jwt.sign(claims(), { expiresIn: 60 })))
        .expect(200);
      const noExp = jwt.sign(claims());
      expect(JSON.parse(Buffer.from(noExp.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');
      const res = await api.http.get(`${API}/vehicles`).set(bearer(noExp));
      expectContractError(res, 401);
    });

    it('a token without exp is refused at the socket handshake', async () => {
      await connectLive(api.url, clients, { token: jwt.sign(claims(), { expiresIn: 60 }) });
      const err = await refusedLive(api.url, clients, { token: jwt.sign(claims()) });
      expect(err.message).toMatch(/unauthorized/);
    });

    it('a staff socket gets session:expired when its token expires, is disconnected, and hears no queue:update after', async () => {
      const staff = await api.http
        .post(`${API}/ports/WANDING/staff`)
        .set(bearer(api.adminToken))
        .send({ email: 'expiring-staff@wanding.example', password: 'staff-password-1' })
        .expect(201);
      const principal = { sub: staff.body.id as string, role: 'port_staff' as const, portCode: 'WANDING' };
      const staffToken = api.tokens.sign(principal);
      const lane = (
        (await api.http.get(`${API}/ports/WANDING`).expect(200)).body.lanes as { id: string; direction: string }[]
      ).find((l) => l.direction === 'export')!.id;
      const setLane = (status: string) =>
        api.http.post(`${API}/ports/WANDING/lanes/${lane}/status`).set(bearer(staffToken)).send({ status }).expect(200);

      const expiresAt = new Date(Date.now() + 3_000);
      const expiring = await connectLive(api.url, clients, { token: api.tokens.sign(principal, expiresAt) });
      const control = await connectLive(api.url, clients, { token: staffToken });

      // While the token lasts, the socket is in the staff room like any other staff socket.
      await setLane('paused');
      await expiring.waitFor('queue:update');
      await control.waitFor('queue:update');

      const expired = await expiring.waitFor('session:expired');
      const afterExpiry = expiring.mark();
      expect(Date.parse(expired.expiredAt as string)).toBe(Math.ceil(expiresAt.getTime() / 1000) * 1000);
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expired.expiredAt as string));
      expect(await expiring.disconnected()).toBe('io server disconnect');
      expect(expiring.names().slice(-2)).toEqual(['session:expired', 'disconnect']);

      const from = control.mark();
      await setLane('open');
      await control.waitFor('queue:update', () => true, from);
      expect(expiring.of('queue:update', afterExpiry)).toEqual([]);
    });
  });

  describe('headers', () => {
    it.each([
      ['a JSON answer', `${API}/ports`, 200],
      ['an error answer', `${API}/ports/NOWHERE`, 404],
      ['/health', '/health', 200],
      ['a page', '/d', 200],
    ])('X-Content-Type-Options: nosniff on %s', async (_name, path, status) => {
      const res = await api.http.get(path).expect(status);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('Cache-Control: no-store on the answers that carry a token or a driver code', async () => {
      const login = await api.http
        .post(`${API}/auth/login`)
        .send({ email: `admin-${api.redisPrefix}@kouan.test`, password: 'admin-password' })
        .expect(200);
      expect(login.body.accessToken).toEqual(expect.any(String));
      expect(login.headers['cache-control']).toBe('no-store');

      const slot = (await slotsOf(api, 'MOHAN', portDate())).find((s) => s.bookable)!;
      const booking = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
        .expect(201);
      expect(booking.body.driverCode).toEqual(expect.any(String));
      expect(booking.headers['cache-control']).toBe('no-store');

      const session = await api.http
        .post(`${API}/driver/session`)
        .send({ reference: booking.body.reference, driverCode: booking.body.driverCode })
        .expect(200);
      expect(session.body.accessToken).toEqual(expect.any(String));
      expect(session.headers['cache-control']).toBe('no-store');
    });
  });
});
