import type { INestApplicationContext } from '@nestjs/common';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { FIRM_SHARE } from '@kouan/webhooks';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { OpenApiChecker } from '../support/openapi';
import { until } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;
const PORT = 'MOHAN';

/** Accepts TCP connections and never answers: a receiver that holds every attempt for its whole timeout. */
class BlackHole {
  readonly sockets: Socket[] = [];
  private readonly server: Server = createServer((s) => this.sockets.push(s));

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${path}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const register = (api: TestApi, firm: TestFirm, url: string, events = ['booking.created']) =>
  api.http.post(`${API}/webhooks`).set(bearer(firm.adminToken)).send({ url, events });

const book = async (api: TestApi, firm: TestFirm, i = 0) =>
  (
    await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT)).id,
        vehicleId: firm.vehicleIds[i],
        driverId: firm.driverIds[i],
        cargo: cargo(),
      })
      .expect(201)
  ).body.id as string;

/** Ordinary opening hours for a port the API (started at portDayClock's 10:00) books in the slot holding "now". */
const openPort = (api: TestApi) =>
  putSchedule(api, PORT, {
    ...OPENING_HOURS,
    capacity: { export: 40, import: 40 },
    firmQuotaPercent: 100,
  });

describe('webhook URLs that reach inside are refused (WEBHOOK_ALLOW_PRIVATE=false)', () => {
  let api: TestApi;
  let firm: TestFirm;
  let oa: OpenApiChecker;

  beforeAll(async () => {
    api = await startApi({ WEBHOOK_ALLOW_PRIVATE: 'false' });
    firm = await createFirm(api, 'Hook Guard Co', 0);
    oa = await OpenApiChecker.load(api);
  });

  afterAll(() => api.close());

  it.each([
    'http://127.0.0.1/',
    'http://127.0.0.1:6379/',
    'http://[::1]/',
    'http://0/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:5432/',
    'http://localhost./',
    'https://127.0.0.1/',
    'https://10.0.0.5/',
    'https://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://[fe80::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://0x5db8d70e/',
    'https://nothing.invalid/',
  ])('%s → 422 url_not_allowed', async (url) => {
    const res = oa.expectDocumented('POST', `${API}/webhooks`, await register(api, firm, url).expect(422));
    expect(res.body).toMatchObject({
      statusCode: 422,
      error: expect.any(String),
      code: 'url_not_allowed',
      message: expect.any(String),
    });
    // Nothing tells a prober whether the host exists, listens, or which kind of address it is.
    expect(res.body.message).not.toMatch(/ECONN|ENOTFOUND|127\.0\.0\.1|localhost/);
  });

  it('a public address is accepted, and nothing refused was stored', async () => {
    for (const url of ['https://93.184.215.14/hooks/kouan', 'https://[2606:4700:4700::1111]/kouan']) {
      expect((await register(api, firm, url).expect(201)).body.url).toBe(url);
    }
    const listed = (await api.http.get(`${API}/webhooks`).set(bearer(firm.adminToken)).expect(200)).body as Json[];
    expect(listed.map((h) => h.url)).toEqual([
      'https://93.184.215.14/hooks/kouan',
      'https://[2606:4700:4700::1111]/kouan',
    ]);
  });
});

describe('webhook registration is audited, and a firm has at most 10 endpoints', () => {
  let api: TestApi;
  let oa: OpenApiChecker;

  beforeAll(async () => {
    api = await startApi();
    oa = await OpenApiChecker.load(api);
  });

  afterAll(() => api.close());

  it('15 creates at once: 10 made, 5 refused with 409 too_many_endpoints; a removal makes room for one', async () => {
    const firm = await createFirm(api, 'Hook Many Co', 0);
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => register(api, firm, `https://dispatch.example.com/${i}`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(10).fill(201), ...Array(5).fill(409)]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      oa.expectDocumented('POST', `${API}/webhooks`, refused);
      expect(refused.body).toMatchObject({ statusCode: 409, code: 'too_many_endpoints', message: expect.any(String) });
    }
    const count = async () =>
      Number((await api.ds.query('SELECT count(*) FROM webhook_endpoints WHERE firm_id = $1', [firm.id]))[0].count);
    expect(await count()).toBe(10);
    await register(api, firm, 'https://dispatch.example.com/11th').expect(409);
    await api.http
      .delete(`${API}/webhooks/${answers.find((a) => a.status === 201)?.body.id}`)
      .set(bearer(firm.adminToken))
      .expect(204);
    await register(api, firm, 'https://dispatch.example.com/again').expect(201);
    expect(await count()).toBe(10);
    // Another firm is counted on its own.
    await register(api, await createFirm(api, 'Hook Few Co', 0), 'https://dispatch.example.com/other').expect(201);
  });

  it('registration and removal are in the audit trail with the firm admin as actor, without the secret or the query', async () => {
    const firm = await createFirm(api, 'Hook Audit Co', 0);
    const created = await register(api, firm, 'https://dispatch.example.com/kouan?token=receiver-token', [
      'booking.called',
    ]).expect(201);
    await api.http.delete(`${API}/webhooks/${created.body.id}`).set(bearer(firm.adminToken)).expect(204);
    // A refused create and a removal of nothing leave no row.
    await api.http.delete(`${API}/webhooks/${created.body.id}`).set(bearer(firm.adminToken)).expect(404);
    const audit = (await api.ds.query(
      `SELECT type, actor, port_code, data FROM (SELECT id AS n, type, actor, port_code, data FROM audit_pending
         UNION ALL SELECT seq, type, actor, port_code, data FROM audit_log) a
       WHERE type LIKE 'webhook.%' AND data->>'firmId' = $1 ORDER BY n`,
      [firm.id],
    )) as Json[];
    const data = {
      firmId: firm.id,
      id: created.body.id,
      url: 'https://dispatch.example.com/kouan',
      events: ['booking.called'],
      format: 'standard',
    };
    expect(audit).toEqual([
      {
        type: 'webhook.created',
        actor: expect.objectContaining({ role: 'firm_admin', firm: firm.id }),
        port_code: null,
        data,
      },
      {
        type: 'webhook.deleted',
        actor: expect.objectContaining({ role: 'firm_admin', firm: firm.id }),
        port_code: null,
        data,
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain(created.body.secret);
    expect(JSON.stringify(audit)).not.toContain('receiver-token');
  });
});

describe('webhook delivery: the log, the address rule at delivery, and one firm cannot hold up another', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  const receivers: WebhookReceiver[] = [];
  const holes: BlackHole[] = [];

  beforeAll(async () => {
    // At 10:00 port time, running at the real pace (the attempts' timeouts are real).
    api = await startApi({}, { clock: portDayClock() });
    // Attempts to a black hole hang for a minute: long past anything the tests wait for.
    worker = await api.worker({ WEBHOOK_TIMEOUT_MS: '60000', WEBHOOK_RETRY_SECONDS: '3600' });
    await openPort(api);
  });

  afterAll(async () => {
    // The hung attempts end (connection_failed) once their sockets close: the worker's shutdown waits for them.
    for (const h of holes) await h.stop();
    for (const r of receivers) await r.stop();
    await worker.close();
    await api.close();
  });

  const receiver = async (answer = 200) => {
    const r = await new WebhookReceiver().start();
    r.answer = answer;
    receivers.push(r);
    return r;
  };

  it("firm A's 40 deliveries to 10 endpoints that never answer hold 5 senders at most; firm B's delivery still comes at once", async () => {
    const hole = await new BlackHole().start();
    holes.push(hole);
    // 4 bookings × 10 endpoints: more deliveries that may go side by side than the worker has senders.
    const a = await createFirm(api, 'Hook Hung Co', 4);
    for (let i = 0; i < 10; i++) await register(api, a, hole.url(`a${i}`)).expect(201);
    for (let i = 0; i < 4; i++) await book(api, a, i);
    // Every sender firm A may have is hung on the black hole.
    await until('firm A holding its share of senders', () => hole.sockets.length >= FIRM_SHARE, 10_000);

    const b = await createFirm(api, 'Hook Waiting Co', 1);
    const r = await receiver();
    r.secret = (await register(api, b, r.url).expect(201)).body.secret as string;
    // Real time on both sides: how long the delivery took, which the test clock does not change.
    const booked = Date.now();
    await book(api, b);
    await until("firm B's delivery", () => r.received.length > 0, 20_000);
    expect(r.received[0].at - booked).toBeLessThan(2000);
    expect(r.received[0].verified).toBe(true);
    // Firm A's attempts are all still hanging: B did not wait for any of them.
    expect(hole.sockets.length).toBe(FIRM_SHARE);
    expect(
      Number(
        (
          await api.ds.query(
            'SELECT count(*) FROM webhook_attempts a JOIN webhook_endpoints e ON e.id = a.endpoint_id WHERE e.firm_id = $1',
            [a.id],
          )
        )[0].count,
      ),
    ).toBe(0);
  });

  it('the deliveries log says http_<status>, timeout or connection_failed only', async () => {
    // `timeout` is proven in test/unit/webhook-receivers.spec.ts: this worker waits a minute for an answer.
    const firm = await createFirm(api, 'Hook Log Co', 1);
    const failing = await receiver(503);
    const down = await receiver();
    await down.stop();
    const hooks = {
      failing: (await register(api, firm, failing.url).expect(201)).body.id as string,
      down: (await register(api, firm, down.url).expect(201)).body.id as string,
    };
    await book(api, firm);
    const log = async (id: string) =>
      (await api.http.get(`${API}/webhooks/${id}/deliveries`).set(bearer(firm.adminToken)).expect(200)).body as Json[];
    const failingLog = await until('the 503 recorded', async () => {
      const l = await log(hooks.failing);
      return l.length > 0 && l;
    });
    const downLog = await until('the refusal recorded', async () => {
      const l = await log(hooks.down);
      return l.length > 0 && l;
    });
    expect(failingLog[0]).toMatchObject({ attempt: 1, status: 503, outcome: 'failed', error: 'http_503' });
    expect(downLog[0]).toMatchObject({ attempt: 1, status: null, outcome: 'failed', error: 'connection_failed' });
  });
});

describe('an endpoint registered while private addresses were allowed is not sent to once they are not', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let r: WebhookReceiver;

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    await openPort(api);
    r = await new WebhookReceiver().start();
  });

  afterAll(async () => {
    await r.stop();
    await worker.close();
    await api.close();
  });

  it('the attempt fails as connection_failed and nothing reaches the receiver', async () => {
    const firm = await createFirm(api, 'Hook Inside Co', 1);
    const hook = (await register(api, firm, r.url).expect(201)).body.id as string;
    worker = await api.worker({ WEBHOOK_ALLOW_PRIVATE: 'false' });
    await book(api, firm);
    const log = await until('the attempt recorded', async () => {
      const l = (await api.http.get(`${API}/webhooks/${hook}/deliveries`).set(bearer(firm.adminToken)).expect(200))
        .body as Json[];
      return l.length > 0 && l;
    });
    expect(log[0]).toMatchObject({ attempt: 1, status: null, outcome: 'failed', error: 'connection_failed' });
    expect(r.received).toEqual([]);
  });
});
