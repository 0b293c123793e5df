import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Clock } from '@kouan/common';
import { SMS_GATEWAY, SmsGateway } from '@kouan/notify';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { REDIS_URL } from '../support/db';
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

const PUBLIC_URL = 'https://kouan.example';

/**
 * POST /bookings/:id/driver-code/send: a new code texted to the driver through the notification channel (the worker's
 * sms channel, here into a sink), with a link that signs in; the firm's only, 3 an hour, never for a phone-less driver.
 */
// Every query of the notifications below reads the driver-code texts only: a booking's slot may start within 2 h, so
// the worker's reminder job may text its driver too, whenever it runs.
describe('a driver code sent by text (API and worker, real Postgres and Redis)', () => {
  const PORT = 'HEKOU';
  const clock = portDayClock('10:00:00');
  let api: TestApi;
  let worker: INestApplicationContext;
  let firm: TestFirm;
  const texts: Array<{ to: string; text: string }> = [];
  /** A phone's texts wait for this before they count as sent (a slow gateway, held by the test). */
  const held = new Map<string, Promise<void>>();

  beforeAll(async () => {
    api = await startApi({ PUBLIC_URL }, { clock });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Texting Transport', 3);
    // The worker sends what the API queued, into a sink instead of the logging gateway.
    const sink: SmsGateway = {
      send: async (to, text) => {
        await held.get(to);
        texts.push({ to, text });
      },
    };
    const module = WorkerModule.forRoot({
      NODE_ENV: 'test',
      DATABASE_URL: api.dbUrl,
      REDIS_URL,
      REDIS_PREFIX: api.redisPrefix,
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: '4',
      NOTIFY_CHANNELS: 'socket,sms',
      PUBLIC_URL,
    });
    worker = await (
      await Test.createTestingModule({ imports: [module] })
        .setLogger({ log() {}, error() {}, warn() {} })
        .overrideProvider(Clock)
        .useValue(clock)
        .overrideProvider(SMS_GATEWAY)
        .useValue(sink)
        .compile()
    ).init();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  const book = async (i: number) =>
    (
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({
          slotId: (await slotAt(api, PORT, 2)).id,
          vehicleId: firm.vehicleIds[i],
          driverId: firm.driverIds[i],
          cargo: cargo(),
        })
        .expect(201)
    ).body as { id: string; reference: string; driverCode: string };
  const send = (id: string, token = firm.dispatcherToken) =>
    api.http.post(`${API}/bookings/${id}/driver-code/send`).set(bearer(token));
  const signIn = (reference: string, driverCode: string) =>
    api.http.post(`${API}/driver/session`).send({ reference, driverCode });

  it("texts the driver a new code and a link that carries it; the old code stops working; the firm's users only", async () => {
    const b = await book(0);
    const [{ phone }] = await api.ds.query('SELECT phone FROM drivers WHERE id = $1', [firm.driverIds[0]]);
    const sent = await send(b.id).expect(202);
    expect(sent.headers['cache-control']).toBe('no-store');
    expect(sent.body).toEqual({ driverCode: expect.stringMatching(/^\d{6}$/), sentTo: expect.stringMatching(/^\+86/) });
    expect(sent.body.driverCode).not.toBe(b.driverCode);
    await signIn(b.reference, b.driverCode).expect(401);
    await signIn(b.reference, sent.body.driverCode).expect(200);

    // The text reaches the sink, in the driver's language (createFirm's speak Chinese), with the link and the code.
    const text = await until('the text sent', () => texts.find((t) => t.text.includes(sent.body.driverCode)) ?? false);
    expect(text.to).toBe(phone);
    const link = `${PUBLIC_URL}/d#r=${b.reference}&c=${sent.body.driverCode}`;
    expect(text.text).toBe(`河口公路口岸预约 ${b.reference} 的司机码：${sent.body.driverCode}。${link}`);
    const [row] = await until('the text recorded as sent', async () => {
      const found = await api.ds.query(
        `SELECT status, channel, payload ->> 'kind' AS kind, created_at FROM notifications
         WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code'`,
        [b.id],
      );
      return found[0]?.status === 'sent' && found;
    });
    expect(row).toMatchObject({ status: 'sent', channel: 'sms', kind: 'driver_code' });
    // Sent, the row keeps no code: its text has the code blanked and no link.
    const [stored] = await api.ds.query(
      `SELECT to_jsonb(n)::text AS json, payload ->> 'text' AS text FROM notifications n
       WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code'`,
      [b.id],
    );
    expect(stored.json).not.toContain(sent.body.driverCode);
    expect(stored.text).toBe(`河口公路口岸预约 ${b.reference} 的司机码：••••。`);
    // Stamped at the API's Clock, not the database's.
    expect(Math.abs(row.created_at.getTime() - clock.now().getTime())).toBeLessThan(60_000);

    // The firm admin may too; port staff, a driver and nobody may not; another firm's booking is not found.
    await send(b.id, firm.adminToken).expect(202);
    await send(b.id, await portStaffToken(api, PORT)).expect(403);
    await send(
      b.id,
      (await signIn(b.reference, (await send(b.id).expect(202)).body.driverCode)).body.accessToken,
    ).expect(403);
    await api.http.post(`${API}/bookings/${b.id}/driver-code/send`).expect(401);
    const rival = await createFirm(api, 'Rival Texts', 1);
    expect((await send(b.id, rival.dispatcherToken).expect(404)).body).toMatchObject({ code: 'not_found' });
    await send('8a1f7c52-0b7e-4c1a-9f5e-3c2d1e0f9a77').expect(404);
    await send('nope').expect(400);
  });

  it('a driver without a phone to text: 422 no_phone, and the code stays; a closed booking 410', async () => {
    const b = await book(2);
    await api.ds.query(`UPDATE drivers SET phone = '' WHERE id = $1`, [firm.driverIds[2]]);
    expect((await send(b.id).expect(422)).body).toMatchObject({ code: 'no_phone' });
    await signIn(b.reference, b.driverCode).expect(200);
    await api.http.post(`${API}/bookings/${b.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    expect((await send(b.id).expect(410)).body).toMatchObject({ code: 'booking_closed' });
  });

  it('a newer code before the text went: the queued text is given up unsent, and no row keeps any code', async () => {
    const other = await createFirm(api, 'Slow Texts', 1);
    const b = (
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(other.dispatcherToken))
        .send({
          slotId: (await slotAt(api, PORT, 2)).id,
          vehicleId: other.vehicleIds[0],
          driverId: other.driverIds[0],
          cargo: cargo(),
        })
        .expect(201)
    ).body as { id: string };
    const send2 = () => send(b.id, other.dispatcherToken).expect(202);
    const [{ phone }] = await api.ds.query('SELECT phone FROM drivers WHERE id = $1', [other.driverIds[0]]);
    let release = () => {};
    held.set(phone, new Promise<void>((r) => (release = r)));
    try {
      // The first text is in the gateway's hands; the second waits behind it and is overtaken by a third code.
      const first = (await send2()).body.driverCode as string;
      await until('the first text claimed', async () => {
        const [n] = await api.ds.query(
          `SELECT attempts FROM notifications WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code'`,
          [b.id],
        );
        return n?.attempts === 1;
      });
      const second = (await send2()).body.driverCode as string;
      const third = (await send2()).body.driverCode as string;
      release();
      await until('the third text sent', () => texts.some((t) => t.text.includes(third)));
      const rows = await until('every text recorded', async () => {
        const found = await api.ds.query(
          `SELECT status, to_jsonb(n)::text AS json FROM notifications n
           WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code' ORDER BY id`,
          [b.id],
        );
        return found.every((r: { status: string }) => r.status !== 'pending') && found;
      });
      // The one in flight went out (its code was live when it was claimed); the overtaken one never did.
      expect(rows.map((r: { status: string }) => r.status)).toEqual(['sent', 'dead', 'sent']);
      expect(texts.filter((t) => t.to === phone).map((t) => t.text.includes(first))).toEqual([true, false]);
      expect(texts.some((t) => t.text.includes(second))).toBe(false);
      for (const r of rows) for (const code of [first, second, third]) expect(r.json).not.toContain(code);
    } finally {
      release();
      held.delete(phone);
    }
  });

  it('3 texts an hour per booking: the 4th is 429 and keeps the last code; an hour later one more goes', async () => {
    const b = await book(1);
    let code = b.driverCode;
    for (let i = 0; i < 3; i++) code = (await send(b.id).expect(202)).body.driverCode;
    const refused = await send(b.id).expect(429);
    expect(refused.body).toMatchObject({ code: 'too_many_requests', message: expect.stringContaining('after') });
    await signIn(b.reference, code).expect(200);
    expect(
      (
        await api.ds.query(
          `SELECT count(*)::int AS n FROM notifications WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code'`,
          [b.id],
        )
      )[0].n,
    ).toBe(3);
    // The hour is the Clock's (and so is the dispatcher's token: a fresh one for the later hour).
    clock.run(clock.now().getTime() + 3600_000 + 1000);
    const { sub } = JSON.parse(Buffer.from(firm.dispatcherToken.split('.')[1], 'base64url').toString());
    await send(b.id, api.tokens.sign({ sub, role: 'dispatcher', firmId: firm.id })).expect(202);
  });
});
