import { randomBytes, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Response } from 'supertest';
import webPush from 'web-push';
import { UsersService } from '@kouan/auth';
import {
  API,
  bearer,
  cargo,
  counterpartToken,
  createFirm,
  DEFAULT_SCHEDULE,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { OpenApiChecker } from '../support/openapi';
import { anprParts, isapiFixture, multipartAlert } from '../fixtures/isapi';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Send {
  token?: string;
  body?: unknown;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
}

/**
 * Each operation of /api/docs-json answered for real, for its success and its main errors, and every answer
 * checked against the document: the status is declared for that operation and the body fits its schema. The API
 * runs from 10:00 port time: the slot holding now takes check-ins, and "today" is the clock's.
 */
describe('the OpenAPI document describes the real answers', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let firm: TestFirm;
  let oa: OpenApiChecker;
  let staff: string;
  let lane: string;
  let plateSeq = 0;
  const clock = portDayClock();
  /** The port's day `daysAhead` from the clock's today. */
  const day = (daysAhead: number) =>
    DateTime.fromJSDate(clock.now()).setZone('Asia/Shanghai').plus({ days: daysAhead }).toISODate() as string;

  /** One request, checked against the document before the test looks at it. */
  const call = async (method: Method, path: string, opts: Send = {}): Promise<Response> => {
    let req = api.http[method](path);
    if (opts.token) req = req.set(bearer(opts.token));
    if (opts.headers) req = req.set(opts.headers);
    if (opts.query) req = req.query(opts.query);
    const res = await (opts.body === undefined ? req : req.send(opts.body as object));
    return oa.expectDocumented(method.toUpperCase(), path, res);
  };

  const expectStatus = async (status: number, method: Method, path: string, opts: Send = {}, code?: string) => {
    const res = await call(method, path, opts);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code: code ?? res.body?.code });
    return res;
  };

  /** The export slot holding now (by the API's clock, inside the port's opening hours). */
  const slotNow = async (port = PORT) => {
    const res = await expectStatus(200, 'get', `${API}/ports/${port}/slots`, {
      query: { date: day(0), direction: 'export' },
    });
    const now = clock.now().getTime();
    return (res.body as Array<{ id: string; startsAt: string; endsAt: string }>).find(
      (s) => Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt),
    )!.id;
  };

  interface Truck {
    bookingId: string;
    reference: string;
    driverCode: string;
    plate: string;
    vehicleId: string;
  }

  const book = async (slotId: string): Promise<Truck> => {
    plateSeq += 1;
    const plate = `云K${randomBytes(2).toString('hex').toUpperCase()}${plateSeq}`;
    const v = await expectStatus(201, 'post', `${API}/vehicles`, {
      token: firm.dispatcherToken,
      body: { plate, country: 'CN' },
    });
    const b = await expectStatus(201, 'post', `${API}/bookings`, {
      token: firm.dispatcherToken,
      body: { slotId, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() },
    });
    return {
      bookingId: b.body.id,
      reference: b.body.reference,
      driverCode: b.body.driverCode,
      plate: v.body.plate,
      vehicleId: v.body.id,
    };
  };

  const driverToken = async (t: Truck) =>
    (
      await expectStatus(200, 'post', `${API}/driver/session`, {
        body: { reference: t.reference, driverCode: t.driverCode },
      })
    ).body.accessToken as string;

  beforeAll(async () => {
    // Web Push on, so its routes answer their success (the keys are the test's own).
    const vapid = webPush.generateVAPIDKeys();
    api = await startApi(
      {
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:ops@kouan.test',
      },
      { clock },
    );
    oa = await OpenApiChecker.load(api);
    firm = await createFirm(api, 'Openapi Freight', 1);
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    const s = await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email: `staff-${randomBytes(3).toString('hex')}@port.example`, password: 'staff-password' })
      .expect(201);
    staff = api.tokens.sign({ sub: s.body.id, role: 'port_staff', portCode: PORT });
    const port = await api.http.get(`${API}/ports/${PORT}`).expect(200);
    lane = (port.body.lanes as Array<{ id: string; direction: string }>).find((l) => l.direction === 'export')!.id;
  });
  afterAll(() => api.close());

  describe('the document', () => {
    const errorRef = '#/components/schemas/ErrorBodyDto';

    /** The contract's error body, or one that adds fields to it (CheckInConflictDto extends ErrorBodyDto). */
    const isErrorBody = (schema: unknown): boolean => {
      const ref = (schema as { $ref?: string } | undefined)?.$ref;
      if (ref === errorRef) return true;
      const components = oa.doc.components.schemas as Record<
        string,
        { properties?: Record<string, unknown>; required?: string[] }
      >;
      const base = components[errorRef.split('/').pop() as string];
      const own = ref ? components[ref.split('/').pop() as string] : undefined;
      return (
        Boolean(own?.properties && base.properties) &&
        Object.entries(base.properties ?? {}).every(
          ([k, v]) => JSON.stringify(own?.properties?.[k]) === JSON.stringify(v),
        ) &&
        JSON.stringify(own?.required ?? []) === JSON.stringify(base.required ?? [])
      );
    };

    it('declares a typed success and the contract error body for every operation', () => {
      expect(oa.operations.length).toBeGreaterThanOrEqual(34);
      // Hikvision ISAPI alerts: a plate read is 202 as on POST /gate/reads, a heartbeat or another event 200 (what
      // cameras expect of an alert); every other operation has one success.
      const successes: Record<string, number> = { IsapiController_alert: 2 };
      for (const { id, op } of oa.operations) {
        const statuses = Object.keys(op.responses).map(Number);
        expect({ id, success: statuses.filter((s) => s < 300).length }).toEqual({ id, success: successes[id] ?? 1 });
        for (const [status, r] of Object.entries(op.responses)) {
          const schema = Object.values(r.content ?? {})[0]?.schema;
          // 204 No Content and 304 Not Modified have no body to describe.
          expect({ id, status, schema: schema !== undefined }).toEqual({
            id,
            status,
            schema: status !== '204' && status !== '304',
          });
          if (Number(status) >= 400)
            expect({ id, status, errorBody: isErrorBody(schema) }).toEqual({ id, status, errorBody: true });
        }
      }
    });

    it('declares 401 and 403 where a token is needed, 400, 413 and 415 where a body is read, 400 and 404 for path parameters', () => {
      for (const { id, op } of oa.operations) {
        const has = (s: number) => String(s) in op.responses;
        // A gate camera's key (`device`) has no role to refuse: 401 only.
        const device = op.security?.some((s) => Object.keys(s as object).includes('device'));
        if (op.security) expect({ id, auth: has(401) && (device || has(403)) }).toEqual({ id, auth: true });
        if (op.requestBody) expect({ id, body: has(400) && has(413) && has(415) }).toEqual({ id, body: true });
        if (op.parameters?.some((p) => p.in === 'path'))
          expect({ id, path: has(400) && has(404) }).toEqual({ id, path: true });
        if (op.parameters?.some((p) => p.in === 'query')) expect({ id, query: has(400) }).toEqual({ id, query: true });
      }
    });

    it('shows no real credentials in its examples', async () => {
      const text = JSON.stringify(oa.doc);
      expect(text).not.toMatch(/admin-password|admin@kouan\.local/);
      const login = (await api.http.get('/api/docs-json')).body.components.schemas.LoginDto.properties;
      expect(login).toMatchObject({
        email: { example: 'dispatch@firm.example' },
        password: { example: 'correct-horse-battery' },
      });
    });

    it('refuses answers it does not describe (the checker can fail)', () => {
      const res = (status: number, body: unknown) => ({
        status,
        body,
        text: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      expect(oa.problems('GET', `${API}/ports/MOHAN`, res(418, {}))).toEqual([
        expect.stringContaining('does not declare'),
      ]);
      expect(oa.problems('GET', `${API}/ports/MOHAN`, res(404, { statusCode: 404 }))).not.toEqual([]);
      expect(
        oa.problems('GET', `${API}/ports/MOHAN`, res(404, { statusCode: 404, error: 'Not Found', message: ['a', 1] })),
      ).not.toEqual([]);
      expect(oa.problems('GET', `${API}/driver/booking`, res(200, { bookingId: 'x' }))).not.toEqual([]);
      expect(oa.problems('GET', `${API}/nowhere`, res(200, {}))).toEqual([
        expect.stringContaining('not in the document'),
      ]);
    });
  });

  it('public reads: ports, a port with and without a schedule, slots, the board, health', async () => {
    const ports = await expectStatus(200, 'get', `${API}/ports`);
    expect(ports.body).toHaveLength(26);
    await expectStatus(400, 'get', `${API}/ports`, { query: { limit: 0 } });
    const mohan = await expectStatus(200, 'get', `${API}/ports/mohan`);
    expect(mohan.body.schedule).toMatchObject(OPENING_HOURS);
    const airport = await expectStatus(200, 'get', `${API}/ports/KMG`);
    expect(airport.body.schedule).toBeNull();
    await expectStatus(404, 'get', `${API}/ports/NOWHERE`, {}, 'not_found');
    await expectStatus(400, 'get', `${API}/ports/a_b`);
    await expectStatus(200, 'get', `${API}/ports/${PORT}/slots`, { query: { date: day(1) } });
    await expectStatus(400, 'get', `${API}/ports/${PORT}/slots`, { query: { date: 'tomorrow' } });
    await expectStatus(400, 'get', `${API}/ports/${PORT}/slots`, { query: { date: '2026-02-30' } });
    await expectStatus(404, 'get', `${API}/ports/NOWHERE/slots`, { query: { date: day(1) } });
    await expectStatus(200, 'get', `${API}/ports/${PORT}/queue`, { query: { direction: 'import' } });
    await expectStatus(400, 'get', `${API}/ports/${PORT}/queue`);
    await expectStatus(404, 'get', `${API}/ports/NOWHERE/queue`, { query: { direction: 'export' } });
    await expectStatus(200, 'get', '/health');
    await expectStatus(200, 'get', '/ready');
    const metrics = await expectStatus(200, 'get', '/metrics');
    expect(metrics.text).toMatch(/^# HELP /m);
  });

  it('login: 200 with a token, 401 for a wrong password, 400 for a bad body', async () => {
    const email = `dispatch-${randomBytes(3).toString('hex')}@firm.example`;
    await api.app
      .get(UsersService)
      .create({ email, password: 'correct-horse-battery', role: 'dispatcher', firmId: firm.id });
    const ok = await expectStatus(200, 'post', `${API}/auth/login`, {
      body: { email, password: 'correct-horse-battery' },
    });
    expect(ok.body.role).toBe('dispatcher');
    await expectStatus(401, 'post', `${API}/auth/login`, { body: { email, password: 'wrong-horse-battery' } });
    await expectStatus(400, 'post', `${API}/auth/login`, { body: { email: 'not-an-email', password: 1 } });
  });

  it('sessions: refresh, logout, password change, disabling and enabling accounts', async () => {
    const email = `session-${randomBytes(3).toString('hex')}@firm.example`;
    const user = await api.app
      .get(UsersService)
      .create({ email, password: 'correct-horse-battery', role: 'dispatcher', firmId: firm.id });
    const first = await expectStatus(200, 'post', `${API}/auth/login`, {
      body: { email, password: 'correct-horse-battery' },
    });
    const second = await expectStatus(200, 'post', `${API}/auth/refresh`, {
      body: { refreshToken: first.body.refreshToken },
    });
    await expectStatus(401, 'post', `${API}/auth/refresh`, { body: { refreshToken: 'not-a-token' } });
    await expectStatus(400, 'post', `${API}/auth/refresh`, { body: {} });
    await expectStatus(204, 'post', `${API}/auth/logout`, { body: { refreshToken: second.body.refreshToken } });
    await expectStatus(401, 'post', `${API}/auth/logout`, { body: { refreshToken: 'not-a-token' } });
    await expectStatus(400, 'post', `${API}/auth/logout`, { body: { refreshToken: 1 } });

    const session = await expectStatus(200, 'post', `${API}/auth/login`, {
      body: { email, password: 'correct-horse-battery' },
    });
    const token = session.body.accessToken as string;
    await expectStatus(401, 'post', `${API}/auth/password`, {
      body: { currentPassword: 'x', newPassword: 'long-enough-password' },
    });
    await expectStatus(
      403,
      'post',
      `${API}/auth/password`,
      { token, body: { currentPassword: 'wrong-horse', newPassword: 'long-enough-password' } },
      'wrong_password',
    );
    await expectStatus(400, 'post', `${API}/auth/password`, {
      token,
      body: { currentPassword: 'correct-horse-battery', newPassword: 'short' },
    });
    await expectStatus(200, 'post', `${API}/auth/password`, {
      token,
      body: { currentPassword: 'correct-horse-battery', newPassword: 'long-enough-password' },
    });

    await expectStatus(200, 'post', `${API}/users/${user.id}/disable`, { token: api.adminToken });
    await expectStatus(401, 'post', `${API}/users/${user.id}/disable`);
    await expectStatus(403, 'post', `${API}/users/${user.id}/disable`, { token: firm.dispatcherToken });
    await expectStatus(400, 'post', `${API}/users/nope/disable`, { token: api.adminToken });
    await expectStatus(404, 'post', `${API}/users/${randomUUID()}/disable`, { token: api.adminToken });
    await expectStatus(
      409,
      'post',
      `${API}/users/${api.tokens.verify(api.adminToken)!.sub}/disable`,
      { token: api.adminToken },
      'conflict',
    );
    await expectStatus(200, 'post', `${API}/users/${user.id}/enable`, { token: api.adminToken });
    await expectStatus(401, 'post', `${API}/users/${user.id}/enable`);
    await expectStatus(403, 'post', `${API}/users/${user.id}/enable`, { token: firm.dispatcherToken });
    await expectStatus(400, 'post', `${API}/users/nope/enable`, { token: api.adminToken });
    await expectStatus(404, 'post', `${API}/users/${randomUUID()}/enable`, { token: api.adminToken });
  });

  it('port administration: schedule, staff, holding areas, KPIs', async () => {
    const admin = api.adminToken;
    await expectStatus(200, 'put', `${API}/ports/HEKOU/schedule`, { token: admin, body: DEFAULT_SCHEDULE });
    await expectStatus(401, 'put', `${API}/ports/HEKOU/schedule`, { body: DEFAULT_SCHEDULE });
    await expectStatus(403, 'put', `${API}/ports/HEKOU/schedule`, { token: staff, body: DEFAULT_SCHEDULE });
    await expectStatus(400, 'put', `${API}/ports/HEKOU/schedule`, {
      token: admin,
      body: { ...DEFAULT_SCHEDULE, slotMinutes: 0 },
    });
    await expectStatus(404, 'put', `${API}/ports/NOWHERE/schedule`, { token: admin, body: DEFAULT_SCHEDULE });
    await expectStatus(
      422,
      'put',
      `${API}/ports/HEKOU/schedule`,
      { token: admin, body: { ...DEFAULT_SCHEDULE, openFrom: '18:00', openTo: '09:00' } },
      'invalid_schedule',
    );
    // The strike limit: 5 by default, kept when a later body omits it, 0-100.
    expect(
      (
        await expectStatus(200, 'put', `${API}/ports/HEKOU/schedule`, {
          token: admin,
          body: { ...DEFAULT_SCHEDULE, strikeLimit: 3 },
        })
      ).body.strikeLimit,
    ).toBe(3);
    expect(
      (await expectStatus(200, 'put', `${API}/ports/HEKOU/schedule`, { token: admin, body: DEFAULT_SCHEDULE })).body
        .strikeLimit,
    ).toBe(3);
    for (const strikeLimit of [-1, 101, 2.5, '5']) {
      await expectStatus(400, 'put', `${API}/ports/HEKOU/schedule`, {
        token: admin,
        body: { ...DEFAULT_SCHEDULE, strikeLimit },
      });
    }
    expect(
      (
        await expectStatus(200, 'put', `${API}/ports/HEKOU/schedule`, {
          token: admin,
          body: { ...DEFAULT_SCHEDULE, strikeLimit: 5 },
        })
      ).body.strikeLimit,
    ).toBe(5);

    const email = `officer-${randomBytes(3).toString('hex')}@port.example`;
    await expectStatus(201, 'post', `${API}/ports/HEKOU/staff`, {
      token: admin,
      body: { email, password: 'correct-horse-battery' },
    });
    await expectStatus(
      409,
      'post',
      `${API}/ports/HEKOU/staff`,
      { token: admin, body: { email, password: 'correct-horse-battery' } },
      'duplicate_email',
    );
    await expectStatus(404, 'post', `${API}/ports/NOWHERE/staff`, {
      token: admin,
      body: { email: 'x@port.example', password: 'correct-horse-battery' },
    });
    await expectStatus(201, 'post', `${API}/ports/HEKOU/staff`, {
      token: admin,
      body: { email: `yard-${email}`, password: 'correct-horse-battery', role: 'yard_staff' },
    });
    await expectStatus(400, 'post', `${API}/ports/HEKOU/staff`, {
      token: admin,
      body: { email: `x-${email}`, password: 'correct-horse-battery', role: 'regulator' },
    });
    await expectStatus(201, 'post', `${API}/regulators`, {
      token: admin,
      body: { email: `reg-${email}`, password: 'correct-horse-battery' },
    });
    await expectStatus(
      409,
      'post',
      `${API}/regulators`,
      { token: admin, body: { email: `reg-${email}`, password: 'correct-horse-battery' } },
      'duplicate_email',
    );
    await expectStatus(403, 'post', `${API}/regulators`, {
      token: staff,
      body: { email: `reg2-${email}`, password: 'correct-horse-battery' },
    });

    const far = await expectStatus(201, 'post', `${API}/ports/HEKOU/counterpart/users`, {
      token: admin,
      body: { email: `far-${email}`, password: 'correct-horse-battery' },
    });
    const counterpart = api.tokens.sign({ sub: far.body.id, role: 'counterpart', portCode: 'HEKOU' });
    await expectStatus(
      409,
      'post',
      `${API}/ports/HEKOU/counterpart/users`,
      { token: admin, body: { email: `far-${email}`, password: 'correct-horse-battery' } },
      'duplicate_email',
    );
    await expectStatus(200, 'post', `${API}/ports/HEKOU/counterpart/status`, {
      token: counterpart,
      body: { status: 'slowed', reason: 'one scanner down', reasons: { vi: 'một máy soi hỏng' } },
    });
    await expectStatus(403, 'post', `${API}/ports/HEKOU/counterpart/status`, {
      token: staff,
      body: { status: 'open', reason: 'x' },
    });
    await expectStatus(200, 'put', `${API}/ports/HEKOU/counterpart/acceptance`, {
      token: counterpart,
      body: { date: day(1), windows: [{ from: '08:00', to: '12:00', trucks: 12 }], reason: 'half the inspectors' },
    });
    await expectStatus(
      422,
      'put',
      `${API}/ports/HEKOU/counterpart/acceptance`,
      { token: counterpart, body: { date: day(1), windows: [{ from: '12:00', to: '08:00', trucks: 1 }] } },
      'invalid_acceptance',
    );
    await expectStatus(404, 'put', `${API}/ports/MOHAN/counterpart/acceptance`, {
      token: counterpart,
      body: { date: day(1), windows: [] },
    });

    const area = {
      name: 'Hekou overflow yard',
      lat: 22.5,
      lon: 103.95,
      radiusM: 300,
      bays: 20,
      reeferBays: 2,
      directions: { en: 'Left at the gate' },
    };
    const created = await expectStatus(201, 'post', `${API}/ports/HEKOU/parking-areas`, { token: admin, body: area });
    await expectStatus(409, 'post', `${API}/ports/HEKOU/parking-areas`, { token: admin, body: area }, 'conflict');
    await expectStatus(
      422,
      'post',
      `${API}/ports/HEKOU/parking-areas`,
      { token: admin, body: { ...area, name: 'Other', bays: 1, reeferBays: 5 } },
      'invalid_holding_area',
    );
    await expectStatus(200, 'put', `${API}/ports/HEKOU/parking-areas/${created.body.id}`, {
      token: admin,
      body: { bays: 25 },
    });
    await expectStatus(404, 'put', `${API}/ports/HEKOU/parking-areas/${randomUUID()}`, {
      token: admin,
      body: { bays: 25 },
    });
    await expectStatus(400, 'put', `${API}/ports/HEKOU/parking-areas/not-a-uuid`, { token: admin, body: { bays: 25 } });
    await expectStatus(403, 'post', `${API}/ports/HEKOU/parking-areas`, { token: firm.adminToken, body: area });

    const kpis = { from: day(-1), to: day(1) };
    await expectStatus(200, 'get', `${API}/ports/${PORT}/kpis`, { token: staff, query: kpis });
    await expectStatus(200, 'get', `${API}/audit`, {
      token: admin,
      query: { port: 'HEKOU', from: day(0), to: day(0), limit: 5 },
    });
    await expectStatus(400, 'get', `${API}/audit`, { token: admin, query: { from: 'yesterday' } });
    await expectStatus(401, 'get', `${API}/audit`);
    await expectStatus(403, 'get', `${API}/audit`, { token: staff });
    expect((await expectStatus(200, 'get', `${API}/audit/verify`, { token: admin })).body.ok).toBe(true);
    await expectStatus(401, 'get', `${API}/audit/verify`);
    await expectStatus(403, 'get', `${API}/audit/verify`, { token: firm.adminToken });
    await expectStatus(404, 'get', `${API}/ports/HEKOU/kpis`, { token: staff, query: kpis });
    await expectStatus(403, 'get', `${API}/ports/${PORT}/kpis`, { token: firm.adminToken, query: kpis });
    await expectStatus(400, 'get', `${API}/ports/${PORT}/kpis`, {
      token: staff,
      query: { from: kpis.to, to: kpis.from },
    });
  });

  it("a firm's view of slots: its share, what it holds, what it may still book", async () => {
    const date = day(1);
    await expectStatus(200, 'get', `${API}/bookings/slots`, {
      token: firm.dispatcherToken,
      query: { port: PORT, date, direction: 'export' },
    });
    await expectStatus(400, 'get', `${API}/bookings/slots`, {
      token: firm.dispatcherToken,
      query: { port: PORT, date: 'tomorrow' },
    });
    await expectStatus(401, 'get', `${API}/bookings/slots`, { query: { port: PORT, date } });
    await expectStatus(403, 'get', `${API}/bookings/slots`, { token: staff, query: { port: PORT, date } });
    await expectStatus(404, 'get', `${API}/bookings/slots`, {
      token: firm.dispatcherToken,
      query: { port: 'NOWHERE', date },
    });
    await expectStatus(
      422,
      'get',
      `${API}/bookings/slots`,
      { token: firm.dispatcherToken, query: { port: PORT, date: '2001-01-01' } },
      'date_out_of_range',
    );
  });

  it('vehicles and drivers are edited by their firm only', async () => {
    const v = await expectStatus(201, 'post', `${API}/vehicles`, {
      token: firm.dispatcherToken,
      body: { plate: `云E${randomBytes(2).toString('hex')}`, country: 'CN' },
    });
    await expectStatus(200, 'patch', `${API}/vehicles/${v.body.id}`, {
      token: firm.dispatcherToken,
      body: { reefer: true },
    });
    await expectStatus(400, 'patch', `${API}/vehicles/${v.body.id}`, {
      token: firm.dispatcherToken,
      body: { plate: "'; drop" },
    });
    await expectStatus(401, 'patch', `${API}/vehicles/${v.body.id}`, { body: { reefer: true } });
    await expectStatus(403, 'patch', `${API}/vehicles/${v.body.id}`, { token: staff, body: { reefer: true } });
    await expectStatus(404, 'patch', `${API}/vehicles/${randomUUID()}`, {
      token: firm.dispatcherToken,
      body: { reefer: true },
    });
    const other = await expectStatus(201, 'post', `${API}/vehicles`, {
      token: firm.dispatcherToken,
      body: { plate: `云F${randomBytes(2).toString('hex')}`, country: 'CN' },
    });
    await expectStatus(
      409,
      'patch',
      `${API}/vehicles/${other.body.id}`,
      { token: firm.dispatcherToken, body: { plate: v.body.plate } },
      'duplicate_plate',
    );
    await expectStatus(200, 'patch', `${API}/drivers/${firm.driverIds[0]}`, {
      token: firm.dispatcherToken,
      body: { language: 'lo', phone: '+856 20 555 1234' },
    });
    await expectStatus(400, 'patch', `${API}/drivers/${firm.driverIds[0]}`, {
      token: firm.dispatcherToken,
      body: { language: 'xx' },
    });
    await expectStatus(404, 'patch', `${API}/drivers/${randomUUID()}`, {
      token: firm.dispatcherToken,
      body: { name: 'X' },
    });
  });

  it('declarations: the firm files, staff answer and reopen', async () => {
    const b = await book(await slotNow());
    const path = `${API}/bookings/${b.bookingId}/declaration`;
    await expectStatus(409, 'post', `${path}/status`, { token: staff, body: { status: 'accepted' } }, 'conflict');
    await expectStatus(200, 'put', path, {
      token: firm.dispatcherToken,
      body: { declarationNo: 'D-1', documents: [{ kind: 'invoice', ref: 'I-1' }] },
    });
    await expectStatus(400, 'put', path, { token: firm.dispatcherToken, body: { declarationNo: '' } });
    await expectStatus(401, 'put', path, { body: { declarationNo: 'D-1' } });
    await expectStatus(403, 'put', path, { token: staff, body: { declarationNo: 'D-1' } });
    await expectStatus(404, 'put', `${API}/bookings/${randomUUID()}/declaration`, {
      token: firm.dispatcherToken,
      body: { declarationNo: 'D-1' },
    });
    await expectStatus(200, 'post', `${path}/status`, { token: staff, body: { status: 'inspection', note: 'lane 2' } });
    await expectStatus(400, 'post', `${path}/status`, { token: staff, body: { status: 'maybe' } });
    await expectStatus(401, 'post', `${path}/status`, { body: { status: 'accepted' } });
    await expectStatus(403, 'post', `${path}/status`, { token: firm.dispatcherToken, body: { status: 'accepted' } });
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/declaration/status`, {
      token: staff,
      body: { status: 'accepted' },
    });
    await expectStatus(
      409,
      'post',
      `${path}/reopen`,
      { token: staff, body: { reason: 'not accepted yet' } },
      'conflict',
    );
    await expectStatus(200, 'post', `${path}/status`, { token: staff, body: { status: 'accepted' } });
    await expectStatus(
      409,
      'put',
      path,
      { token: firm.dispatcherToken, body: { declarationNo: 'D-2' } },
      'declaration_locked',
    );
    await expectStatus(400, 'post', `${path}/reopen`, { token: staff, body: {} });
    await expectStatus(401, 'post', `${path}/reopen`, { body: { reason: 'x' } });
    await expectStatus(403, 'post', `${path}/reopen`, { token: firm.dispatcherToken, body: { reason: 'x' } });
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/declaration/reopen`, {
      token: staff,
      body: { reason: 'x' },
    });
    await expectStatus(200, 'post', `${path}/reopen`, { token: staff, body: { reason: 'invoice total wrong' } });
    await expectStatus(200, 'put', path, { token: firm.dispatcherToken, body: { declarationNo: 'D-2' } });
    await expectStatus(200, 'post', `${API}/bookings/${b.bookingId}/cancel`, { token: firm.dispatcherToken });
    await expectStatus(
      409,
      'put',
      path,
      { token: firm.dispatcherToken, body: { declarationNo: 'D-2' } },
      'illegal_transition',
    );
  });

  it('published fees: publish, the one in force, the history', async () => {
    const fees = {
      effectiveFrom: day(0),
      currency: 'CNY',
      items: [{ code: 'inspection', name: { zh: '查验费', en: 'Inspection' }, amount: 80, unit: 'per_truck' }],
    };
    await expectStatus(404, 'get', `${API}/ports/DULONG/fees`);
    await expectStatus(201, 'put', `${API}/ports/DULONG/fees`, { token: api.adminToken, body: fees });
    await expectStatus(400, 'put', `${API}/ports/DULONG/fees`, {
      token: api.adminToken,
      body: { ...fees, currency: 'cny' },
    });
    await expectStatus(401, 'put', `${API}/ports/DULONG/fees`, { body: fees });
    await expectStatus(403, 'put', `${API}/ports/DULONG/fees`, { token: staff, body: fees });
    await expectStatus(404, 'put', `${API}/ports/NOWHERE/fees`, { token: api.adminToken, body: fees });
    await expectStatus(
      422,
      'put',
      `${API}/ports/DULONG/fees`,
      { token: api.adminToken, body: { ...fees, effectiveFrom: day(-2) } },
      'date_out_of_range',
    );
    await expectStatus(200, 'get', `${API}/ports/DULONG/fees`);
    await expectStatus(200, 'get', `${API}/ports/DULONG/fees/history`);
    await expectStatus(404, 'get', `${API}/ports/NOWHERE/fees/history`);
  });

  it('webhooks: register, list, change, rotate the secret, log, remove', async () => {
    const body = { url: 'https://dispatch.example.com/kouan', events: ['booking.called'] };
    const created = await expectStatus(201, 'post', `${API}/webhooks`, { token: firm.adminToken, body });
    await expectStatus(400, 'post', `${API}/webhooks`, { token: firm.adminToken, body: { ...body, url: 'ftp://x' } });
    await expectStatus(400, 'post', `${API}/webhooks`, { token: firm.adminToken, body: { ...body, format: 'xml' } });
    await expectStatus(401, 'post', `${API}/webhooks`, { body });
    await expectStatus(403, 'post', `${API}/webhooks`, { token: staff, body });
    await expectStatus(200, 'get', `${API}/webhooks`, { token: firm.adminToken });
    const hook = `${API}/webhooks/${created.body.id}`;
    await expectStatus(200, 'patch', hook, { token: firm.adminToken, body: { format: 'cloudevents' } });
    await expectStatus(400, 'patch', hook, { token: firm.adminToken, body: {} });
    await expectStatus(404, 'patch', `${API}/webhooks/${randomUUID()}`, {
      token: firm.adminToken,
      body: { format: 'standard' },
    });
    await expectStatus(403, 'patch', hook, { token: staff, body: { format: 'standard' } });
    await expectStatus(200, 'post', `${hook}/rotate-secret`, { token: firm.adminToken });
    await expectStatus(404, 'post', `${API}/webhooks/${randomUUID()}/rotate-secret`, { token: firm.adminToken });
    await expectStatus(400, 'post', `${API}/webhooks/not-a-uuid/rotate-secret`, { token: firm.adminToken });
    await expectStatus(401, 'post', `${hook}/rotate-secret`);
    await expectStatus(403, 'post', `${hook}/rotate-secret`, { token: staff });
    await expectStatus(200, 'get', `${API}/webhooks/${created.body.id}/deliveries`, { token: firm.adminToken });
    await expectStatus(404, 'get', `${API}/webhooks/${randomUUID()}/deliveries`, { token: firm.adminToken });
    await expectStatus(400, 'delete', `${API}/webhooks/not-a-uuid`, { token: firm.adminToken });
    await expectStatus(204, 'delete', `${API}/webhooks/${created.body.id}`, { token: firm.adminToken });
    await expectStatus(404, 'delete', `${API}/webhooks/${created.body.id}`, { token: firm.adminToken });
  });

  it('firms, users, vehicles and drivers', async () => {
    const admin = api.adminToken;
    const f = await expectStatus(201, 'post', `${API}/firms`, {
      token: admin,
      body: { name: 'Red River Haulage', country: 'vn', contactEmail: 'ops@redriver.example' },
    });
    await expectStatus(400, 'post', `${API}/firms`, { token: admin, body: { name: 'No country' } });
    await expectStatus(401, 'post', `${API}/firms`, { token: 'nonsense', body: {} });
    await expectStatus(403, 'post', `${API}/firms`, { token: firm.adminToken, body: {} });
    const user = {
      email: `owner-${randomBytes(3).toString('hex')}@redriver.example`,
      password: 'correct-horse-battery',
      role: 'firm_admin',
    };
    await expectStatus(201, 'post', `${API}/firms/${f.body.id}/users`, { token: admin, body: user });
    await expectStatus(409, 'post', `${API}/firms/${f.body.id}/users`, { token: admin, body: user }, 'duplicate_email');
    await expectStatus(404, 'post', `${API}/firms/${f.body.id}/users`, {
      token: firm.adminToken,
      body: { ...user, email: 'x@firm.example' },
    });
    await expectStatus(400, 'post', `${API}/firms/nope/users`, { token: admin, body: user });

    const v = await expectStatus(201, 'post', `${API}/vehicles`, {
      token: firm.adminToken,
      body: { plate: 'yn-b 5555', country: 'CN', trailerPlate: '云B·7777挂', reefer: true },
    });
    await expectStatus(
      409,
      'post',
      `${API}/vehicles`,
      { token: firm.adminToken, body: { plate: v.body.plate, country: 'CN' } },
      'duplicate_plate',
    );
    await expectStatus(400, 'post', `${API}/vehicles`, {
      token: firm.adminToken,
      body: { plate: "'; drop table", country: 'CN' },
    });
    await expectStatus(403, 'post', `${API}/vehicles`, { token: staff, body: { plate: 'YNB5556', country: 'CN' } });
    await expectStatus(200, 'get', `${API}/vehicles`, { token: firm.dispatcherToken, query: { limit: 5 } });
    await expectStatus(400, 'get', `${API}/vehicles`, { token: firm.dispatcherToken, query: { offset: -1 } });
    await expectStatus(201, 'post', `${API}/drivers`, {
      token: firm.adminToken,
      body: { name: 'Nguyen Van An', phone: '+84 912-345-678', licenceNo: 'VN-1', language: 'vi' },
    });
    await expectStatus(400, 'post', `${API}/drivers`, {
      token: firm.adminToken,
      body: { name: 'X', phone: '12', licenceNo: 'L', language: 'fr' },
    });
    await expectStatus(200, 'get', `${API}/drivers`, { token: firm.adminToken });
    await expectStatus(401, 'get', `${API}/drivers`);
  });

  it("the admin's people side: firms listed, disabled and enabled, a firm's users, accounts, resets, failing webhooks", async () => {
    const admin = api.adminToken;
    const f = await expectStatus(201, 'post', `${API}/firms`, {
      token: admin,
      body: { name: 'Oa Disabled Co', country: 'CN', contactEmail: 'ops@oadisabled.example' },
    });
    await expectStatus(200, 'get', `${API}/firms`, { token: admin, query: { limit: 5 } });
    await expectStatus(400, 'get', `${API}/firms`, { token: admin, query: { limit: 0 } });
    await expectStatus(403, 'get', `${API}/firms`, { token: firm.adminToken });
    await expectStatus(200, 'post', `${API}/firms/${f.body.id}/disable`, { token: admin });
    await expectStatus(200, 'post', `${API}/firms/${f.body.id}/enable`, { token: admin });
    await expectStatus(404, 'post', `${API}/firms/${randomUUID()}/disable`, { token: admin });
    await expectStatus(400, 'post', `${API}/firms/nope/enable`, { token: admin });
    await expectStatus(401, 'post', `${API}/firms/${f.body.id}/disable`);
    await expectStatus(200, 'get', `${API}/firms/${firm.id}/users`, { token: firm.adminToken });
    await expectStatus(404, 'get', `${API}/firms/${f.body.id}/users`, { token: firm.adminToken });
    await expectStatus(403, 'get', `${API}/firms/${firm.id}/users`, { token: staff });
    const users = await expectStatus(200, 'get', `${API}/users`, { token: admin, query: { port: PORT } });
    await expectStatus(400, 'get', `${API}/users`, { token: admin, query: { role: 'dispatcher' } });
    await expectStatus(403, 'get', `${API}/users`, { token: staff });
    expect(users.body.length).toBeGreaterThan(0);
    const resettable = await expectStatus(201, 'post', `${API}/ports/${PORT}/staff`, {
      token: admin,
      body: { email: `oa-reset-${randomBytes(3).toString('hex')}@port.example`, password: 'staff-password' },
    });
    await expectStatus(200, 'post', `${API}/users/${resettable.body.id}/reset-password`, { token: admin });
    await expectStatus(404, 'post', `${API}/users/${randomUUID()}/reset-password`, { token: admin });
    await expectStatus(401, 'post', `${API}/users/${randomUUID()}/reset-password`);
    await expectStatus(200, 'get', `${API}/admin/webhooks`, { token: admin, query: { state: 'failing' } });
    await expectStatus(400, 'get', `${API}/admin/webhooks`, { token: admin });
    await expectStatus(403, 'get', `${API}/admin/webhooks`, { token: firm.adminToken, query: { state: 'failing' } });
  });

  it('bookings: create, replay, read, reschedule, cancel, and their refusals', async () => {
    const slot = await slotNow();
    const t = await book(slot);
    const token = firm.dispatcherToken;
    const body = { slotId: slot, vehicleId: t.vehicleId, driverId: firm.driverIds[0], cargo: cargo() };
    await expectStatus(409, 'post', `${API}/bookings`, { token, body }, 'vehicle_busy');
    await expectStatus(404, 'post', `${API}/bookings`, { token, body: { ...body, slotId: randomUUID() } });
    await expectStatus(400, 'post', `${API}/bookings`, {
      token,
      body: { ...body, cargo: { ...cargo(), weightKg: 0 } },
    });
    await expectStatus(403, 'post', `${API}/bookings`, { token: staff, body });
    const key = { 'Idempotency-Key': randomUUID() };
    const fresh = await book(slot);
    await expectStatus(
      409,
      'post',
      `${API}/bookings`,
      { token, headers: key, body: { ...body, vehicleId: fresh.vehicleId } },
      'vehicle_busy',
    );
    const other = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(token))
      .send({ plate: `云K${randomBytes(3).toString('hex')}`, country: 'CN' })
      .expect(201);
    await expectStatus(201, 'post', `${API}/bookings`, {
      token,
      headers: key,
      body: { ...body, vehicleId: other.body.id },
    });
    await expectStatus(201, 'post', `${API}/bookings`, {
      token,
      headers: key,
      body: { ...body, vehicleId: other.body.id },
    });
    await expectStatus(
      422,
      'post',
      `${API}/bookings`,
      { token, headers: key, body: { ...body, vehicleId: fresh.vehicleId } },
      'idempotency_mismatch',
    );

    await expectStatus(200, 'get', `${API}/bookings`, {
      token,
      query: { date: day(0), status: 'booked', limit: 10 },
    });
    await expectStatus(400, 'get', `${API}/bookings`, { token, query: { status: 'lost' } });
    await expectStatus(200, 'get', `${API}/bookings/${t.bookingId}`, { token });
    await expectStatus(404, 'get', `${API}/bookings/${randomUUID()}`, { token });
    await expectStatus(400, 'get', `${API}/bookings/42`, { token });

    const tomorrow = (
      await expectStatus(200, 'get', `${API}/ports/${PORT}/slots`, {
        query: { date: day(1), direction: 'export' },
      })
    ).body[10].id as string;
    await expectStatus(200, 'post', `${API}/bookings/${t.bookingId}/reschedule`, { token, body: { slotId: tomorrow } });
    await expectStatus(
      409,
      'post',
      `${API}/bookings/${t.bookingId}/reschedule`,
      { token, body: { slotId: tomorrow } },
      'same_slot',
    );
    const importSlot = (await api.http.get(`${API}/ports/${PORT}/slots`).query({ date: day(1), direction: 'import' }))
      .body[10].id as string;
    await expectStatus(
      422,
      'post',
      `${API}/bookings/${t.bookingId}/reschedule`,
      { token, body: { slotId: importSlot } },
      'wrong_port_or_direction',
    );
    await expectStatus(200, 'post', `${API}/bookings/${t.bookingId}/cancel`, { token });
    await expectStatus(409, 'post', `${API}/bookings/${t.bookingId}/cancel`, { token }, 'illegal_transition');
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/cancel`, { token });
  });

  it('drivers and the queue: session, check-in, board, lanes, calls and outcomes', async () => {
    const slot = await slotNow();
    const [a, b] = [await book(slot), await book(slot)];
    await expectStatus(401, 'post', `${API}/driver/session`, {
      body: { reference: a.reference, driverCode: a.driverCode === '000000' ? '111111' : '000000' },
    });
    await expectStatus(400, 'post', `${API}/driver/session`, { body: { reference: a.reference } });
    const driver = await driverToken(a);
    const before = await expectStatus(200, 'get', `${API}/driver/booking`, { token: driver });
    expect(before.body).toMatchObject({ status: 'booked', position: null, parking: null, lane: null });
    await expectStatus(403, 'get', `${API}/driver/booking`, { token: firm.dispatcherToken });
    await expectStatus(401, 'get', `${API}/driver/booking`);
    await expectStatus(200, 'get', `${API}/driver/push/key`, { token: driver });
    await expectStatus(403, 'get', `${API}/driver/push/key`, { token: firm.dispatcherToken });
    const push = {
      endpoint: 'http://127.0.0.1:9/push',
      keys: { p256dh: Buffer.concat([Buffer.of(4), randomBytes(64)]).toString('base64url'), auth: 'A'.repeat(22) },
    };
    await expectStatus(204, 'put', `${API}/driver/push-subscription`, { token: driver, body: push });
    await expectStatus(400, 'put', `${API}/driver/push-subscription`, { token: driver, body: { endpoint: 'x' } });
    await expectStatus(401, 'put', `${API}/driver/push-subscription`, { body: push });
    await expectStatus(204, 'delete', `${API}/driver/push-subscription`, { token: driver });
    await expectStatus(403, 'delete', `${API}/driver/push-subscription`, { token: firm.dispatcherToken });
    await expectStatus(
      422,
      'post',
      `${API}/driver/check-in`,
      { token: driver, body: { lat: 0, lon: 0 } },
      'outside_geofence',
    );
    await expectStatus(400, 'post', `${API}/driver/check-in`, { token: driver, body: { lat: 'north', lon: 0 } });
    await expectStatus(200, 'post', `${API}/driver/check-in`, { token: driver, body: { lat: 21.183, lon: 101.683 } });
    await expectStatus(
      409,
      'post',
      `${API}/driver/check-in`,
      { token: driver, body: { lat: 21.183, lon: 101.683 } },
      'already_checked_in',
    );
    const waiting = await expectStatus(200, 'get', `${API}/driver/booking`, { token: driver });
    expect(waiting.body).toMatchObject({ status: 'checked_in', position: 1, parking: { overflow: false } });

    await expectStatus(201, 'post', `${API}/ports/${PORT}/check-ins`, { token: staff, body: { plate: b.plate } });
    await expectStatus(
      409,
      'post',
      `${API}/ports/${PORT}/check-ins`,
      { token: staff, body: { plate: b.plate } },
      'already_checked_in',
    );
    await expectStatus(404, 'post', `${API}/ports/${PORT}/check-ins`, { token: staff, body: { plate: '云Z00000' } });
    await expectStatus(403, 'post', `${API}/ports/${PORT}/check-ins`, {
      token: firm.adminToken,
      body: { plate: b.plate },
    });
    await expectStatus(400, 'post', `${API}/ports/${PORT}/check-ins`, {
      token: staff,
      body: { plate: b.plate, reference: b.reference },
    });
    await expectStatus(
      409,
      'post',
      `${API}/ports/${PORT}/check-ins`,
      { token: staff, body: { reference: b.reference } },
      'already_checked_in',
    );
    await expectStatus(404, 'post', `${API}/ports/${PORT}/check-ins`, {
      token: staff,
      body: { plate: b.plate, bookingId: a.bookingId },
    });
    const board = await expectStatus(200, 'get', `${API}/ports/${PORT}/queue`, { query: { direction: 'export' } });
    expect(board.body.entries).toHaveLength(2);
    await expectStatus(200, 'get', `${API}/ports/${PORT}/queue/staff`, {
      token: staff,
      query: { direction: 'export' },
    });
    await expectStatus(404, 'get', `${API}/ports/HEKOU/queue/staff`, { token: staff, query: { direction: 'export' } });
    await expectStatus(403, 'get', `${API}/ports/${PORT}/queue/staff`, {
      token: driver,
      query: { direction: 'export' },
    });

    const laneUrl = `${API}/ports/${PORT}/lanes/${lane}`;
    await expectStatus(200, 'post', `${laneUrl}/status`, { token: staff, body: { status: 'paused' } });
    await expectStatus(409, 'post', `${laneUrl}/call-next`, { token: staff }, 'lane_not_open');
    await expectStatus(400, 'post', `${laneUrl}/status`, { token: staff, body: { status: 'shut' } });
    await expectStatus(404, 'post', `${API}/ports/${PORT}/lanes/${randomUUID()}/status`, {
      token: staff,
      body: { status: 'open' },
    });
    await expectStatus(200, 'post', `${laneUrl}/status`, { token: staff, body: { status: 'open' } });
    const first = await expectStatus(200, 'post', `${laneUrl}/call-next`, { token: staff });
    expect(first.body.bookingId).toBe(a.bookingId);
    const called = await expectStatus(200, 'get', `${API}/driver/booking`, { token: driver });
    expect(called.body).toMatchObject({ status: 'called', lane: { id: lane } });
    await expectStatus(200, 'get', `${API}/ports/${PORT}/queue`, { query: { direction: 'export' } });
    await expectStatus(200, 'post', `${API}/bookings/${a.bookingId}/skip`, { token: staff });
    await expectStatus(409, 'post', `${API}/bookings/${a.bookingId}/complete`, { token: staff }, 'illegal_transition');
    await expectStatus(200, 'post', `${laneUrl}/call-next`, { token: staff });
    await expectStatus(200, 'post', `${laneUrl}/call-next`, { token: staff });
    await expectStatus(404, 'post', `${laneUrl}/call-next`, { token: staff }, 'queue_empty');
    // The same plate in another firm (b is still active, called): 409 ambiguous_plate with its candidates, then the officer's pick.
    const other = await createFirm(api, 'Openapi Haulage', 1);
    const twin = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(other.dispatcherToken))
      .send({ plate: b.plate, country: 'CN' })
      .expect(201);
    const twinBooking = await api.http
      .post(`${API}/bookings`)
      .set(bearer(other.dispatcherToken))
      .send({ slotId: slot, vehicleId: twin.body.id, driverId: other.driverIds[0], cargo: cargo() })
      .expect(201);
    const ambiguous = await expectStatus(
      409,
      'post',
      `${API}/ports/${PORT}/check-ins`,
      { token: staff, body: { plate: b.plate } },
      'ambiguous_plate',
    );
    expect(ambiguous.body.candidates).toHaveLength(2);
    const twinIn = await expectStatus(201, 'post', `${API}/ports/${PORT}/check-ins`, {
      token: staff,
      body: { plate: b.plate, bookingId: twinBooking.body.id },
    });
    expect(twinIn.body.bookingId).toBe(twinBooking.body.id);
    await expectStatus(200, 'post', `${API}/bookings/${b.bookingId}/complete`, { token: staff });
    // The yard, in call order: b left its lane and is awaited until the yard confirms it, once; a (skipped, called again) is still called.
    const yard = await portStaffToken(api, PORT, 'yard_staff');
    const yardUrl = `${API}/ports/${PORT}/yard`;
    const awaited = await expectStatus(200, 'get', yardUrl, { token: yard, query: { direction: 'export' } });
    expect(awaited.body.called).toEqual([
      expect.objectContaining({ bookingId: b.bookingId, status: 'completed' }),
      expect.objectContaining({ bookingId: a.bookingId, status: 'called', completedAt: null }),
    ]);
    await expectStatus(404, 'get', `${API}/ports/HEKOU/yard`, { token: yard, query: { direction: 'export' } });
    await expectStatus(403, 'get', yardUrl, { token: firm.adminToken, query: { direction: 'export' } });
    await expectStatus(400, 'get', yardUrl, { token: yard, query: { direction: 'sideways' } });
    await expectStatus(401, 'get', yardUrl, { query: { direction: 'export' } });
    await expectStatus(
      409,
      'post',
      `${API}/bookings/${twinBooking.body.id}/yard-arrival`,
      { token: yard },
      'illegal_transition',
    );
    await expectStatus(200, 'post', `${API}/bookings/${b.bookingId}/yard-arrival`, { token: yard });
    await expectStatus(409, 'post', `${API}/bookings/${b.bookingId}/yard-arrival`, { token: yard }, 'conflict');
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/yard-arrival`, { token: yard });
    await expectStatus(400, 'post', `${API}/bookings/x/yard-arrival`, { token: yard });
    await expectStatus(403, 'post', `${API}/bookings/${b.bookingId}/yard-arrival`, { token: firm.adminToken });
    await expectStatus(401, 'post', `${API}/bookings/${b.bookingId}/yard-arrival`);
    await expectStatus(200, 'post', `${API}/bookings/${a.bookingId}/no-show`, { token: staff });
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/no-show`, { token: staff });
    await expectStatus(400, 'post', `${API}/bookings/x/skip`, { token: staff });
    await expectStatus(403, 'post', `${API}/bookings/${a.bookingId}/skip`, { token: firm.adminToken });
    await expectStatus(401, 'post', `${laneUrl}/call-next`);
    const done = await expectStatus(200, 'get', `${API}/driver/booking`, { token: driver });
    expect(done.body).toMatchObject({ status: 'no_show', position: null });

    // The firm's standing: the lane was paused during this slot (above), so the no-show is no strike by itself;
    // staff may still waive it with a reason.
    const standing = `${API}/firms/${firm.id}/standing`;
    expect(
      (await expectStatus(200, 'get', standing, { token: firm.dispatcherToken, query: { port: PORT } })).body,
    ).toMatchObject({ strikes30d: 0, noShows30d: 1, strikeLimit: 5, quotaPercentNow: 100, port: PORT });
    await expectStatus(200, 'get', standing, { token: api.adminToken });
    await expectStatus(404, 'get', `${API}/firms/${other.id}/standing`, { token: firm.dispatcherToken });
    await expectStatus(404, 'get', standing, { token: firm.dispatcherToken, query: { port: 'NOWHERE' } });
    await expectStatus(400, 'get', standing, { token: firm.dispatcherToken, query: { port: '%' } });
    await expectStatus(403, 'get', standing, { token: staff });
    await expectStatus(401, 'get', standing);
    await expectStatus(400, 'post', `${API}/bookings/${a.bookingId}/waive`, { token: staff, body: {} });
    await expectStatus(
      409,
      'post',
      `${API}/bookings/${b.bookingId}/waive`,
      { token: staff, body: { reason: 'gate fault' } },
      'not_no_show',
    );
    await expectStatus(403, 'post', `${API}/bookings/${a.bookingId}/waive`, {
      token: firm.adminToken,
      body: { reason: 'gate fault' },
    });
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/waive`, {
      token: staff,
      body: { reason: 'gate fault' },
    });
    await expectStatus(200, 'post', `${API}/bookings/${a.bookingId}/waive`, {
      token: staff,
      body: { reason: 'gate fault' },
    });
    await expectStatus(
      409,
      'post',
      `${API}/bookings/${a.bookingId}/waive`,
      { token: staff, body: { reason: 'gate fault' } },
      'already_waived',
    );
    await expectStatus(401, 'post', `${API}/bookings/${a.bookingId}/waive`, { body: { reason: 'gate fault' } });
    expect((await expectStatus(200, 'get', standing, { token: firm.adminToken })).body.strikes30d).toBe(0);
  });

  it('driver sessions: refresh, a reissued code, closed bookings, and the hardening refusals', async () => {
    const t = await book(await slotNow());
    const driver = await driverToken(t);
    const refreshed = await expectStatus(200, 'post', `${API}/driver/session/refresh`, { token: driver });
    expect(refreshed.body).toEqual({ accessToken: expect.any(String), expiresAt: expect.any(String) });
    await expectStatus(401, 'post', `${API}/driver/session/refresh`);
    await expectStatus(403, 'post', `${API}/driver/session/refresh`, { token: firm.dispatcherToken });
    const reissued = await expectStatus(200, 'post', `${API}/bookings/${t.bookingId}/driver-code`, {
      token: firm.dispatcherToken,
    });
    // Texted: a code newer still, which the rest go on with.
    const texted = await expectStatus(202, 'post', `${API}/bookings/${t.bookingId}/driver-code/send`, {
      token: firm.dispatcherToken,
    });
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/driver-code/send`, { token: firm.adminToken });
    await expectStatus(401, 'post', `${API}/driver/session`, {
      body: { reference: t.reference, driverCode: t.driverCode },
    });
    // The reissue ended the old code's session; the new code opens one.
    await expectStatus(401, 'post', `${API}/driver/session/refresh`, { token: driver });
    expect(texted.body.driverCode).not.toBe(reissued.body.driverCode);
    const renewed = await driverToken({ ...t, driverCode: texted.body.driverCode });
    await expectStatus(404, 'post', `${API}/bookings/${randomUUID()}/driver-code`, { token: firm.dispatcherToken });
    await expectStatus(400, 'post', `${API}/bookings/nope/driver-code`, { token: firm.dispatcherToken });
    await expectStatus(403, 'post', `${API}/bookings/${t.bookingId}/driver-code`, { token: staff });
    await expectStatus(200, 'post', `${API}/bookings/${t.bookingId}/cancel`, { token: firm.dispatcherToken });
    await expectStatus(
      410,
      'post',
      `${API}/driver/session`,
      { body: { reference: t.reference, driverCode: texted.body.driverCode } },
      'booking_closed',
    );
    await expectStatus(410, 'post', `${API}/driver/session/refresh`, { token: renewed }, 'booking_closed');
    await expectStatus(
      410,
      'post',
      `${API}/bookings/${t.bookingId}/driver-code`,
      { token: firm.dispatcherToken },
      'booking_closed',
    );

    await expectStatus(
      422,
      'get',
      `${API}/ports/${PORT}/slots`,
      { query: { date: '0002-12-31' } },
      'date_out_of_range',
    );
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { cargo: deep };
    await expectStatus(400, 'post', `${API}/bookings`, { token: firm.dispatcherToken, body: deep });
    await expectStatus(413, 'post', `${API}/driver/session`, {
      body: { reference: 'x'.repeat(5000), driverCode: '123456' },
    });
  });

  it('a body over 1 MiB is 413 in the contract shape', async () => {
    const huge = { email: 'a@b.example', password: 'x'.repeat(1_100_000) };
    await expectStatus(413, 'post', `${API}/auth/login`, { body: huge });
    await expectStatus(413, 'post', `${API}/bookings`, {
      token: firm.dispatcherToken,
      body: { cargo: { description: 'y'.repeat(1_100_000) } },
    });
  });

  it('a JSON body in UTF-16 is 415 in the contract shape', async () => {
    const body = JSON.stringify({ email: 'a@b.example', password: 'some-password' });
    const res = await expectStatus(415, 'post', `${API}/auth/login`, {
      headers: { 'Content-Type': 'application/json; charset=utf-16le' },
      body,
    });
    expect(res.body.message).toMatch(/UTF-8/);
  });

  it("the relay's dead letters: list and replay (port admin)", async () => {
    const admin = api.adminToken;
    // A dead letter as the relay leaves it (the relay itself is tested in dead-letters.e2e.spec.ts).
    const [letter] = await api.ds.query(
      `INSERT INTO booking_event_failures (event_seq, consumer, attempts, last_error, failed_at, parked_at)
       SELECT max(seq), 'webhooks', 5, 'receiver table locked', $1::timestamptz, $1::timestamptz FROM booking_events
       RETURNING id`,
      [clock.now()],
    );
    const list = await expectStatus(200, 'get', `${API}/admin/dead-letters`, { token: admin, query: { limit: 5 } });
    expect(list.body).toHaveLength(1);
    await expectStatus(400, 'get', `${API}/admin/dead-letters`, { token: admin, query: { limit: 0 } });
    await expectStatus(401, 'get', `${API}/admin/dead-letters`);
    await expectStatus(403, 'get', `${API}/admin/dead-letters`, { token: staff });
    await expectStatus(202, 'post', `${API}/admin/dead-letters/${letter.id}/replay`, { token: admin });
    await expectStatus(404, 'post', `${API}/admin/dead-letters/987654321/replay`, { token: admin });
    await expectStatus(400, 'post', `${API}/admin/dead-letters/not-an-id/replay`, { token: admin });
    await expectStatus(401, 'post', `${API}/admin/dead-letters/${letter.id}/replay`);
    await expectStatus(403, 'post', `${API}/admin/dead-letters/${letter.id}/replay`, { token: firm.adminToken });
    await api.ds.query('DELETE FROM booking_event_failures');
  });

  it('forecast and port performance: the day with the bookings above, every road port', async () => {
    const today = day(0);
    const forecast = await expectStatus(200, 'get', `${API}/ports/${PORT}/forecast`, {
      token: staff,
      query: { date: today },
    });
    expect(forecast.body.hours).toHaveLength(48);
    await expectStatus(200, 'get', `${API}/ports/${PORT}/forecast`, { token: api.adminToken });
    await expectStatus(401, 'get', `${API}/ports/${PORT}/forecast`);
    await expectStatus(403, 'get', `${API}/ports/${PORT}/forecast`, { token: firm.adminToken });
    await expectStatus(400, 'get', `${API}/ports/${PORT}/forecast`, { token: staff, query: { date: '2026-02-30' } });
    await expectStatus(404, 'get', `${API}/ports/HEKOU/forecast`, { token: staff });
    const range = { from: day(-1), to: day(1) };
    const performance = await expectStatus(200, 'get', `${API}/ports/performance`, {
      token: api.adminToken,
      query: range,
    });
    expect(performance.body.find((r: { port: string }) => r.port === PORT).bookings).toBeGreaterThan(0);
    await expectStatus(401, 'get', `${API}/ports/performance`, { query: range });
    await expectStatus(403, 'get', `${API}/ports/performance`, { token: staff, query: range });
    await expectStatus(400, 'get', `${API}/ports/performance`, {
      token: api.adminToken,
      query: { from: range.to, to: range.from },
    });
  });

  it('outlook: the rest of today from the queue above, with a what-if', async () => {
    const outlook = `${API}/ports/${PORT}/outlook`;
    const plan = await expectStatus(200, 'get', outlook, { token: staff, query: { direction: 'export' } });
    expect(plan.body.whatIf).toBeUndefined();
    const whatIf = await expectStatus(200, 'get', outlook, {
      token: api.adminToken,
      query: { direction: 'export', lanes: '2@18:00', serviceMinutes: 12, capacity: 4, pause: '15' },
    });
    expect(whatIf.body.whatIf.change).toMatchObject({ lanes: 2, serviceMinutes: 12, capacity: 4, pauseMinutes: 15 });
    await expectStatus(401, 'get', outlook, { query: { direction: 'export' } });
    await expectStatus(403, 'get', outlook, { token: firm.adminToken, query: { direction: 'export' } });
    await expectStatus(400, 'get', outlook, { token: staff, query: { direction: 'both' } });
    await expectStatus(400, 'get', outlook, { token: staff, query: { direction: 'export', lanes: '21' } });
    await expectStatus(404, 'get', `${API}/ports/HEKOU/outlook`, { token: staff, query: { direction: 'export' } });
    const suggestion = await expectStatus(200, 'get', `${outlook}/capacity`, { token: api.adminToken });
    expect(suggestion.body.directions).toHaveLength(2);
    await expectStatus(401, 'get', `${outlook}/capacity`);
    await expectStatus(403, 'get', `${outlook}/capacity`, { token: staff });
    await expectStatus(404, 'get', `${API}/ports/NOWHERE/outlook/capacity`, { token: api.adminToken });
  });

  it('the far side: our departures and its arrivals (its officer, acceptance and status above)', async () => {
    const far = `${API}/ports/${PORT}/counterpart`;
    const user = await expectStatus(201, 'post', `${far}/users`, {
      token: api.adminToken,
      body: { email: `far-${randomBytes(3).toString('hex')}@far.example`, password: 'counterpart-password' },
    });
    const officer = api.tokens.sign({ sub: user.body.id, role: 'counterpart', portCode: PORT });
    await expectStatus(200, 'get', `${far}/departures`, { token: officer, query: { limit: 10 } });
    await expectStatus(200, 'get', `${far}/departures`, { token: staff });
    await expectStatus(400, 'get', `${far}/departures`, { token: officer, query: { after: 'junk' } });
    await expectStatus(401, 'get', `${far}/departures`);
    await expectStatus(403, 'get', `${far}/departures`, { token: firm.adminToken });
    await expectStatus(404, 'get', `${API}/ports/HEKOU/counterpart/departures`, { token: officer });
    const left = new Date(clock.now().getTime() - 3600_000).toISOString();
    const arrivals = [{ plate: 'ກຂ 1234', departedAt: left }];
    await expectStatus(202, 'post', `${far}/arrivals`, { token: officer, body: arrivals });
    await expectStatus(400, 'post', `${far}/arrivals`, { token: officer, body: {} });
    await expectStatus(401, 'post', `${far}/arrivals`, { body: arrivals });
    await expectStatus(403, 'post', `${far}/arrivals`, { token: staff, body: arrivals });
    await expectStatus(404, 'post', `${API}/ports/HEKOU/counterpart/arrivals`, { token: officer, body: arrivals });
  });

  it("the link with the far side's Kouan: its status for the port admin (counterpart-link.e2e runs a link)", async () => {
    const link = `${API}/ports/${PORT}/counterpart/link`;
    await expectStatus(200, 'get', link, { token: api.adminToken });
    await expectStatus(400, 'get', `${API}/ports/bad code!/counterpart/link`, { token: api.adminToken });
    await expectStatus(401, 'get', link);
    await expectStatus(403, 'get', link, { token: staff });
    await expectStatus(404, 'get', `${API}/ports/NOWHERE/counterpart/link`, { token: api.adminToken });
  });

  it('port setup: lanes added and renamed, holding areas listed, previews (port-setup.e2e has the rest)', async () => {
    const admin = api.adminToken;
    const lanes = `${API}/ports/HEKOU/lanes`;
    const added = await expectStatus(201, 'post', lanes, { token: admin, body: { direction: 'export', name: 'oa-1' } });
    await expectStatus(400, 'post', lanes, { token: admin, body: { direction: 'sideways', name: 'oa-2' } });
    await expectStatus(409, 'post', lanes, { token: admin, body: { direction: 'export', name: 'oa-1' } }, 'conflict');
    await expectStatus(401, 'post', lanes, { body: { direction: 'export', name: 'oa-2' } });
    await expectStatus(403, 'post', lanes, { token: staff, body: { direction: 'export', name: 'oa-2' } });
    await expectStatus(404, 'post', `${API}/ports/NOWHERE/lanes`, {
      token: admin,
      body: { direction: 'export', name: 'x' },
    });
    const lanePath = `${lanes}/${added.body.id}`;
    await expectStatus(200, 'patch', lanePath, { token: admin, body: { names: { zh: '一号' } } });
    await expectStatus(400, 'patch', lanePath, { token: admin, body: { name: '' } });
    await expectStatus(404, 'patch', `${lanes}/${lane}`, { token: admin, body: { name: 'x' } });
    await expectStatus(401, 'patch', lanePath, { body: { name: 'x' } });
    await expectStatus(403, 'patch', lanePath, { token: staff, body: { name: 'x' } });
    const areas = `${API}/ports/${PORT}/parking-areas`;
    await expectStatus(200, 'get', areas, { token: staff });
    await expectStatus(401, 'get', areas);
    await expectStatus(403, 'get', areas, { token: firm.adminToken });
    await expectStatus(404, 'get', `${API}/ports/HEKOU/parking-areas`, { token: staff });
    const preview = `${API}/ports/HEKOU/schedule/preview`;
    await expectStatus(200, 'post', preview, { token: admin, body: DEFAULT_SCHEDULE });
    await expectStatus(400, 'post', preview, { token: admin, body: { ...DEFAULT_SCHEDULE, slotMinutes: 0 } });
    await expectStatus(401, 'post', preview, { body: DEFAULT_SCHEDULE });
    await expectStatus(403, 'post', preview, { token: staff, body: DEFAULT_SCHEDULE });
    await expectStatus(404, 'post', `${API}/ports/NOWHERE/schedule/preview`, { token: admin, body: DEFAULT_SCHEDULE });
    await expectStatus(
      422,
      'post',
      preview,
      { token: admin, body: { ...DEFAULT_SCHEDULE, openFrom: '18:00', openTo: '09:00' } },
      'invalid_schedule',
    );
    const feesPreview = `${API}/ports/HEKOU/fees/preview`;
    const fees = {
      effectiveFrom: day(1),
      currency: 'CNY',
      items: [{ code: 'inspection', name: { zh: '查验费', en: 'Inspection' }, amount: 100, unit: 'per_truck' }],
    };
    await expectStatus(200, 'post', feesPreview, { token: admin, body: fees });
    await expectStatus(400, 'post', feesPreview, { token: admin, body: { ...fees, currency: 'cny' } });
    await expectStatus(401, 'post', feesPreview, { body: fees });
    await expectStatus(403, 'post', feesPreview, { token: staff, body: fees });
    await expectStatus(404, 'post', `${API}/ports/NOWHERE/fees/preview`, { token: admin, body: fees });
    await expectStatus(
      422,
      'post',
      feesPreview,
      { token: admin, body: { ...fees, effectiveFrom: day(-1) } },
      'date_out_of_range',
    );
  });

  it("gate cameras: devices registered, listed, re-keyed and removed; reads and heartbeats; the port's reads resolved", async () => {
    const port = (await expectStatus(200, 'get', `${API}/ports/${PORT}`)).body as {
      parkingAreas: Array<{ id: string }>;
    };
    const areaId = port.parkingAreas[0].id;
    const admin = api.adminToken;
    const devices = `${API}/ports/${PORT}/devices`;
    const cam = (
      await expectStatus(201, 'post', devices, {
        token: admin,
        body: { name: 'Entry A', position: 'holding_entry', areaId },
      })
    ).body as { id: string; key: string };
    await expectStatus(
      422,
      'post',
      devices,
      { token: admin, body: { name: 'Lane X', position: 'lane' } },
      'invalid_device',
    );
    await expectStatus(409, 'post', devices, {
      token: admin,
      body: { name: 'Entry A', position: 'holding_entry', areaId },
    });
    await expectStatus(400, 'post', devices, { token: admin, body: { name: 'x', position: 'roof' } });
    await expectStatus(403, 'post', devices, { token: staff, body: { name: 'x', position: 'yard_gate' } });
    await expectStatus(401, 'post', devices, { body: { name: 'x', position: 'yard_gate' } });
    await expectStatus(404, 'post', `${API}/ports/NOWHERE/devices`, {
      token: admin,
      body: { name: 'x', position: 'yard_gate' },
    });

    const key = { Authorization: `Device ${cam.key}` };
    const truck = await book(await slotNow());
    const checkedIn = await expectStatus(202, 'post', `${API}/gate/reads`, {
      headers: key,
      body: { plate: truck.plate, confidence: 0.95, at: clock.now().toISOString(), imageRef: 'cam/1.jpg' },
    });
    expect(checkedIn.body).toMatchObject({ outcome: 'checked_in', bookingId: truck.bookingId });
    const unsure = await expectStatus(202, 'post', `${API}/gate/reads`, {
      headers: key,
      body: { plate: '云K99999', confidence: 0.2 },
    });
    await expectStatus(400, 'post', `${API}/gate/reads`, { headers: key, body: { plate: 'A', confidence: 2 } });
    await expectStatus(
      422,
      'post',
      `${API}/gate/reads`,
      {
        headers: key,
        body: { plate: '云K99999', confidence: 0.9, at: new Date(clock.now().getTime() + 3600_000).toISOString() },
      },
      'read_in_future',
    );
    await expectStatus(401, 'post', `${API}/gate/reads`, {
      token: admin,
      body: { plate: '云K99999', confidence: 0.9 },
    });
    await expectStatus(204, 'post', `${API}/gate/heartbeat`, { headers: key });
    await expectStatus(401, 'post', `${API}/gate/heartbeat`, {});

    const list = await expectStatus(200, 'get', devices, { token: staff, query: { limit: 10 } });
    expect(list.body).toEqual([expect.objectContaining({ id: cam.id, readsToday: 2, online: true })]);
    await expectStatus(403, 'get', devices, { token: firm.dispatcherToken });
    await expectStatus(404, 'get', devices, { token: await portStaffToken(api, 'HEKOU') });
    await expectStatus(400, 'get', devices, { token: staff, query: { limit: 0 } });

    const reads = `${API}/ports/${PORT}/gate-reads`;
    expect((await expectStatus(200, 'get', reads, { token: staff, query: { open: 'true' } })).body).toEqual([
      expect.objectContaining({ id: unsure.body.readId, outcome: 'low_confidence', resolution: null }),
    ]);
    await expectStatus(200, 'get', reads, { token: admin, query: { outcome: 'checked_in', from: day(0) } });
    await expectStatus(400, 'get', reads, { token: staff, query: { outcome: 'sideways' } });
    await expectStatus(403, 'get', reads, { token: firm.dispatcherToken });
    const resolve = `${reads}/${unsure.body.readId}/resolve`;
    await expectStatus(404, 'post', resolve, { token: staff, body: { action: 'check_in' } });
    await expectStatus(400, 'post', resolve, { token: staff, body: { action: 'maybe' } });
    await expectStatus(400, 'post', `${reads}/x/resolve`, { token: staff, body: { action: 'dismiss' } });
    await expectStatus(404, 'post', `${reads}/${randomUUID()}/resolve`, { token: staff, body: { action: 'dismiss' } });
    expect(
      (await expectStatus(200, 'post', resolve, { token: staff, body: { action: 'dismiss' } })).body,
    ).toMatchObject({
      resolution: 'dismissed',
    });
    await expectStatus(409, 'post', resolve, { token: staff, body: { action: 'dismiss' } }, 'read_not_open');
    const later = (
      (await expectStatus(200, 'get', `${API}/ports/${PORT}/slots`, { query: { date: day(0), direction: 'export' } }))
        .body as Array<{ id: string; startsAt: string }>
    ).find((sl) => Date.parse(sl.startsAt) > clock.now().getTime() + 3 * 3600_000)!;
    const early = await book(later.id);
    const tooEarly = await expectStatus(202, 'post', `${API}/gate/reads`, {
      headers: key,
      body: { plate: early.plate, confidence: 0.1 },
    });
    await expectStatus(
      422,
      'post',
      `${reads}/${tooEarly.body.readId}/resolve`,
      {
        token: staff,
        body: { action: 'check_in' },
      },
      'too_early',
    );

    // Hikvision ISAPI: a plate read 202, a heartbeat and another event 200, what is not an alert 400, 413 or 415.
    const isapi = `${API}/gate/isapi`;
    const xml = (plate: string) =>
      isapiFixture('anpr-hikvision.xml')
        .toString()
        .replace(/<licensePlate>[^<]*<\/licensePlate>/, `<licensePlate>${plate}</licensePlate>`)
        .replace(/<dateTime>[^<]*<\/dateTime>/, '');
    const asXml = { ...key, 'Content-Type': 'application/xml' };
    await expectStatus(200, 'put', `${API}/ports/${PORT}/schedule`, {
      token: admin,
      body: {
        ...DEFAULT_SCHEDULE,
        ...OPENING_HOURS,
        capacity: { export: 40, import: 40 },
        firmQuotaPercent: 100,
        keepGateImages: true,
      },
    });
    const form = multipartAlert(anprParts(xml('云K77771')));
    const pictured = await expectStatus(202, 'post', isapi, {
      headers: { ...key, 'Content-Type': form.contentType },
      body: form.body,
    });
    expect(pictured.body).toMatchObject({ outcome: 'unmatched' });
    await expectStatus(202, 'post', isapi, {
      headers: { 'Content-Type': 'application/xml' },
      query: { key: cam.key },
      body: Buffer.from(xml('云K77772')),
    });
    expect(
      (await expectStatus(200, 'post', isapi, { headers: asXml, body: isapiFixture('heartbeat.xml') })).body,
    ).toEqual({ outcome: 'heartbeat' });
    expect((await expectStatus(200, 'post', isapi, { headers: asXml, body: isapiFixture('vmd.xml') })).body).toEqual({
      outcome: 'ignored',
      eventType: 'VMD',
    });
    await expectStatus(400, 'post', isapi, { headers: asXml, body: Buffer.from('<EventNotificationAlert>') });
    await expectStatus(
      400,
      'post',
      isapi,
      { headers: asXml, body: Buffer.from(`<!DOCTYPE x [<!ENTITY a "a">]>${xml('&a;')}`) },
      'xml_not_allowed',
    );
    await expectStatus(413, 'post', isapi, { headers: asXml, body: Buffer.alloc(3_000_000, 0x20) }, 'alert_too_large');
    await expectStatus(
      415,
      'post',
      isapi,
      { headers: { ...key, 'Content-Type': 'text/plain' }, body: Buffer.from('云K77773') },
      'unsupported_media_type',
    );
    await expectStatus(401, 'post', isapi, {
      headers: { 'Content-Type': 'application/xml' },
      body: Buffer.from(xml('云K77774')),
    });
    const image = `${API}/ports/${PORT}/gate-reads/${pictured.body.readId}/image`;
    const picture = await expectStatus(200, 'get', image, { token: staff });
    expect(picture.headers['content-type']).toBe('image/jpeg');
    await expectStatus(404, 'get', `${API}/ports/${PORT}/gate-reads/${unsure.body.readId}/image`, { token: staff });
    await expectStatus(404, 'get', image, { token: await portStaffToken(api, 'HEKOU') });
    await expectStatus(400, 'get', `${API}/ports/${PORT}/gate-reads/x/image`, { token: staff });
    await expectStatus(403, 'get', image, { token: firm.dispatcherToken });
    await expectStatus(401, 'get', image);

    await expectStatus(200, 'post', `${devices}/${cam.id}/key`, { token: admin });
    await expectStatus(404, 'post', `${devices}/${randomUUID()}/key`, { token: admin });
    await expectStatus(400, 'post', `${devices}/x/key`, { token: admin });
    await expectStatus(403, 'post', `${devices}/${cam.id}/key`, { token: staff });
    await expectStatus(401, 'post', `${API}/gate/reads`, {
      headers: key,
      body: { plate: '云K99999', confidence: 0.9 },
    });
    await expectStatus(204, 'delete', `${devices}/${cam.id}`, { token: admin });
    await expectStatus(404, 'delete', `${devices}/${cam.id}`, { token: admin });
    await expectStatus(400, 'delete', `${devices}/x`, { token: admin });
    await expectStatus(403, 'delete', `${devices}/${cam.id}`, { token: staff });
  });

  it('open data: every port now, the waits and their CSV, 304 to a held ETag, bad input', async () => {
    const open = '/open/v1';
    const ports = await expectStatus(200, 'get', `${open}/ports`);
    await expectStatus(304, 'get', `${open}/ports`, { headers: { 'If-None-Match': ports.headers.etag as string } });
    const range = { port: PORT, from: day(-3), to: day(0) };
    for (const path of [`${open}/waits`, `${open}/waits.csv`]) {
      const res = await expectStatus(200, 'get', path, { query: range });
      await expectStatus(304, 'get', path, { query: range, headers: { 'If-None-Match': res.headers.etag as string } });
      await expectStatus(400, 'get', path, { query: { ...range, from: day(1), to: day(0) } });
      await expectStatus(404, 'get', path, { query: { ...range, port: 'NOWHERE' } });
    }
  });

  it('incidents: opened, listed and closed by staff; read by the far side; a closure refuses calls', async () => {
    const incidents = `${API}/ports/${PORT}/incidents`;
    const officer = await counterpartToken(api, PORT);
    const opened = await expectStatus(201, 'post', incidents, {
      token: staff,
      body: { kind: 'closure', message: 'landslide on the access road' },
    });
    const callNext = `${API}/ports/${PORT}/lanes/${lane}/call-next`;
    await expectStatus(409, 'post', callNext, { token: staff, body: {} }, 'port_incident');
    await expectStatus(400, 'post', callNext, { token: staff, body: { force: 'yes' } });
    await expectStatus(400, 'post', incidents, { token: staff, body: { kind: 'alien', message: 'x' } });
    await expectStatus(403, 'post', incidents, { token: officer, body: { kind: 'closure', message: 'x' } });
    await expectStatus(401, 'post', incidents, { body: { kind: 'closure', message: 'x' } });
    await expectStatus(404, 'post', `${API}/ports/HEKOU/incidents`, {
      token: staff,
      body: { kind: 'closure', message: 'x' },
    });
    await expectStatus(200, 'get', incidents, { token: officer });
    await expectStatus(403, 'get', incidents, { token: firm.dispatcherToken });
    await expectStatus(401, 'get', incidents);
    await expectStatus(404, 'get', `${API}/ports/HEKOU/incidents`, { token: staff });
    await expectStatus(200, 'post', `${incidents}/${opened.body.id}/close`, { token: staff });
    await expectStatus(404, 'post', `${incidents}/${opened.body.id}/close`, { token: staff });
    await expectStatus(400, 'post', `${incidents}/x/close`, { token: staff });
    await expectStatus(403, 'post', `${incidents}/${opened.body.id}/close`, { token: officer });
  });

  it('every operation was answered, and every one succeeded at least once', () => {
    const succeeded = new Set([...oa.seen].filter((s) => /\s2\d\d$/.test(s)).map((s) => s.split(' ')[0]));
    expect(oa.operations.map((o) => o.id).filter((id) => !succeeded.has(id))).toEqual([]);
  });
});
