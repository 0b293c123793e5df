import { randomUUID } from 'node:crypto';
import { API, bearer, counterpartToken, portStaffToken, regulatorToken, startApi, TestApi } from '../support/harness';
import { OpenApiChecker } from '../support/openapi';

/**
 * The regulator reads audit, KPIs and performance of every port and changes nothing; yard staff confirm yard
 * arrivals and nothing else; the far side's officer (counterpart) states its port's acceptance and status and nothing
 * else. Checked against every operation the API documents, so a route added later is covered without touching this
 * test.
 */
describe('read-only regulator, narrow yard staff and counterpart', () => {
  let api: TestApi;
  let oa: OpenApiChecker;
  let regulator: string;
  let yard: string;
  let counterpart: string;

  /** The operation's path with its parameters filled in: a port that exists, ids that do not. */
  const concrete = (path: string) => path.replace('{code}', 'MOHAN').replace(/\{[^}]+\}/g, () => randomUUID());

  beforeAll(async () => {
    api = await startApi();
    oa = await OpenApiChecker.load(api);
    regulator = await regulatorToken(api);
    yard = await portStaffToken(api, 'MOHAN', 'yard_staff');
    counterpart = await counterpartToken(api, 'MOHAN');
  });

  afterAll(async () => {
    await api.close();
  });

  /**
   * Operations that change data. Changing one's own password (POST /auth/password) is not one: every user with a
   * password may, regulators and yard staff too (it is checked for them at the end).
   */
  const OWN_ACCOUNT = `${API}/auth/password`;
  /** Operations a user's bearer token may call (the gate cameras' take a device key instead: below). */
  const userAuth = (o: (typeof oa.operations)[number]) =>
    (o.op.security ?? []).some((s) => typeof s === 'object' && s !== null && 'bearer' in s);
  const writes = () => oa.operations.filter((o) => o.method !== 'GET' && userAuth(o) && o.path !== OWN_ACCOUNT);

  it("the gate cameras' operations take no user's token: a regulator's or yard staff's is 401, as no key", async () => {
    const devices = oa.operations.filter((o) => o.method !== 'GET' && o.op.security?.length && !userAuth(o));
    expect(devices.map((o) => o.path).sort()).toEqual(
      [`${API}/gate/heartbeat`, `${API}/gate/isapi`, `${API}/gate/reads`].sort(),
    );
    for (const o of devices)
      for (const token of [regulator, yard, counterpart]) {
        const res = await api.http.post(o.path).set(bearer(token)).send({});
        expect({ op: o.path, status: res.status }).toEqual({ op: o.path, status: 401 });
      }
  });

  it('every write operation that takes a token is 403 for a regulator, before its body is read', async () => {
    expect(writes().length).toBeGreaterThan(20);
    for (const o of writes()) {
      const path = concrete(o.path);
      const res = await api.http[o.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete'](path)
        .set(bearer(regulator))
        .send({});
      expect({ op: `${o.method} ${o.path}`, status: res.status, error: res.body.error }).toEqual({
        op: `${o.method} ${o.path}`,
        status: 403,
        error: 'Forbidden',
      });
    }
  });

  it('every write operation but the yard arrival is 403 for yard staff', async () => {
    for (const o of writes().filter((w) => !w.path.endsWith('/yard-arrival'))) {
      const res = await api.http[o.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete'](concrete(o.path))
        .set(bearer(yard))
        .send({});
      expect({ op: `${o.method} ${o.path}`, status: res.status }).toEqual({ op: `${o.method} ${o.path}`, status: 403 });
    }
  });

  /**
   * The routes a counterpart officer may call: its port's acceptance and status, our departures and its announced
   * arrivals, its far side's webhook endpoints (and, below, its own password).
   */
  const COUNTERPART_OWN = [
    `${API}/ports/{code}/counterpart/acceptance`,
    `${API}/ports/{code}/counterpart/status`,
    `${API}/ports/{code}/counterpart/departures`,
    `${API}/ports/{code}/counterpart/arrivals`,
    `${API}/webhooks`,
    `${API}/webhooks/{id}`,
    `${API}/webhooks/{id}/deliveries`,
  ];

  it("every operation that takes a token but the counterpart's own is 403 for a counterpart, reads too", async () => {
    const others = oa.operations.filter(
      (o) => userAuth(o) && o.path !== OWN_ACCOUNT && !COUNTERPART_OWN.includes(o.path),
    );
    expect(others.length).toBeGreaterThan(40);
    for (const o of others) {
      const res = await api.http[o.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](
        concrete(o.path),
      )
        .set(bearer(counterpart))
        .send(o.method === 'GET' ? undefined : {});
      expect({ op: `${o.method} ${o.path}`, status: res.status }).toEqual({ op: `${o.method} ${o.path}`, status: 403 });
    }
  });

  it("a counterpart's own routes take it past the role check at its port (400 on an empty body), and no other port (404)", async () => {
    const writes = oa.operations.filter(
      (o) => COUNTERPART_OWN.includes(o.path) && o.path.includes('{code}') && o.method !== 'GET',
    );
    expect(writes.map((o) => o.path).sort()).toEqual(
      [
        `${API}/ports/{code}/counterpart/acceptance`,
        `${API}/ports/{code}/counterpart/arrivals`,
        `${API}/ports/{code}/counterpart/status`,
      ].sort(),
    );
    for (const o of writes) {
      const path = o.path;
      const send = (port: string) =>
        api.http[o.method.toLowerCase() as 'post' | 'put'](path.replace('{code}', port))
          .set(bearer(counterpart))
          .send({});
      expect((await send('MOHAN')).status).toBe(400);
    }
    const valid = { status: 'closed', reason: 'not yours' };
    await api.http.post(`${API}/ports/HEKOU/counterpart/status`).set(bearer(counterpart)).send(valid).expect(404);
  });

  it('regulators, yard staff and counterparts may change their own password (past the role check: an empty body is a 400)', async () => {
    for (const token of [regulator, yard, counterpart]) {
      const res = await api.http.post(OWN_ACCOUNT).set(bearer(token)).send({});
      expect(res.status).toBe(400);
    }
  });

  it("the regulator reads the audit trail and every port's KPIs, and no firm's or driver's data", async () => {
    await api.http.get(`${API}/audit`).set(bearer(regulator)).expect(200);
    expect((await api.http.get(`${API}/audit/verify`).set(bearer(regulator)).expect(200)).body.ok).toBe(true);
    for (const port of ['MOHAN', 'HEKOU', 'RUILI']) {
      await api.http
        .get(`${API}/ports/${port}/kpis`)
        .query({ from: '2026-11-01', to: '2026-11-30' })
        .set(bearer(regulator))
        .expect(200);
    }
    for (const path of [
      '/bookings',
      '/vehicles',
      '/drivers',
      '/webhooks',
      '/ports/MOHAN/queue/staff',
      '/driver/booking',
    ]) {
      const res = await api.http.get(`${API}${path}`).set(bearer(regulator));
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });
});
