import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDate,
  portDayClock,
  portStaffToken,
  putSchedule,
  regulatorToken,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;

/**
 * The people side of the admin console (issue 18): firms listed, disabled and enabled (a disabled firm's users can
 * neither sign in nor use the tokens they hold, so they cannot book; its bookings stay), a firm's users, the port's
 * accounts and their password reset, and every firm's failing webhook endpoints.
 */
describe('admin API: firms, accounts, failing webhooks', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let worker: INestApplicationContext;
  let firm: TestFirm;
  let other: TestFirm;
  let staffToken: string;
  let regulator: string;

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    worker = await api.worker({
      WEBHOOK_RETRY_SECONDS: '0.3,0.6,1.2,6',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_DISABLE_AFTER_SECONDS: '600',
    });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 20, import: 20 } });
    firm = await createFirm(api, 'Admin Api Freight', 2);
    other = await createFirm(api, 'Other Api Freight', 3);
    staffToken = await portStaffToken(api, PORT);
    regulator = await regulatorToken(api);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  const get = (path: string, token?: string) => {
    const r = api.http.get(`${API}${path}`);
    return token ? r.set(bearer(token)) : r;
  };
  const post = (path: string, token?: string, body: Json = {}) => {
    const r = api.http.post(`${API}${path}`);
    return (token ? r.set(bearer(token)) : r).send(body);
  };

  /** A firm user or staff signed in for real (a session of their own, whose end refuses their tokens). */
  const signIn = async (email: string, password: string) =>
    (await post('/auth/login', undefined, { email, password }).expect(200)).body as {
      accessToken: string;
      refreshToken: string;
    };

  /** A new firm user with a known password. */
  const firmUser = async (firmId: string, role: 'firm_admin' | 'dispatcher') => {
    const email = `${role}-${randomBytes(4).toString('hex')}@firm.example`;
    const created = await post(`/firms/${firmId}/users`, api.adminToken, { email, password: 'firm-password-1', role });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, email, password: 'firm-password-1' };
  };

  /** Books truck `i` of the firm into the `i`th slot of the day after tomorrow. */
  const book = async (token: string, f: TestFirm, i = 0) => {
    const slot = (await slotsOf(api, PORT, portDate(2)))[i];
    return post('/bookings', token, {
      slotId: slot.id,
      vehicleId: f.vehicleIds[i],
      driverId: f.driverIds[i],
      cargo: cargo(),
    });
  };

  it('lists firms with their counts, standing and state, and a firm’s users for a port admin and its own admin', async () => {
    const firms = (await get('/firms', api.adminToken).expect(200)).body as Json[];
    expect(firms.find((f) => f.id === firm.id)).toEqual({
      id: firm.id,
      name: 'Admin Api Freight',
      country: 'CN',
      contactEmail: 'ops@adminapifreight.example',
      disabled: false,
      createdAt: expect.any(String),
      users: 2,
      vehicles: 2,
      standing: { strikes30d: 0, noShows30d: 0 },
    });
    expect(firms.map((f) => f.name)).toEqual([...firms.map((f) => f.name as string)].sort());

    const users = (await get(`/firms/${firm.id}/users`, api.adminToken).expect(200)).body as Json[];
    expect(users.map((u) => u.role).sort()).toEqual(['dispatcher', 'firm_admin']);
    expect(users[0]).toEqual({
      id: expect.any(String),
      email: expect.any(String),
      role: expect.any(String),
      disabled: false,
    });
    expect((await get(`/firms/${firm.id}/users`, firm.adminToken).expect(200)).body).toEqual(users);
    // Another firm is, for a firm admin, not there.
    await get(`/firms/${firm.id}/users`, other.adminToken).expect(404);
    await get(`/firms/${randomUUID()}/users`, api.adminToken).expect(404);
  });

  it('lists the port side’s accounts by role and port', async () => {
    const all = (await get('/users', api.adminToken).expect(200)).body as Json[];
    expect(new Set(all.map((u) => u.role))).toEqual(new Set(['port_staff', 'regulator']));
    expect(all.every((u) => u.disabled === false)).toBe(true);
    const regulators = (await get('/users?role=regulator', api.adminToken).expect(200)).body as Json[];
    expect(regulators).toHaveLength(1);
    expect(regulators[0]).toEqual({
      id: expect.any(String),
      email: expect.stringMatching(/^regulator-/),
      role: 'regulator',
      port: null,
      disabled: false,
    });
    const staff = (await get(`/users?port=${PORT.toLowerCase()}`, api.adminToken).expect(200)).body as Json[];
    expect(staff.map((u) => [u.role, u.port])).toEqual([['port_staff', PORT]]);
    expect((await get('/users?port=HEKOU', api.adminToken).expect(200)).body).toEqual([]);
  });

  it('answers 401 without a token and 403 to every role but the port admin’s (who administers every port)', async () => {
    const hekouStaff = await portStaffToken(api, 'HEKOU');
    const routes: Array<[string, string]> = [
      ['get', '/firms'],
      ['post', `/firms/${firm.id}/disable`],
      ['post', `/firms/${firm.id}/enable`],
      ['get', '/users'],
      ['post', `/users/${firm.id}/reset-password`],
      ['get', '/admin/webhooks?state=failing'],
    ];
    const others = [firm.adminToken, firm.dispatcherToken, staffToken, hekouStaff, regulator];
    for (const [method, path] of routes) {
      const call = (token?: string) => (method === 'get' ? get(path, token) : post(path, token));
      const statuses = [(await call()).status];
      for (const token of others) statuses.push((await call(token)).status);
      expect([path, statuses]).toEqual([path, [401, 403, 403, 403, 403, 403]]);
    }
    const users = `/firms/${firm.id}/users`;
    const statuses = [(await get(users)).status];
    for (const token of [firm.dispatcherToken, staffToken, regulator]) statuses.push((await get(users, token)).status);
    expect(statuses).toEqual([401, 403, 403, 403]);
  });

  it('refuses bad input with a 4xx in the contract’s shape', async () => {
    const bad = [
      await get('/users?role=firm_admin', api.adminToken),
      await get('/users?port=no%20such!', api.adminToken),
      await get('/users?limit=0', api.adminToken),
      await get('/firms?offset=-1', api.adminToken),
      await post('/firms/not-a-uuid/disable', api.adminToken),
      await get('/firms/not-a-uuid/users', api.adminToken),
      await post('/users/not-a-uuid/reset-password', api.adminToken),
      await get('/admin/webhooks', api.adminToken),
      await get('/admin/webhooks?state=ok', api.adminToken),
    ];
    for (const res of bad) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 400, error: expect.any(String) }));
    }
    await post(`/firms/${randomUUID()}/disable`, api.adminToken).expect(404);
    await post(`/users/${randomUUID()}/reset-password`, api.adminToken).expect(404);
    // A port admin's password is its holder's to change.
    const admins = (await api.ds.query(`SELECT id FROM users WHERE role = 'port_admin'`)) as Array<{ id: string }>;
    await post(`/users/${admins[0].id}/reset-password`, api.adminToken).expect(403);
  });

  it('resets a password once: the old one and the sessions end, the temporary one signs in', async () => {
    const email = `reset-${randomBytes(3).toString('hex')}@port.example`;
    const created = await post(`/ports/${PORT}/staff`, api.adminToken, { email, password: 'staff-password-1' });
    expect(created.status).toBe(201);
    const before = await signIn(email, 'staff-password-1');
    await get(`/ports/${PORT}/queue/staff?direction=export`, before.accessToken).expect(200);

    const reset = await post(`/users/${created.body.id}/reset-password`, api.adminToken).expect(200);
    expect(reset.body).toEqual({ temporaryPassword: expect.stringMatching(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/) });
    await get(`/ports/${PORT}/queue/staff?direction=export`, before.accessToken).expect(401);
    await post('/auth/refresh', undefined, { refreshToken: before.refreshToken }).expect(401);
    await post('/auth/login', undefined, { email, password: 'staff-password-1' }).expect(401);
    const after = await signIn(email, reset.body.temporaryPassword);
    await get(`/ports/${PORT}/queue/staff?direction=export`, after.accessToken).expect(200);

    const audit = (await api.ds.query(
      `SELECT type, data FROM audit_pending WHERE type = 'user.password_reset'
       UNION ALL SELECT type, data FROM audit_log WHERE type = 'user.password_reset'`,
    )) as Array<{ data: Json }>;
    expect(audit.map((a) => a.data.email)).toEqual([email]);
    expect(JSON.stringify(audit)).not.toContain(reset.body.temporaryPassword);
  });

  it('a disabled firm cannot sign in or book, the tokens it holds are refused, its bookings stay; enabled, it may again', async () => {
    const dispatcher = await firmUser(firm.id, 'dispatcher');
    const session = await signIn(dispatcher.email, dispatcher.password);
    const kept = await book(session.accessToken, firm);
    expect(kept.status).toBe(201);
    const otherSession = await signIn((await firmUser(other.id, 'dispatcher')).email, 'firm-password-1');

    const disabled = await post(`/firms/${firm.id}/disable`, api.adminToken).expect(200);
    expect(disabled.body).toEqual(expect.objectContaining({ id: firm.id, disabled: true, users: 3 }));
    // Twice is the same answer, and one audit row.
    await post(`/firms/${firm.id}/disable`, api.adminToken).expect(200);

    expect((await book(session.accessToken, firm)).status).toBe(401);
    await get('/bookings', session.accessToken).expect(401);
    await post('/auth/refresh', undefined, { refreshToken: session.refreshToken }).expect(401);
    await post('/auth/login', undefined, { email: dispatcher.email, password: dispatcher.password }).expect(401);
    // Nothing about the account itself changed: its firm is what is disabled.
    const users = (await get(`/firms/${firm.id}/users`, api.adminToken).expect(200)).body as Json[];
    expect(users.every((u) => u.disabled === false)).toBe(true);
    // Its booking stays, and another firm books on.
    const [stays] = await api.ds.query('SELECT status FROM bookings WHERE id = $1', [kept.body.id]);
    expect(stays.status).toBe('booked');
    expect((await book(otherSession.accessToken, other, 1)).status).toBe(201);
    expect(((await get('/firms', api.adminToken).expect(200)).body as Json[]).find((f) => f.id === firm.id)).toEqual(
      expect.objectContaining({ disabled: true }),
    );

    const enabled = await post(`/firms/${firm.id}/enable`, api.adminToken).expect(200);
    expect(enabled.body.disabled).toBe(false);
    const again = await signIn(dispatcher.email, dispatcher.password);
    expect((await book(again.accessToken, firm, 1)).status).toBe(201);
    const audit = (await api.ds.query(
      `SELECT type FROM (SELECT type, data FROM audit_pending UNION ALL SELECT type, data FROM audit_log) a
       WHERE type LIKE 'firm.%abled' AND data->>'firmId' = $1 ORDER BY type`,
      [firm.id],
    )) as Array<{ type: string }>;
    expect(audit.map((a) => a.type)).toEqual(['firm.disabled', 'firm.enabled']);
  });

  it('lists every firm’s failing endpoints with the firm, the url without its query and the last error', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      receiver.answer = 503;
      const hook = await post('/webhooks', other.adminToken, {
        url: `${receiver.url}?token=secret-in-query`,
        events: ['booking.created'],
      }).expect(201);
      expect((await get('/admin/webhooks?state=failing', api.adminToken).expect(200)).body).toEqual([]);
      expect((await book(other.dispatcherToken, other, 2)).status).toBe(201);
      const failing = await until('the endpoint listed as failing', async () => {
        const list = (await get('/admin/webhooks?state=failing', api.adminToken).expect(200)).body as Json[];
        return list.length && list[0].lastError ? list : false;
      });
      expect(failing).toEqual([
        {
          id: hook.body.id,
          firmId: other.id,
          firmName: 'Other Api Freight',
          url: receiver.url,
          lastError: 'http_503',
          lastErrorAt: expect.any(String),
          failingSince: expect.any(String),
          disabledAt: null,
        },
      ]);
    } finally {
      await receiver.stop();
    }
  });
});
