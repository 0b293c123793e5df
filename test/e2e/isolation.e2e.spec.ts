import { createHmac, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { AppConfig } from '@kouan/config';
import {
  API,
  bearer,
  cargo,
  createFirm,
  DEFAULT_SCHEDULE,
  portDate,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

type Method = 'get' | 'post' | 'put';

interface Endpoint {
  name: string;
  method: Method;
  path: () => string;
  body?: () => object;
}

const b64url = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An HS256 JWT built by hand, so a test can sign with any key and any claims (expired ones included). */
function jwt(claims: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${b64url(header)}.${b64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const expectError = (res: Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String) });
  expect(res.body.message).toEqual(expect.anything());
};

describe('isolation: tokens, roles and scope', () => {
  let api: TestApi;
  let firmA: TestFirm;
  let firmB: TestFirm;
  let bookingA: { id: string; reference: string; driverCode: string; slotId: string };
  let otherSlotId: string;
  let driverToken: string;
  let staffToken: string;
  const tokens: Record<string, () => string> = {};

  beforeAll(async () => {
    api = await startApi();
    firmA = await createFirm(api, 'Alpha Haulage', 2);
    firmB = await createFirm(api, 'Bravo Freight', 1);
    const slots = await slotsOf(api, 'MOHAN', portDate());
    otherSlotId = slots[2].id;
    const booked = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firmA.dispatcherToken))
      .send({ slotId: slots[0].id, vehicleId: firmA.vehicleIds[0], driverId: firmA.driverIds[0], cargo: cargo() })
      .expect(201);
    bookingA = booked.body;
    const session = await api.http
      .post(`${API}/driver/session`)
      .send({ reference: bookingA.reference, driverCode: bookingA.driverCode })
      .expect(200);
    driverToken = session.body.accessToken;
    const staff = await api.http
      .post(`${API}/ports/MOHAN/staff`)
      .set(bearer(api.adminToken))
      .send({ email: 'officer@mohan.example', password: 'staff-password' })
      .expect(201);
    staffToken = api.tokens.sign({ sub: staff.body.id, role: 'port_staff', portCode: 'MOHAN' });
    Object.assign(tokens, {
      firm_admin: () => firmA.adminToken,
      dispatcher: () => firmA.dispatcherToken,
      driver: () => driverToken,
      port_staff: () => staffToken,
      port_admin: () => api.adminToken,
    });
  });
  afterAll(() => api.close());

  const call = (e: Endpoint, token?: string, body?: object) => {
    const req = api.http[e.method](e.path());
    if (token !== undefined) req.set('Authorization', token);
    const payload = body ?? e.body?.();
    return payload === undefined ? req : req.send(payload);
  };

  let seq = 0;
  const firmEndpoints: Endpoint[] = [
    { name: 'GET /bookings', method: 'get', path: () => `${API}/bookings` },
    { name: 'GET /bookings/:id', method: 'get', path: () => `${API}/bookings/${bookingA.id}` },
    {
      name: 'POST /bookings',
      method: 'post',
      path: () => `${API}/bookings`,
      body: () => ({
        slotId: otherSlotId,
        vehicleId: firmA.vehicleIds[1],
        driverId: firmA.driverIds[1],
        cargo: cargo(),
      }),
    },
    { name: 'POST /bookings/:id/cancel', method: 'post', path: () => `${API}/bookings/${bookingA.id}/cancel` },
    {
      name: 'POST /bookings/:id/reschedule',
      method: 'post',
      path: () => `${API}/bookings/${bookingA.id}/reschedule`,
      body: () => ({ slotId: otherSlotId }),
    },
    {
      name: 'POST /firms/:id/users',
      method: 'post',
      path: () => `${API}/firms/${firmA.id}/users`,
      body: () => ({ email: `intruder-${++seq}@evil.example`, password: 'long-enough-password', role: 'dispatcher' }),
    },
    { name: 'GET /vehicles', method: 'get', path: () => `${API}/vehicles` },
    {
      name: 'POST /vehicles',
      method: 'post',
      path: () => `${API}/vehicles`,
      body: () => ({ plate: `ZZ${++seq}X`, country: 'CN' }),
    },
    { name: 'GET /drivers', method: 'get', path: () => `${API}/drivers` },
    {
      name: 'POST /drivers',
      method: 'post',
      path: () => `${API}/drivers`,
      body: () => ({ name: 'Mallory', phone: '+8613900000000', licenceNo: 'X-1', language: 'en' }),
    },
  ];

  const adminEndpoints: Endpoint[] = [
    {
      name: 'PUT /ports/:code/schedule',
      method: 'put',
      path: () => `${API}/ports/MOHAN/schedule`,
      body: () => ({ ...DEFAULT_SCHEDULE, slotMinutes: 30 }),
    },
    {
      name: 'POST /firms',
      method: 'post',
      path: () => `${API}/firms`,
      body: () => ({ name: 'Shell Co', country: 'CN', contactEmail: 'x@shell.example' }),
    },
    {
      name: 'POST /ports/:code/staff',
      method: 'post',
      path: () => `${API}/ports/MOHAN/staff`,
      body: () => ({ email: `fake-staff-${++seq}@evil.example`, password: 'long-enough-password' }),
    },
  ];

  /** Everything a refused request could have changed, to show that it changed nothing. */
  const snapshot = async () => {
    const [counts] = await api.ds.query(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM firms)::int AS firms,
              (SELECT count(*) FROM vehicles)::int AS vehicles, (SELECT count(*) FROM drivers)::int AS drivers,
              (SELECT count(*) FROM bookings)::int AS bookings,
              (SELECT slot_minutes FROM schedules WHERE port_code = 'MOHAN') AS "mohanSlotMinutes"`,
    );
    const booking = await api.http.get(`${API}/bookings/${bookingA.id}`).set(bearer(firmA.adminToken)).expect(200);
    return { ...counts, booking: { status: booking.body.status, slotId: booking.body.slotId } };
  };

  const allEndpoints = [...firmEndpoints, ...adminEndpoints];

  describe('401 without a valid token', () => {
    const badTokens: [string, () => string][] = [
      ['no Authorization header', () => ''],
      [
        'a token signed with another key',
        () =>
          `Bearer ${jwt({ sub: randomUUID(), role: 'port_admin', exp: Math.floor(Date.now() / 1000) + 600 }, 'not-the-secret-'.repeat(3))}`,
      ],
      [
        'an expired token',
        () => {
          const secret = api.app.get(AppConfig).env.jwtSecret;
          const now = Math.floor(Date.now() / 1000);
          return `Bearer ${jwt({ sub: randomUUID(), role: 'firm_admin', firm: firmA.id, iat: now - 7200, exp: now - 3600 }, secret)}`;
        },
      ],
      [
        'a token with its role changed after signing',
        () => {
          const [header, , signature] = firmA.dispatcherToken.split('.');
          const claims = JSON.parse(Buffer.from(firmA.dispatcherToken.split('.')[1], 'base64url').toString());
          return `Bearer ${header}.${b64url({ ...claims, role: 'port_admin' })}.${signature}`;
        },
      ],
      [
        'an unsigned (alg none) token',
        () => {
          const now = Math.floor(Date.now() / 1000);
          return `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: randomUUID(), role: 'port_admin', exp: now + 600 })}.`;
        },
      ],
      ['garbage', () => 'Bearer not.a.jwt'],
      ['a valid token under another scheme', () => `Basic ${firmA.adminToken}`],
    ];

    const cases = allEndpoints.flatMap((e) => badTokens.map(([what, token]) => [e.name, what, e, token] as const));

    it.each(cases)('%s with %s → 401', async (_name, _what, e, token) => {
      const value = token();
      const res = await call(e, value === '' ? undefined : value);
      expectError(res, 401);
    });

    it('a refused token changes nothing', async () => {
      const before = await snapshot();
      for (const e of allEndpoints) await call(e, 'Bearer not.a.jwt').expect(401);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('403 for a role that may not act', () => {
    const firmCases = firmEndpoints.flatMap((e) => ['driver', 'port_staff'].map((role) => [e.name, role, e] as const));
    const adminCases = adminEndpoints.flatMap((e) =>
      ['firm_admin', 'dispatcher', 'driver', 'port_staff'].map((role) => [e.name, role, e] as const),
    );

    it.each([...firmCases, ...adminCases])('%s as %s → 403', async (_name, role, e) => {
      expectError(await call(e, `Bearer ${tokens[role]()}`), 403);
    });

    it('a dispatcher may not add users, even to its own firm', async () => {
      const res = await api.http
        .post(`${API}/firms/${firmA.id}/users`)
        .set(bearer(firmA.dispatcherToken))
        .send({ email: 'promoted@alpha.example', password: 'long-enough-password', role: 'firm_admin' });
      expectError(res, 403);
    });

    it('refused roles change nothing', async () => {
      const before = await snapshot();
      for (const [, role, e] of [...firmCases, ...adminCases]) await call(e, `Bearer ${tokens[role]()}`).expect(403);
      expect(await snapshot()).toEqual(before);
    });

    it('the same requests succeed for a role that may act (the refusals are not accidental)', async () => {
      const statuses = [
        (await call(firmEndpoints[0], `Bearer ${firmA.dispatcherToken}`)).status,
        (await call(firmEndpoints[6], `Bearer ${firmA.dispatcherToken}`)).status,
        (await call(adminEndpoints[2], `Bearer ${api.adminToken}`)).status,
        (await call(adminEndpoints[1], `Bearer ${api.adminToken}`)).status,
      ];
      expect(statuses).toEqual([200, 200, 201, 201]);
    });
  });

  describe("404 for another firm's resources", () => {
    const scoped: [string, Endpoint][] = [
      ['GET /bookings/:id', firmEndpoints[1]],
      ['POST /bookings/:id/cancel', firmEndpoints[3]],
      ['POST /bookings/:id/reschedule', firmEndpoints[4]],
      ['POST /firms/:id/users', firmEndpoints[5]],
      ['POST /bookings with the vehicle and driver of another firm', firmEndpoints[2]],
    ];
    const cases = scoped
      .flatMap(([name, e]) =>
        (['adminToken', 'dispatcherToken'] as const).map(
          (t) => [name, t === 'adminToken' ? 'firm_admin' : 'dispatcher', e, t] as const,
        ),
      )
      // only a firm admin may add users at all
      .filter(([name, role]) => !(name === 'POST /firms/:id/users' && role === 'dispatcher'));

    it.each(cases)("%s as firm B's %s → 404, firm A unchanged", async (_name, _role, e, t) => {
      const before = await snapshot();
      expectError(await call(e, `Bearer ${firmB[t]}`), 404);
      expect(await snapshot()).toEqual(before);
      expect(before.booking).toEqual({ status: 'booked', slotId: bookingA.slotId });
    });

    it('a firm admin adding a user to another firm gets 404 and no user is created', async () => {
      const email = 'sneaky@bravo.example';
      const res = await api.http
        .post(`${API}/firms/${firmA.id}/users`)
        .set(bearer(firmB.adminToken))
        .send({ email, password: 'long-enough-password', role: 'firm_admin' });
      expectError(res, 404);
      expect(await api.ds.query('SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
      // An unknown firm answers the same as someone else's: existence is not leaked.
      const unknown = await api.http
        .post(`${API}/firms/${randomUUID()}/users`)
        .set(bearer(firmB.adminToken))
        .send({ email, password: 'long-enough-password', role: 'firm_admin' });
      expectError(unknown, 404);
      expect(unknown.body.message).toBe(res.body.message);
      // The same request on its own firm works.
      await api.http
        .post(`${API}/firms/${firmB.id}/users`)
        .set(bearer(firmB.adminToken))
        .send({ email, password: 'long-enough-password', role: 'dispatcher' })
        .expect(201);
    });

    it("lists show only the caller's own firm", async () => {
      const [bookings, vehicles, drivers] = await Promise.all(
        ['bookings', 'vehicles', 'drivers'].map((what) =>
          api.http.get(`${API}/${what}`).set(bearer(firmB.dispatcherToken)).expect(200),
        ),
      );
      expect(bookings.body.map((b: { id: string }) => b.id)).not.toContain(bookingA.id);
      const vehicleIds = vehicles.body.map((v: { id: string; firmId: string }) => v.id);
      expect(vehicleIds).toEqual(expect.arrayContaining(firmB.vehicleIds));
      expect(vehicleIds.some((id: string) => firmA.vehicleIds.includes(id))).toBe(false);
      expect(vehicles.body.every((v: { firmId: string }) => v.firmId === firmB.id)).toBe(true);
      expect(drivers.body.every((d: { firmId: string }) => d.firmId === firmB.id)).toBe(true);
      expect(drivers.body.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(firmB.driverIds));
      // and firm A sees its own booking, so the filter is not simply empty
      const mine = await api.http.get(`${API}/bookings`).set(bearer(firmA.dispatcherToken)).expect(200);
      expect(mine.body.map((b: { id: string }) => b.id)).toContain(bookingA.id);
    });
  });

  describe('checks run in contract order: token, role, body, scope', () => {
    const badVehicle = { plate: "'; drop table", country: 'China', colour: 'red' };
    const badSchedule = { ...DEFAULT_SCHEDULE, openTo: '24:30', slotMinutes: 0 };
    const badUser = { email: 'not-an-email', password: 'x', role: 'port_admin' };
    const vehicles: Endpoint = { name: 'POST /vehicles', method: 'post', path: () => `${API}/vehicles` };
    const schedule: Endpoint = {
      name: 'PUT /ports/:code/schedule',
      method: 'put',
      path: () => `${API}/ports/MOHAN/schedule`,
    };
    const users: Endpoint = {
      name: 'POST /firms/:id/users',
      method: 'post',
      path: () => `${API}/firms/${firmA.id}/users`,
    };
    const reschedule: Endpoint = {
      name: 'POST /bookings/:id/reschedule',
      method: 'post',
      path: () => `${API}/bookings/${randomUUID()}/reschedule`,
    };
    const malformedId: Endpoint = {
      name: 'GET /bookings/:id (malformed id)',
      method: 'get',
      path: () => `${API}/bookings/42`,
    };

    const orderCases: [string, number, Endpoint, object | undefined, (() => string) | undefined][] = [
      ['bad body, no token', 401, vehicles, badVehicle, undefined],
      ['bad body, forged token', 401, vehicles, badVehicle, () => 'Bearer not.a.jwt'],
      ['bad body, wrong role (driver)', 403, vehicles, badVehicle, () => `Bearer ${driverToken}`],
      ['bad body, wrong role (port_staff)', 403, vehicles, badVehicle, () => `Bearer ${staffToken}`],
      ['bad body, right role', 400, vehicles, badVehicle, () => `Bearer ${firmA.dispatcherToken}`],
      ['bad schedule, no token', 401, schedule, badSchedule, undefined],
      ['bad schedule, firm admin', 403, schedule, badSchedule, () => `Bearer ${firmA.adminToken}`],
      ['bad schedule, port admin', 400, schedule, badSchedule, () => `Bearer ${api.adminToken}`],
      ["bad user, another firm's admin (body before scope)", 400, users, badUser, () => `Bearer ${firmB.adminToken}`],
      [
        'bad slotId, unknown booking (body before existence)',
        400,
        reschedule,
        { slotId: 'nope' },
        () => `Bearer ${firmA.dispatcherToken}`,
      ],
      ['malformed id, no token', 401, malformedId, undefined, undefined],
      ['malformed id, wrong role', 403, malformedId, undefined, () => `Bearer ${staffToken}`],
      ['malformed id, right role', 400, malformedId, undefined, () => `Bearer ${firmB.adminToken}`],
    ];

    it.each(orderCases)('%s → %i', async (_what, status, e, body, token) => {
      const res = await call(e, token?.(), body);
      expectError(res, status);
    });
  });
});
