import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { createKouanClient, type KouanEvent, KouanApiError, ok, signIn, webhookHandler } from '@kouan/client';
import { cargo, OPENING_HOURS, portDayClock, putSchedule, slotAt, startApi, TestApi } from '../support/harness';
import { until } from '../support/processes';

const GENERATED = join(__dirname, '..', '..', 'packages', 'client', 'src', 'generated', 'openapi.ts');

/**
 * `@kouan/client` (packages/client) against the real API and worker, used as a firm's system uses it: the README's
 * "Integrate your transport system" end to end.
 */
describe('@kouan/client', () => {
  const PORT = 'MOHAN';
  const clock = portDayClock();
  let api: TestApi;
  let worker: INestApplicationContext;
  let adminEmail: string;
  let receiver: Server | undefined;

  beforeAll(async () => {
    api = await startApi({}, { clock });
    worker = await api.worker();
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    adminEmail = (await api.ds.query(`SELECT email FROM users WHERE role = 'port_admin' LIMIT 1`))[0].email as string;
  });

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
    await worker.close();
    await api.close();
  });

  it('was generated from the document this API serves (npm run client:generate is not stale)', async () => {
    // The types are generated before lint and build from a preview of the app; a client built for another document
    // than the one the running API answers with (stale types, or a route the preview does not see) fails here.
    const served = (await api.http.get('/api/docs-json').expect(200)).body as unknown;
    const sha256 = createHash('sha256').update(JSON.stringify(served)).digest('hex');
    // No file at all (a checkout where neither lint nor build has run): `npm run client:generate` makes it.
    const generated = existsSync(GENERATED) ? readFileSync(GENERATED, 'utf8') : '';
    const header = /^\/\/ openapi sha256:([0-9a-f]{64})$/m.exec(generated);
    expect(header?.[1]).toBe(sha256);
  });

  it('signs in, books and hears of the booking through a verified webhook, as the README integrates it', async () => {
    const admin = await signIn(api.url, adminEmail, 'admin-password');
    expect(admin.role).toBe('port_admin');
    const firm = ok(
      await admin.POST('/api/v1/firms', {
        body: { name: 'Client Test Logistics', country: 'LA', contactEmail: 'ops@client.example' },
      }),
    );
    const users = { params: { path: { id: firm.id } } };
    const password = 'client-test-password';
    ok(
      await admin.POST('/api/v1/firms/{id}/users', {
        ...users,
        body: { email: 'a@client.example', password, role: 'firm_admin' },
      }),
    );
    ok(
      await admin.POST('/api/v1/firms/{id}/users', {
        ...users,
        body: { email: 'd@client.example', password, role: 'dispatcher' },
      }),
    );
    const firmAdmin = await signIn(api.url, 'a@client.example', password);
    const dispatcher = await signIn(api.url, 'd@client.example', password);

    // The firm's receiver: webhookHandler verifies each delivery (its clock is the API's, which stamps them) with
    // the secret Kouan issues at registration.
    const events: Array<{ event: KouanEvent; id: string }> = [];
    const answers: number[] = [];
    const secrets: string[] = [];
    const handle = webhookHandler({
      secret: secrets,
      onEvent: (event, id) => {
        events.push({ event, id });
      },
      clock: () => clock.now().getTime(),
    });
    receiver = createServer((req, res) => {
      res.on('finish', () => answers.push(res.statusCode));
      handle(req, res);
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kouan`;
    const registered = ok(await firmAdmin.POST('/api/v1/webhooks', { body: { url, events: ['booking.created'] } }));
    secrets.push(registered.secret);
    expect(registered.secret).toMatch(/^whsec_/);

    const vehicle = ok(await dispatcher.POST('/api/v1/vehicles', { body: { plate: 'ກທ 4521', country: 'LA' } }));
    const driver = ok(
      await dispatcher.POST('/api/v1/drivers', {
        body: { name: 'Khamla', phone: '+856 20 5555 1234', licenceNo: 'LA-778', language: 'lo' },
      }),
    );
    const slot = await slotAt(api, PORT, 1);
    const body = { slotId: slot.id, vehicleId: vehicle.id, driverId: driver.id, cargo: cargo() };
    const booking = ok(
      await dispatcher.POST('/api/v1/bookings', { body, headers: { 'Idempotency-Key': 'client-e2e-1' } }),
    );
    expect(booking).toMatchObject({ status: 'booked', slotId: slot.id });
    // The Idempotency-Key replays the same booking.
    const again = ok(
      await dispatcher.POST('/api/v1/bookings', { body, headers: { 'Idempotency-Key': 'client-e2e-1' } }),
    );
    expect(again.id).toBe(booking.id);

    await until('the booking.created delivery', () => events.length > 0, 20_000);
    expect(events[0].event).toMatchObject({ type: 'booking.created', data: { bookingId: booking.id } });
    expect(events[0].id).toBe(events[0].event.id);
    expect(answers[0]).toBe(204);

    // A refused request is a KouanApiError with the contract's body: another booking's id (the last digit changed; a
    // fixed '0' was this booking's own id whenever it ended in 0, 1 time in 16).
    const other = booking.id.slice(0, -1) + (booking.id.endsWith('0') ? '1' : '0');
    const refused = await dispatcher.GET('/api/v1/bookings/{id}', { params: { path: { id: other } } });
    expect(() => ok(refused)).toThrow(KouanApiError);
    const anonymous = createKouanClient({ baseUrl: api.url });
    const error = await anonymous
      .GET('/api/v1/bookings', { params: { query: {} } })
      .then(ok)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KouanApiError);
    expect((error as KouanApiError).status).toBe(401);
    expect((error as KouanApiError).body?.statusCode).toBe(401);
  });

  it('renews an expired access token once for requests refused together, and not after signing out', async () => {
    const sent: string[] = [];
    const session = await signIn(api.url, adminEmail, 'admin-password', {
      fetch: (request) => {
        sent.push(`${request.method} ${new URL(request.url).pathname}`);
        return fetch(request);
      },
    });
    const accounts = () => session.GET('/api/v1/users', { params: { query: { port: PORT } } });
    expect((await accounts()).response.status).toBe(200);
    // 16 minutes on: the access token (15 min) has expired at the API's clock.
    clock.run(clock.now().getTime() + 16 * 60_000);
    const together = await Promise.all([accounts(), accounts(), accounts()]);
    expect(together.map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(sent.filter((s) => s === 'POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(sent.filter((s) => s === 'GET /api/v1/users')).toHaveLength(1 + 3 + 3);

    await session.signOut();
    clock.run(clock.now().getTime() + 16 * 60_000);
    const after = await accounts();
    expect(after.response.status).toBe(401);
    expect(() => ok(after)).toThrow(KouanApiError);
  });

  it('refuses a delivery that is not signed with the endpoint secret (401), before onEvent', async () => {
    const events: unknown[] = [];
    const server = createServer(
      webhookHandler({ secret: 'whsec_' + Buffer.alloc(32, 7).toString('base64'), onEvent: (e) => events.push(e) }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        'webhook-id': 'evt_1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32, 1).toString('base64')}`,
      },
      body: '{"id":"evt_1","type":"booking.created","occurredAt":"2026-12-06T00:00:00Z","data":{}}',
    });
    server.close();
    expect(forged.status).toBe(401);
    expect(events).toHaveLength(0);
  });
});
