import { API, bearer, startApi, TestApi } from '../support/harness';

/** A small login allowance, so the fourth attempt inside the window is the one refused. */
const LIMIT = 3;

describe('auth and operations endpoints', () => {
  let api: TestApi;
  let firmId: string;
  let seq = 0;

  beforeAll(async () => {
    api = await startApi({ LOGIN_THROTTLE_LIMIT: String(LIMIT) });
    const firm = await api.http
      .post(`${API}/firms`)
      .set(bearer(api.adminToken))
      .send({ name: 'Mengla Transport', country: 'LA', contactEmail: 'ops@mengla.example' })
      .expect(201);
    firmId = firm.body.id;
  });
  afterAll(() => api.close());

  /** A firm user of its own per test, so each test starts with a fresh login allowance. */
  const newUser = async (role: 'firm_admin' | 'dispatcher' = 'dispatcher') => {
    const email = `user${++seq}@mengla.example`;
    const password = `password-${seq}-long-enough`;
    await api.http
      .post(`${API}/firms/${firmId}/users`)
      .set(bearer(api.adminToken))
      .send({ email, password, role })
      .expect(201);
    return { email, password };
  };
  const login = (email: string, password: string) => api.http.post(`${API}/auth/login`).send({ email, password });

  describe('login', () => {
    it('returns {accessToken, refreshToken, expiresAt, role}, and the token is accepted', async () => {
      const user = await newUser('firm_admin');
      const res = await login(user.email, user.password).expect(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.any(String),
        expiresAt: expect.any(String),
        role: 'firm_admin',
      });
      expect(api.tokens.verify(res.body.accessToken)).toMatchObject({ role: 'firm_admin', firmId });
      await api.http.get(`${API}/vehicles`).set(bearer(res.body.accessToken)).expect(200, []);
      // the role in the token is the user's: a firm admin may not create firms
      await api.http
        .post(`${API}/firms`)
        .set(bearer(res.body.accessToken))
        .send({ name: 'X', country: 'CN', contactEmail: 'x@x.example' })
        .expect(403);
    });

    it('takes the email in any case', async () => {
      const user = await newUser();
      const res = await login(user.email.toUpperCase(), user.password).expect(200);
      expect(res.body.role).toBe('dispatcher');
    });

    it('logs in the port admin, whose token can create firms', async () => {
      const res = await login(`admin-${api.redisPrefix}@kouan.test`, 'admin-password').expect(200);
      expect(res.body.role).toBe('port_admin');
      await api.http
        .post(`${API}/firms`)
        .set(bearer(res.body.accessToken))
        .send({ name: 'Boten Link', country: 'LA', contactEmail: 'ops@boten.example' })
        .expect(201);
    });

    it('answers a wrong password and an unknown email alike: 401, same message, no token', async () => {
      const user = await newUser();
      const wrong = await login(user.email, `${user.password}x`).expect(401);
      const unknown = await login(`nobody-${seq}@mengla.example`, user.password).expect(401);
      for (const res of [wrong, unknown]) {
        expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
        expect(res.body).not.toHaveProperty('accessToken');
      }
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(wrong.body.message).not.toMatch(/unknown|no such|not found|exist/i);
    });

    it('refuses a password that only differs in case', async () => {
      const user = await newUser();
      expect((await login(user.email, user.password.toUpperCase())).status).toBe(401);
    });
  });

  describe('login throttling', () => {
    it(`refuses the attempt after ${LIMIT} for one email with 429, even with the right password, while another email gets through`, async () => {
      const victim = await newUser();
      const bystander = await newUser();
      for (let i = 0; i < LIMIT; i++) await login(victim.email, `guess-${i}-wrong`).expect(401);

      const blocked = await login(victim.email, victim.password);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual(
        expect.objectContaining({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/\S/) }),
      );
      expect(blocked.body).not.toHaveProperty('accessToken');
      expect(JSON.stringify(blocked.body)).not.toMatch(/node_modules|\.[jt]s:\d+/);

      // the fine count is per address and account, however the email is written; other accounts still get in
      await login(victim.email.toUpperCase(), victim.password).expect(429);
      const other = await login(bystander.email, bystander.password).expect(200);
      expect(other.body.role).toBe('dispatcher');
    });
  });

  describe('operations', () => {
    it('GET /health → 200 without a token', async () => {
      const res = await api.http.get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    });

    it('GET /ready → 200 with postgres and redis up', async () => {
      const res = await api.http.get('/ready').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    });

    it('GET /metrics → Prometheus text', async () => {
      const res = await api.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('process_cpu_user_seconds_total');
      expect(res.text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    });

    it('GET /api/docs-json → an OpenAPI document with the contract paths', async () => {
      const res = await api.http.get('/api/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/bookings',
          '/api/v1/bookings/{id}',
          '/api/v1/auth/login',
          '/api/v1/ports/{code}/slots',
          '/api/v1/vehicles',
        ]),
      );
      expect(res.body.paths['/api/v1/bookings']).toHaveProperty('post');
    });

    it('GET /api/docs → the browser page', async () => {
      const res = await api.http.get('/api/docs').redirects(1).expect(200);
      expect(res.text).toMatch(/swagger/i);
    });

    it('the versioned prefix does not apply to the operations endpoints', async () => {
      const res = await api.http.get(`${API}/health`).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });

    it.each([
      ['GET', '/nope'],
      ['POST', '/health'],
      ['DELETE', '/board/MOHAN/x'],
    ])('%s %s outside the API → a JSON 404, not an HTML page', async (method, path) => {
      const res = await api.http[method.toLowerCase() as 'get' | 'post' | 'delete'](path)
        .expect(404)
        .expect('content-type', /json/);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Cannot ${method} ${path}` });
    });
  });
});
