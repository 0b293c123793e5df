import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { Clock } from '@kouan/common';
import { API, bearer, bookedDriverToken, createFirm, startApi, TestApi } from '../support/harness';
import { connectLive, LiveClient, refusedLive } from '../support/live-client';

/**
 * Issue 16, sessions that last a shift: login gives a short access token and a refresh token; refreshing spends the
 * token (a spent one coming back ends the family); a family dies after 2 h unused or 12 h in all (judged at the
 * injected Clock); logout, a password change and disabling end sessions, their access tokens and their sockets.
 * And the per-account sign-in limit, which a browser that signed in before (device cookie) is not held to.
 */

const HOUR = 3600_000;
const MIN = 60_000;
/** The default allowances: wrong passwords per account from all addresses (15 min), per address and account (1 min). */
const ACCOUNT_LIMIT = 50;
const ADDRESS_ACCOUNT_LIMIT = 10;

interface Pair {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  role: string;
}

describe('sessions', () => {
  let api: TestApi;
  let firmId: string;
  let clock: Clock;
  let seq = 0;
  let addressSeq = 0;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(Clock);
    const firm = await api.http
      .post(`${API}/firms`)
      .set(bearer(api.adminToken))
      .send({ name: 'Session Freight', country: 'CN', contactEmail: 'ops@sessions.example' })
      .expect(201);
    firmId = firm.body.id;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => api.close());

  /** The API's Clock, `ms` after the real time (sessions and access tokens are judged at it). */
  const moveClock = (ms: number) => {
    jest.restoreAllMocks();
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(Date.now() + ms));
  };
  /** A client address of its own (TEST-NET-3); the harness trusts X-Forwarded-For from loopback. */
  const newAddress = () => `203.0.113.${++addressSeq}`;

  const newUser = async (role: 'dispatcher' | 'firm_admin' = 'dispatcher') => {
    const email = `user${++seq}-${randomBytes(3).toString('hex')}@sessions.example`;
    const password = `password-${seq}-long-enough`;
    const res = await api.http
      .post(`${API}/firms/${firmId}/users`)
      .set(bearer(api.adminToken))
      .send({ email, password, role })
      .expect(201);
    return { id: res.body.id as string, email, password };
  };
  const login = (email: string, password: string, address = newAddress()) =>
    api.http.post(`${API}/auth/login`).set('X-Forwarded-For', address).send({ email, password });
  const signIn = async (user: { email: string; password: string }): Promise<Pair> =>
    (await login(user.email, user.password).expect(200)).body;
  /** The session a refresh token belongs to (its first part). */
  const sidOf = (pair: Pair) => pair.refreshToken.split('.')[0];
  const refresh = (refreshToken: string) => api.http.post(`${API}/auth/refresh`).send({ refreshToken });
  /** A route any firm user may call: 200 while the access token is good, 401 once it is not. */
  const probe = (accessToken: string) => api.http.get(`${API}/vehicles`).set(bearer(accessToken));
  const expect401 = (res: Response) => {
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/\S/) });
  };
  const auditOf = async (type: string, userId: string): Promise<Array<Record<string, unknown>>> =>
    (
      (await api.ds.query(
        `SELECT data FROM (SELECT type, data FROM audit_pending UNION ALL SELECT type, data FROM audit_log) a
      WHERE type = $1 AND data->>'userId' = $2`,
        [type, userId],
      )) as Array<{ data: Record<string, unknown> }>
    ).map((r) => r.data);

  describe('login, refresh, logout', () => {
    it('login → {accessToken, refreshToken, expiresAt, role}; the access token names its session and expires at expiresAt', async () => {
      const user = await newUser();
      const res = await login(user.email, user.password).expect(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.any(String),
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
        role: 'dispatcher',
      });
      const principal = api.tokens.verify(res.body.accessToken)!;
      expect(principal).toMatchObject({ sub: user.id, role: 'dispatcher', firmId, sessionId: expect.any(String) });
      expect(Date.parse(res.body.expiresAt)).toBe(principal.expiresAt);
      expect(principal.expiresAt! - Date.now()).toBeGreaterThan(14 * MIN);
      expect(principal.expiresAt! - Date.now()).toBeLessThanOrEqual(15 * MIN);
      const [row] = await api.ds.query(
        'SELECT user_id, token_hash, expires_at - created_at AS max FROM sessions WHERE id = $1',
        [principal.sessionId],
      );
      expect(row).toMatchObject({ user_id: user.id, max: { hours: 12 } });
      // Only a hash of the refresh token is kept.
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(await api.ds.query('SELECT * FROM sessions'))).not.toContain(
        res.body.refreshToken.split('.')[1],
      );
      await probe(res.body.accessToken).expect(200);
    });

    it('refresh spends the token for a new pair of the same session; spending a spent one again → 401 and the whole family ends', async () => {
      const first = await signIn(await newUser());
      const second: Pair = (await refresh(first.refreshToken).expect(200)).body;
      expect(second).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresAt: expect.any(String),
        role: 'dispatcher',
      });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(api.tokens.verify(second.accessToken)!.sessionId).toBe(api.tokens.verify(first.accessToken)!.sessionId);
      await probe(second.accessToken).expect(200);

      // The spent token comes back (a copy, stolen or replayed): 401, and the newer token and the session's access tokens die with it.
      expect401(await refresh(first.refreshToken));
      expect401(await refresh(second.refreshToken));
      expect401(await probe(second.accessToken));
      expect401(await probe(first.accessToken));
      expect(await api.ds.query('SELECT revoked_reason FROM sessions WHERE id = $1', [sidOf(first)])).toEqual([
        { revoked_reason: 'reuse' },
      ]);
    });

    it('a forged or malformed refresh token → 401 and ends nothing; a missing one → 400', async () => {
      const pair = await signIn(await newUser());
      const [sid] = pair.refreshToken.split('.');
      expect401(await refresh(`${sid}.${'A'.repeat(43)}.${'B'.repeat(43)}`));
      expect401(await refresh('not-a-token'));
      await api.http.post(`${API}/auth/refresh`).send({}).expect(400);
      // The guesses named the session but were not signed by Kouan: the session lives on.
      await refresh(pair.refreshToken).expect(200);
    });

    it("logout → 204: the refresh token is dead and the session's access token → 401 on the next request", async () => {
      const pair = await signIn(await newUser());
      await probe(pair.accessToken).expect(200);
      await api.http.post(`${API}/auth/logout`).send({ refreshToken: pair.refreshToken }).expect(204);
      expect401(await refresh(pair.refreshToken));
      expect401(await probe(pair.accessToken));
      // Again: still 204 (the page may log out twice); a token Kouan never signed → 401.
      await api.http.post(`${API}/auth/logout`).send({ refreshToken: pair.refreshToken }).expect(204);
      expect401(await api.http.post(`${API}/auth/logout`).send({ refreshToken: 'forged' }));
    });

    it('many refreshes at once with one token: exactly one wins, and the family then ends as reused', async () => {
      const pair = await signIn(await newUser());
      const answers = await Promise.all(Array.from({ length: 16 }, () => refresh(pair.refreshToken)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(15).fill(401)]);
      const winner: Pair = answers.find((r) => r.status === 200)!.body;
      expect401(await refresh(winner.refreshToken));
      expect401(await probe(winner.accessToken));
      expect(await api.ds.query('SELECT revoked_reason, rotations FROM sessions WHERE id = $1', [sidOf(pair)])).toEqual(
        [{ revoked_reason: 'reuse', rotations: 1 }],
      );
    });
  });

  describe('at the injected clock', () => {
    it('a family unused for more than 2 h ends (refresh → 401); used within 2 h it lives on', async () => {
      const pair = await signIn(await newUser());
      moveClock(2 * HOUR - MIN);
      const renewed: Pair = (await refresh(pair.refreshToken).expect(200)).body;
      // Idle is counted from the last use: 2 h after the renewal, not after the sign-in.
      moveClock(4 * HOUR - 2 * MIN);
      const again: Pair = (await refresh(renewed.refreshToken).expect(200)).body;
      moveClock(6 * HOUR);
      expect401(await refresh(again.refreshToken));
    });

    it('a family older than 12 h ends, however often it was renewed', async () => {
      let pair = await signIn(await newUser());
      for (let h = 1.75; h < 12; h += 1.75) {
        moveClock(h * HOUR);
        pair = (await refresh(pair.refreshToken).expect(200)).body;
      }
      moveClock(12 * HOUR - MIN);
      pair = (await refresh(pair.refreshToken).expect(200)).body;
      moveClock(12 * HOUR + MIN);
      expect401(await refresh(pair.refreshToken));
    });

    it('an access token is judged at the clock too: past its 15 min → 401, and a refresh gives a good one', async () => {
      const pair = await signIn(await newUser());
      moveClock(16 * MIN);
      expect401(await probe(pair.accessToken));
      const renewed: Pair = (await refresh(pair.refreshToken).expect(200)).body;
      await probe(renewed.accessToken).expect(200);
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.now() + 30 * MIN);
    });
  });

  describe("a password change and disabling end the account's sessions", () => {
    it('POST /auth/password: old access and refresh tokens → 401, open sockets get session:expired and are closed, the answer is a new session', async () => {
      const user = await newUser();
      const a = await signIn(user);
      const b = await signIn(user);
      const socket = await connectLive(api.url, clients, { token: a.accessToken });
      const other = await signIn(await newUser());
      const bystander = await connectLive(api.url, clients, { token: other.accessToken });

      const res = await api.http
        .post(`${API}/auth/password`)
        .set(bearer(a.accessToken))
        .send({ currentPassword: user.password, newPassword: 'a-brand-new-password' })
        .expect(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresAt: expect.any(String),
        role: 'dispatcher',
      });

      expect((await socket.waitFor('session:expired')).message).toMatch(/ended/);
      expect(await socket.disconnected()).toBe('io server disconnect');
      for (const old of [a, b]) {
        expect401(await probe(old.accessToken));
        expect401(await refresh(old.refreshToken));
      }
      const err = await refusedLive(api.url, clients, { token: b.accessToken });
      expect(err.message).toMatch(/unauthorized/);
      await probe(res.body.accessToken).expect(200);
      // Another account's socket is untouched.
      expect(bystander.socket.connected).toBe(true);
      expect(bystander.of('session:expired')).toEqual([]);

      expect401(await login(user.email, user.password));
      await login(user.email, 'a-brand-new-password').expect(200);
      const [entry] = await auditOf('user.password_changed', user.id);
      expect(entry).toEqual({ userId: user.id, email: user.email, role: 'dispatcher' });
      expect(JSON.stringify(await auditOf('user.password_changed', user.id))).not.toMatch(/password-\d|brand-new/);
    });

    it('POST /auth/password: a wrong current password → 403 wrong_password and nothing ends; a short new one → 400; a driver → 403', async () => {
      const user = await newUser();
      const pair = await signIn(user);
      const wrong = await api.http
        .post(`${API}/auth/password`)
        .set(bearer(pair.accessToken))
        .send({ currentPassword: 'not-the-password', newPassword: 'another-long-password' })
        .expect(403);
      expect(wrong.body).toMatchObject({ statusCode: 403, code: 'wrong_password' });
      await api.http
        .post(`${API}/auth/password`)
        .set(bearer(pair.accessToken))
        .send({ currentPassword: user.password, newPassword: 'short' })
        .expect(400);
      await probe(pair.accessToken).expect(200);
      await refresh(pair.refreshToken).expect(200);
      const driver = await bookedDriverToken(api, await createFirm(api, 'Password Drivers'), 'HEKOU');
      await api.http
        .post(`${API}/auth/password`)
        .set(bearer(driver))
        .send({ currentPassword: 'x', newPassword: 'another-long-password' })
        .expect(403);
    });

    it('POST /users/:id/disable: its tokens → 401, its socket gets session:expired, it cannot sign in; enable lets it in again; both audited', async () => {
      const user = await newUser();
      const pair = await signIn(user);
      const socket = await connectLive(api.url, clients, { token: pair.accessToken });
      const res = await api.http.post(`${API}/users/${user.id}/disable`).set(bearer(api.adminToken)).expect(200);
      expect(res.body).toEqual({
        id: user.id,
        email: user.email,
        role: 'dispatcher',
        firmId,
        portCode: null,
        disabledAt: expect.any(String),
      });
      expect((await socket.waitFor('session:expired')).message).toMatch(/ended/);
      expect(await socket.disconnected()).toBe('io server disconnect');
      expect401(await probe(pair.accessToken));
      expect401(await refresh(pair.refreshToken));
      expect401(await login(user.email, user.password));

      await api.http.post(`${API}/users/${user.id}/enable`).set(bearer(api.adminToken)).expect(200);
      const back = await signIn(user);
      await probe(back.accessToken).expect(200);
      expect(await auditOf('user.disabled', user.id)).toEqual([
        { userId: user.id, email: user.email, role: 'dispatcher', firmId, portCode: null },
      ]);
      expect(await auditOf('user.enabled', user.id)).toHaveLength(1);
      expect(await auditOf('user.created', user.id)).toHaveLength(1);
    });

    it("disable: a firm admin only its own firm's users (others 404), a dispatcher 403, nobody their own account (409), a bad id 400", async () => {
      const firmAdmin = await signIn(await newUser('firm_admin'));
      const colleague = await newUser();
      const stranger = await api.http
        .post(`${API}/regulators`)
        .set(bearer(api.adminToken))
        .send({ email: `reg-${randomBytes(3).toString('hex')}@gov.example`, password: 'regulator-password' })
        .expect(201);
      await api.http.post(`${API}/users/${stranger.body.id}/disable`).set(bearer(firmAdmin.accessToken)).expect(404);
      const disabled = await api.http
        .post(`${API}/users/${colleague.id}/disable`)
        .set(bearer(firmAdmin.accessToken))
        .expect(200);
      expect(disabled.body.disabledAt).toEqual(expect.any(String));
      const dispatcher = await signIn(await newUser());
      await api.http.post(`${API}/users/${colleague.id}/enable`).set(bearer(dispatcher.accessToken)).expect(403);
      const self = api.tokens.verify(firmAdmin.accessToken)!.sub;
      await api.http.post(`${API}/users/${self}/disable`).set(bearer(firmAdmin.accessToken)).expect(409);
      await api.http.post(`${API}/users/not-a-uuid/disable`).set(bearer(api.adminToken)).expect(400);
    });
  });

  describe('the per-account sign-in limit and the device cookie', () => {
    /** The device cookie a login answer set, as a browser would send it back. */
    const deviceCookie = (res: Response): string => {
      const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      const device = set.find((c) => c.startsWith('kouan_device_'));
      if (!device) throw new Error(`no device cookie in ${JSON.stringify(set)}`);
      return device.split(';')[0];
    };
    /**
     * 50 wrong passwords for `email`, 10 from each of 5 addresses (the per-address-and-account allowance each), all at
     * once as a botnet sends them (and argon2 checks them on several threads, so the test takes seconds, not minutes).
     */
    const attack = async (email: string) => {
      const addresses = Array.from({ length: ACCOUNT_LIMIT / ADDRESS_ACCOUNT_LIMIT }, newAddress);
      const tries = addresses.flatMap((address, a) =>
        Array.from({ length: ADDRESS_ACCOUNT_LIMIT }, (_, i) => login(email, `wrong-guess-${a}-${i}`, address)),
      );
      return (await Promise.all(tries)).map((r) => r.status);
    };
    /** 50 argon2 checks on a shared machine. */
    const SLOW = 180_000;

    it('login sets an HttpOnly, SameSite=Strict device cookie for /api/v1/auth only', async () => {
      const user = await newUser();
      const res = await login(user.email, user.password).expect(200);
      const cookie = ([] as string[]).concat(res.headers['set-cookie']).find((c) => c.startsWith('kouan_device_'))!;
      expect(cookie).toMatch(/; Path=\/api\/v1\/auth(;|$)/);
      expect(cookie).toMatch(/; HttpOnly(;|$)/);
      expect(cookie).toMatch(/; SameSite=Strict(;|$)/);
      expect(cookie).toMatch(/; Expires=/);
      // Over plain http (the test) it cannot be Secure; behind https (req.secure) it is.
      expect(cookie).not.toMatch(/user\d|@/);
    });

    it(
      '50 wrong passwords from 5 addresses: the right one from a new address → 429, but from the browser that signed in before → 200',
      async () => {
        const victim = await newUser();
        const other = await newUser();
        const otherCookie = deviceCookie(await login(other.email, other.password).expect(200));
        const cookie = deviceCookie(await login(victim.email, victim.password).expect(200));
        const statuses = await attack(victim.email);
        expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
        const withCookie = (value: string, address = newAddress(), password = victim.password) =>
          api.http
            .post(`${API}/auth/login`)
            .set('X-Forwarded-For', address)
            .set('Cookie', value)
            .send({ email: victim.email, password });

        const stranger = await login(victim.email, victim.password);
        expect(stranger.status).toBe(429);
        expect(stranger.body).toMatchObject({ statusCode: 429, code: 'too_many_requests' });
        const fromKnownBrowser = await withCookie(cookie).expect(200);
        await probe(fromKnownBrowser.body.accessToken).expect(200);
        // A wrong password from the known browser is still a 401, not a way around anything.
        await withCookie(cookie, newAddress(), 'wrong').expect(401);

        // The cookie is bound to its account and must be Kouan's: another account's, under either name, or a tampered one → 429.
        const [, otherValue] = otherCookie.split('=');
        const [name, value] = cookie.split('=');
        for (const bad of [otherCookie, `${name}=${otherValue}`, `${name}=${value.slice(0, -2)}xx`])
          expect((await withCookie(bad)).status).toBe(429);

        // The per-address-and-account limit still holds with the cookie: an address that used its allowance is refused.
        const busy = newAddress();
        await Promise.all(
          Array.from({ length: ADDRESS_ACCOUNT_LIMIT }, (_, i) => withCookie(cookie, busy, `no-${i}`).expect(401)),
        );
        expect((await withCookie(cookie, busy)).status).toBe(429);
        await withCookie(cookie).expect(200);
      },
      SLOW,
    );
  });
});
