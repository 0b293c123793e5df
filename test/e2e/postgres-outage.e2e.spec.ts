import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { DateTime } from 'luxon';
import request from 'supertest';
import { cloneTemplate, dropRedisKeys, REDIS_URL } from '../support/db';
import { API, bearer, cargo } from '../support/harness';
import { AppProcess, CuttableLink, freePort, until } from '../support/processes';

/**
 * Postgres going away: the API and the worker run as real processes whose only way to the (shared, untouched)
 * Postgres is a TCP link the test cuts and restores. While it is cut they stay up and say 503 `unavailable`,
 * never 500; when it is back they serve again without a restart.
 */
describe('Postgres outage', () => {
  const secret = randomBytes(32).toString('hex');
  const jwt = new JwtService({
    secret: createSecretKey(Buffer.from(secret, 'utf8')),
    signOptions: { algorithm: 'HS256', expiresIn: '1h' },
  });
  const prefix = `kouan-test-pgout-${randomBytes(4).toString('hex')}`;
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let link: CuttableLink;
  let apiProcess: AppProcess;
  let worker: AppProcess;
  let url: string;
  let dispatcher: string;
  let booking: () => Promise<request.Response>;

  beforeAll(async () => {
    db = await cloneTemplate();
    link = new CuttableLink(await freePort(), { host: '127.0.0.1', port: 5432 });
    await link.start();
    const env = {
      NODE_ENV: 'test',
      JWT_SECRET: secret,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${link.port}/${db.name}`,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '4',
    };
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    apiProcess = new AppProcess('api', { ...env, PORT: String(port) });
    worker = new AppProcess('worker', env);
    await until('the API process to be ready', async () => (await request(url).get('/ready')).status === 200, 30_000);

    const admin = jwt.sign({ sub: randomUUID(), role: 'port_admin' });
    const firm = await request(url)
      .post(`${API}/firms`)
      .set(bearer(admin))
      .send({ name: 'Link Logistics', country: 'LA', contactEmail: 'ops@link.example' })
      .expect(201);
    dispatcher = jwt.sign({ sub: randomUUID(), role: 'dispatcher', firm: firm.body.id });
    const date = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).toISODate() as string;
    const slots = (await request(url).get(`${API}/ports/MOHAN/slots`).query({ date, direction: 'export' }).expect(200))
      .body as Array<{ id: string }>;
    let n = 0;
    booking = async () => {
      n += 1;
      const v = await request(url)
        .post(`${API}/vehicles`)
        .set(bearer(dispatcher))
        .send({ plate: `云K${randomBytes(2).toString('hex')}${n}`, country: 'CN' });
      const d = await request(url)
        .post(`${API}/drivers`)
        .set(bearer(dispatcher))
        .send({ name: `Driver ${n}`, phone: '+8613900001111', licenceNo: `L-${n}`, language: 'lo' });
      if (v.status !== 201) return v;
      if (d.status !== 201) return d;
      return request(url)
        .post(`${API}/bookings`)
        .set(bearer(dispatcher))
        .send({ slotId: slots[n % slots.length].id, vehicleId: v.body.id, driverId: d.body.id, cargo: cargo() });
    };
    expect((await booking()).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await apiProcess?.stop();
    await worker?.stop();
    await link?.cut();
    await db?.drop();
    await dropRedisKeys(`${prefix}:*`);
  });

  it('with the database cut off, the processes stay up and every answer is 503 unavailable, never 500', async () => {
    await link.cut();
    const answers = await Promise.all([
      booking(),
      request(url).get(`${API}/bookings`).set(bearer(dispatcher)),
      request(url).get(`${API}/ports`),
      request(url).get(`${API}/ports/MOHAN/queue`).query({ direction: 'export' }),
      request(url).post(`${API}/auth/login`).send({ email: 'nobody@link.example', password: 'wrong-password' }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'unavailable',
        message: expect.stringMatching(/\S/),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/ECONN|\.[jt]s:\d+|node_modules/);
    }
    const ready = await request(url).get('/ready').expect(503);
    expect(ready.body).toMatchObject({ code: 'unavailable', details: { postgres: { status: 'down' } } });
    await request(url).get('/health').expect(200);
    expect(apiProcess.alive).toBe(true);
    expect(worker.alive).toBe(true);
  });

  it('when the link is back, the same processes serve again without a restart', async () => {
    await link.start();
    await until('/ready to answer 200', async () => (await request(url).get('/ready')).status === 200, 20_000);
    expect((await booking()).status).toBe(201);
    expect(apiProcess.alive).toBe(true);
    expect(worker.alive).toBe(true);
  });
});
