import type { INestApplicationContext } from '@nestjs/common';
import { CloudEvent, HTTP } from 'cloudevents';
import { WebhookVerificationError } from 'standardwebhooks';
import type { Principal } from '@kouan/auth';
import { seal } from '@kouan/booking';
import { AppConfig } from '@kouan/config';
import { verifySignature } from '@kouan/webhooks';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';
import { Received, verifyStandard, WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;

/**
 * Every delivery verified as a receiver built on the Standard Webhooks library (`standardwebhooks`) verifies it, and a
 * CloudEvents endpoint's deliveries read with the CloudEvents SDK: real API, worker, Postgres, Redis and HTTP
 * receivers. The receivers' clock is the test's (the sender stamps `webhook-timestamp` with the Clock).
 */
describe('Standard Webhooks and CloudEvents deliveries (API + worker, real HTTP receivers)', () => {
  const PORT = 'MOHAN';
  const DAY_MS = 24 * 3600_000;
  const clock = portDayClock();
  let api: TestApi;
  let worker: INestApplicationContext;
  let staff: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    api = await startApi({}, { clock });
    // A failed attempt is tried again 0.3 s later (the retry's headers are compared with the first attempt's).
    worker = await api.worker({ WEBHOOK_RETRY_SECONDS: '0.3,0.3,0.3' });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    staff = await portStaffToken(api, PORT);
  });

  afterAll(async () => {
    for (const r of receivers) await r.stop();
    await worker.close();
    await api.close();
  });

  async function firmWithHook(name: string, events: string[], more: Json = {}, vehicles = 2) {
    const firm = await createFirm(api, name, vehicles);
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: receiver.url, events, ...more })
      .expect(201);
    receiver.secret = hook.body.secret as string;
    return { firm, receiver, hook: hook.body as Json & { id: string; secret: string } };
  }

  const book = async (firm: TestFirm, i: number) =>
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

  /** The delivery of `type` for `bookingId`, once the receiver has it (its first attempt). */
  const deliveryOf = (receiver: WebhookReceiver, bookingId: string, type: string) =>
    until(
      `${type} delivered`,
      () =>
        receiver.received.find((r) => JSON.stringify(r.body).includes(bookingId) && r.raw.includes(`"${type}"`)) ??
        false,
    );

  /** The audit trail's entries about an endpoint, chained or still pending. */
  const auditOf = async (hookId: string) =>
    (await api.ds.query(
      `SELECT type, data FROM (SELECT id AS n, type, data FROM audit_pending
         UNION ALL SELECT seq, type, data FROM audit_log) a WHERE data->>'id' = $1 ORDER BY n`,
      [hookId],
    )) as Array<{ type: string; data: Json }>;

  /** Whether the library accepts the delivery with this secret at this instant (the reason when it does not). */
  const verdict = (secret: string, r: Received, at = clock.now()) => {
    try {
      verifyStandard(secret, r, at);
      return 'verified';
    } catch (e) {
      expect(e).toBeInstanceOf(WebhookVerificationError);
      return (e as Error).message;
    }
  };

  it('a delivery verifies with the standardwebhooks package; a tampered body, another secret or an old timestamp does not', async () => {
    const { firm, receiver, hook } = await firmWithHook('Std Verify Co', ['booking.created']);
    // Standard base64 after whsec_: what the library decodes as is.
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.answer = 500;
    const id = await book(firm, 0);
    const first = await deliveryOf(receiver, id, 'booking.created');
    receiver.answer = 200;
    await until('delivered on a retry', () => receiver.accepted().length === 1);
    const retry = receiver.received.find((r) => r.answered === 200) as Received;

    expect(verifyStandard(hook.secret, retry, clock.now())).toEqual(retry.body);
    expect(verifyStandard(hook.secret, first, clock.now())).toEqual(first.body);
    // One id for the event on every attempt: webhook-id, Kouan-Event-Id and the body's id.
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(retry.headers['webhook-id']).toBe(retry.body.id);
    expect(retry.headers['kouan-event-id']).toBe(retry.body.id);
    // Stamped by the Clock (the test's day, not the machine's), each attempt at its own time.
    expect(Math.abs(Number(retry.headers['webhook-timestamp']) - clock.now().getTime() / 1000)).toBeLessThan(30);
    expect(retry.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(retry.headers['content-type']).toBe('application/json');
    // Kouan-Signature stays, as existing receivers check it.
    expect(retry.verified).toBe(true);

    expect(verdict(hook.secret, { ...retry, raw: retry.raw.replace('booking.created', 'booking.cancelled') })).toBe(
      'No matching signature found',
    );
    expect(verdict('whsec_' + Buffer.alloc(32, 7).toString('base64'), retry)).toBe('No matching signature found');
    // The same delivery replayed 6 minutes later (the library's tolerance is 5), and one whose timestamp was moved.
    expect(verdict(hook.secret, retry, new Date(clock.now().getTime() + 6 * 60_000))).toBe('Message timestamp too old');
    const moved = { ...retry.headers, 'webhook-timestamp': String(Number(retry.headers['webhook-timestamp']) - 1) };
    expect(verdict(hook.secret, { ...retry, headers: moved })).toBe('No matching signature found');
  });

  it("an endpoint registered before whsec_ secrets were standard base64 keeps its secret: the same key's bytes", async () => {
    const { firm, receiver, hook } = await firmWithHook('Std Legacy Co', ['booking.created']);
    // Secrets were issued as whsec_ + base64url (no padding) until issue 21: such an endpoint, as the table holds it.
    const legacy = 'whsec_' + Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i * 3)).toString('base64url');
    expect(legacy).toMatch(/[-_]/);
    await api.ds.query('UPDATE webhook_endpoints SET secret_sealed = $2 WHERE id = $1', [
      hook.id,
      seal(api.app.get(AppConfig).env.jwtSecret, legacy),
    ]);
    receiver.secret = legacy;
    const delivery = await deliveryOf(receiver, await book(firm, 0), 'booking.created');
    // Kouan-Signature as before, with the whole string as the key.
    expect(delivery.verified).toBe(true);
    // webhook-signature with the decoded bytes: the library takes them once written in the standard alphabet.
    const standard = 'whsec_' + Buffer.from(legacy.slice('whsec_'.length), 'base64url').toString('base64');
    expect(verdict(standard, delivery)).toBe('verified');
  });

  it('100 rotations at once: each answers a distinct secret, and exactly the last two committed sign', async () => {
    const { firm, receiver, hook } = await firmWithHook('Std Rotate Race Co', ['booking.created']);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        api.http.post(`${API}/webhooks/${hook.id}/rotate-secret`).set(bearer(firm.adminToken)),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const secrets = answers.map((a) => a.body.secret as string);
    expect(new Set(secrets).size).toBe(100);
    const delivery = await deliveryOf(receiver, await book(firm, 0), 'booking.created');
    expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect([hook.secret, ...secrets].filter((s) => verdict(s, delivery) === 'verified')).toHaveLength(2);
  });

  it('rotation and changes are the firm admin’s, of its own endpoints; bad input is 400', async () => {
    const { firm, hook } = await firmWithHook('Std Rights Co', ['booking.created']);
    const other = await createFirm(api, 'Std Other Co', 0);
    await api.http.post(`${API}/webhooks/${hook.id}/rotate-secret`).set(bearer(other.adminToken)).expect(404);
    await api.http.post(`${API}/webhooks/${hook.id}/rotate-secret`).set(bearer(firm.dispatcherToken)).expect(403);
    await api.http.post(`${API}/webhooks/not-a-uuid/rotate-secret`).set(bearer(firm.adminToken)).expect(400);
    await api.http
      .patch(`${API}/webhooks/${hook.id}`)
      .set(bearer(other.adminToken))
      .send({ format: 'cloudevents' })
      .expect(404);
    for (const body of [
      {},
      { format: 'xml' },
      { events: [] },
      { events: ['booking.exploded'] },
      { url: 'https://a.b' },
    ])
      await api.http.patch(`${API}/webhooks/${hook.id}`).set(bearer(firm.adminToken)).send(body).expect(400);
    await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: 'https://dispatch.example.com/kouan', events: ['booking.called'], format: 'xml' })
      .expect(400);
    expect((await auditOf(hook.id)).map((a) => a.type)).toEqual(['webhook.created']);
  });

  it('a cloudevents endpoint gets structured-mode CloudEvents the SDK reads, signed the same way; back to standard on request', async () => {
    const { firm, receiver, hook } = await firmWithHook('Std Cloud Co', ['booking.created', 'booking.checked_in'], {
      format: 'cloudevents',
    });
    expect(hook.format).toBe('cloudevents');
    const id = await book(firm, 0);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[0]]))[0].plate;
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    const delivery = await deliveryOf(receiver, id, 'org.kouan.booking.checked_in');

    expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
    const event = HTTP.toEvent({ headers: delivery.headers, body: delivery.raw }) as CloudEvent<Json>;
    expect(event.validate()).toBe(true);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: delivery.headers['webhook-id'],
      source: `urn:kouan:port:${PORT}`,
      type: 'org.kouan.booking.checked_in',
      subject: id,
      datacontenttype: 'application/json',
    });
    expect(Date.parse(event.time as string)).toBeLessThanOrEqual(clock.now().getTime());
    expect(event.data).toMatchObject({ bookingId: id, status: 'checked_in', portCode: PORT });
    expect(verdict(hook.secret, delivery)).toBe('verified');
    expect(delivery.verified).toBe(true);

    const changed = await api.http
      .patch(`${API}/webhooks/${hook.id}`)
      .set(bearer(firm.adminToken))
      .send({ format: 'standard' })
      .expect(200);
    expect(changed.body).toMatchObject({ id: hook.id, format: 'standard', events: hook.events });
    const next = await deliveryOf(receiver, await book(firm, 1), 'booking.created');
    expect(next.headers['content-type']).toBe('application/json');
    expect(next.body).toMatchObject({ type: 'booking.created', data: { portCode: PORT } });
    expect(verdict(hook.secret, next)).toBe('verified');
    expect((await auditOf(hook.id)).map((a) => [a.type, a.data.format])).toEqual([
      ['webhook.created', 'cloudevents'],
      ['webhook.updated', 'standard'],
    ]);
  });

  it('a rotated secret: both sign for 24 h (by the Clock), then only the new one', async () => {
    const { firm, receiver, hook } = await firmWithHook('Std Rotate Co', ['booking.created'], {}, 3);
    const old = hook.secret;
    const rotated = await api.http
      .post(`${API}/webhooks/${hook.id}/rotate-secret`)
      .set(bearer(firm.adminToken))
      .expect(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - clock.now().getTime()).toBeGreaterThan(DAY_MS - 60_000);
    expect(rotated.body).toMatchObject({ id: hook.id, format: 'standard', events: ['booking.created'] });
    const listed = (await api.http.get(`${API}/webhooks`).set(bearer(firm.adminToken)).expect(200)).body as Json[];
    expect(listed[0].previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(JSON.stringify(listed)).not.toContain(fresh);
    const audit = await auditOf(hook.id);
    expect(audit.map((a) => a.type)).toEqual(['webhook.created', 'webhook.secret_rotated']);
    expect(audit[1].data.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(JSON.stringify(audit)).not.toContain(fresh);
    expect(JSON.stringify(audit)).not.toContain(old);

    const during = await deliveryOf(receiver, await book(firm, 0), 'booking.created');
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verdict(fresh, during)).toBe('verified');
    expect(verdict(old, during)).toBe('verified');
    // Kouan-Signature: a v1= for each, the newest first.
    for (const secret of [old, fresh])
      expect(verifySignature(secret, during.raw, during.headers['kouan-signature'])).toBe(true);

    // 23 h 59 min on, the old one still signs; past 24 h it no longer does. (Last in this file: the clock stays a day
    // on, past every token signed before; the dispatcher's is signed again at each jump.)
    const dispatcher = api.tokens.verify(firm.dispatcherToken) as Principal;
    const jump = (ms: number) => {
      clock.run(clock.now().getTime() + ms);
      firm.dispatcherToken = api.tokens.sign({ sub: dispatcher.sub, role: 'dispatcher', firmId: firm.id });
    };
    jump(DAY_MS - 60_000);
    const late = await deliveryOf(receiver, await book(firm, 1), 'booking.created');
    expect([verdict(fresh, late), verdict(old, late)]).toEqual(['verified', 'verified']);
    jump(2 * 60_000);
    const after = await deliveryOf(receiver, await book(firm, 2), 'booking.created');
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verdict(fresh, after)).toBe('verified');
    expect(verdict(old, after)).toBe('No matching signature found');
    expect(verifySignature(old, after.raw, after.headers['kouan-signature'])).toBe(false);
    expect(verifySignature(fresh, after.raw, after.headers['kouan-signature'])).toBe(true);
  });
});
