import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { Clock } from '@kouan/common';
import { redisOptions } from '@kouan/config';
import { JobName, JobQueue } from '@kouan/jobs';
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
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';

type Json = Record<string, unknown>;

/**
 * Reminders 2 h and 30 min before the slot and the call to a lane reach the driver through the notification channels
 * (socket: the driver's page; sms: the logging gateway), from the outbox, each once. The API and its worker run from
 * 10:00 port time: the slot holding now takes check-ins, and the 11:00 one is between 30 min and 2 h ahead.
 */
describe('driver notifications (worker, real Postgres and Redis)', () => {
  const PORT = 'HEKOU';
  let api: TestApi;
  let worker: INestApplicationContext;
  let jobQueue: Queue;
  let firm: TestFirm;
  const clients: LiveClient[] = [];
  const clock = portDayClock();

  beforeAll(async () => {
    api = await startApi({}, { clock });
    worker = await api.worker({ NOTIFY_CHANNELS: 'socket,sms' });
    jobQueue = new Queue(JobQueue.Maintenance, {
      connection: redisOptions(REDIS_URL),
      prefix: `${api.redisPrefix}:bull`,
    });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Reminder Transport', 2);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await jobQueue.close();
    await worker.close();
    await api.close();
  });

  const remindNow = async () => {
    const job = await jobQueue.add(JobName.RemindDrivers, {});
    await until(
      'the reminder job',
      async () => {
        const state = await jobQueue.getJobState(job.id as string);
        if (state === 'failed') throw new Error((await jobQueue.getJob(job.id as string))?.failedReason);
        return state === 'completed';
      },
      10_000,
    );
  };
  const sms = async (bookingId: string) =>
    (await api.ds.query(
      `SELECT n.status, n.payload ->> 'kind' AS kind, n.payload ->> 'text' AS text, n.payload ->> 'phone' AS phone
     FROM notifications n WHERE n.booking_id = $1 AND n.channel = 'sms' ORDER BY n.id`,
      [bookingId],
    )) as Array<{ status: string; kind: string; text: string; phone: string }>;

  it('2 h before the slot, then 30 min before: the driver is reminded on the page and by text, each once, in its language', async () => {
    // The slot holding 11:30 starts an hour from now: inside the 2 h reminder, not the 30 min one.
    const slot = await slotAt(api, PORT, 1.5);
    const booked = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    const id = booked.body.id as string;
    const driver = await connectLive(api.url, clients, {
      token: api.tokens.sign({ sub: id, role: 'driver', firmId: firm.id, portCode: PORT }),
    });
    const from = driver.mark();
    await remindNow();
    const told = await driver.waitFor('booking:update', (u) => u.reason === 'reminder', from, 5000);
    // createFirm's drivers speak Chinese.
    expect(told).toMatchObject({
      bookingId: id,
      status: 'booked',
      position: null,
      instructions: expect.stringContaining('2小时'),
    });
    await until(
      'the text message sent',
      async () => (await sms(id)).every((n) => n.status === 'sent') && (await sms(id)).length === 1,
      5000,
    );
    // The port by its Chinese name, not the seed's English one (Hekou Road).
    expect((await sms(id))[0]).toMatchObject({
      kind: 'reminder',
      text: expect.stringMatching(/^提醒：您在河口公路口岸的/),
      phone: expect.stringMatching(/^\+86/),
    });

    await remindNow();
    expect(
      (
        await api.ds.query(
          `SELECT count(*)::int AS n FROM booking_events WHERE booking_id = $1 AND type = 'booking.reminder'`,
          [id],
        )
      )[0].n,
    ).toBe(1);

    // 30 minutes before: the second reminder.
    await api.ds.query(
      `UPDATE slots SET starts_at = $2::timestamptz + interval '20 minutes', ends_at = $2::timestamptz + interval '80 minutes'
       WHERE id = $1`,
      [slot.id, clock.now()],
    );
    await remindNow();
    await driver.waitFor(
      'booking:update',
      (u) => u.reason === 'reminder' && String(u.instructions).includes('30分钟'),
      from,
      5000,
    );
    const events = (await api.ds.query(
      `SELECT data ->> 'before' AS before FROM booking_events WHERE booking_id = $1 AND type = 'booking.reminder' ORDER BY seq`,
      [id],
    )) as Json[];
    expect(events.map((e) => e.before)).toEqual(['2h', '30m']);
    await until('both texts sent', async () => (await sms(id)).filter((n) => n.status === 'sent').length === 2, 5000);
  });

  it("a called truck gets a text with its lane in the driver's language, once", async () => {
    await api.ds.query(`UPDATE drivers SET language = 'lo' WHERE id = $1`, [firm.driverIds[1]]);
    const staff = await portStaffToken(api, PORT);
    const slot = await slotAt(api, PORT);
    const booked = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[1], driverId: firm.driverIds[1], cargo: cargo() })
      .expect(201);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[1]]))[0]
      .plate as string;
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    const lanes = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes as Json[];
    const lane = lanes.find((l) => l.direction === 'export') as Json;
    expect(
      (await api.http.post(`${API}/ports/${PORT}/lanes/${lane.id}/call-next`).set(bearer(staff)).expect(200)).body
        .bookingId,
    ).toBe(booked.body.id);
    await until(
      'the call texted',
      async () => (await sms(booked.body.id)).some((n) => n.kind === 'called' && n.status === 'sent'),
      5000,
    );
    const [text] = await sms(booked.body.id);
    expect(lane.name).toBe('export-1');
    expect(text.text).toBe('ກະລຸນາໄປ ຊ່ອງທາງຂາອອກ 1 ດຽວນີ້.');
    expect(await sms(booked.body.id)).toHaveLength(1);
  });
});

/**
 * A slow SMS gateway, two workers and a short lease: the worker sending renews the lease of the batch it claimed
 * until each text is recorded, so the other never takes the batch's tail and no driver is texted twice. And the
 * notifications' times are the worker's Clock, not the database's.
 */
describe('notification leases renewed while a slow gateway sends (two workers)', () => {
  const LEASE_SECONDS = 2;
  /** Each text takes this long: the batch is sent one by one, so its tail waits several leases. */
  const SEND_MS = 2500;
  const TEXTS = 5;
  let api: TestApi;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    for (const w of workers) await w.close();
    await api.close();
  });

  /** A worker whose SMS gateway is `gateway` (the API's env, one overridden variable, an optional Clock). */
  const workerWith = async (gateway: SmsGateway, over: Record<string, string>, clock?: Clock) => {
    const module = WorkerModule.forRoot(
      {
        NODE_ENV: 'test',
        DATABASE_URL: api.dbUrl,
        REDIS_URL,
        REDIS_PREFIX: api.redisPrefix,
        LOG_LEVEL: 'silent',
        DB_POOL_SIZE: '4',
        NOTIFY_CHANNELS: 'sms',
        ...over,
      },
      { clock },
    );
    const compiled = await Test.createTestingModule({ imports: [module] })
      .setLogger({ log() {}, error() {}, warn() {} })
      .overrideProvider(SMS_GATEWAY)
      .useValue(gateway)
      .compile();
    const worker = await compiled.init();
    workers.push(worker);
    return worker;
  };
  const add = (texts: string[], at: Date) =>
    api.ds.query(
      `INSERT INTO notifications (event_id, channel, booking_id, payload, next_at, created_at)
       SELECT e, 'sms', gen_random_uuid(), jsonb_build_object('eventId', e, 'phone', '+8613800000000', 'text', t), $2, $2
       FROM (SELECT t, gen_random_uuid() AS e FROM unnest($1::text[]) AS t) x`,
      [texts, at],
    );
  const statuses = async () =>
    (await api.ds.query(
      `SELECT payload ->> 'text' AS text, status, attempts, next_at, created_at, sent_at FROM notifications ORDER BY id`,
    )) as Array<{ text: string; status: string; attempts: number; next_at: Date; created_at: Date; sent_at: Date }>;

  it(`${TEXTS} texts taking ${SEND_MS} ms each with a ${LEASE_SECONDS} s lease: each sent once`, async () => {
    const sent: string[] = [];
    const slow: SmsGateway = {
      send: async (_to, text) => {
        sent.push(text);
        await new Promise((r) => setTimeout(r, SEND_MS));
      },
    };
    const over = { NOTIFY_LEASE_SECONDS: String(LEASE_SECONDS) };
    // Leases pass in real time: the workers' clock runs at the real pace, from 10:00 port time.
    const clock = portDayClock();
    const pair = [await workerWith(slow, over, clock), await workerWith(slow, over, clock)];
    const texts = Array.from({ length: TEXTS }, (_, i) => `text ${i}`);
    await add(texts, clock.now());
    await until(
      'every text sent',
      async () => (await statuses()).every((n) => n.status === 'sent'),
      SEND_MS * TEXTS * 3,
    );
    expect([...sent].sort()).toEqual(texts);
    expect((await statuses()).map((n) => n.attempts)).toEqual(texts.map(() => 1));
    for (const w of pair) await w.close();
  }, 90_000);

  it("the notifications' times come from the worker's Clock, not the database's", async () => {
    await api.ds.query('DELETE FROM notifications');
    const AT = new Date('2031-03-04T05:06:07.089Z');
    const clock = new (class extends Clock {
      now = () => new Date(AT);
    })();
    const failing: SmsGateway = {
      send: (_to, text) => (text === 'fails' ? Promise.reject(new Error('gateway down')) : Promise.resolve()),
    };
    await workerWith(failing, {}, clock);
    await add(['goes', 'fails'], AT);
    // The failed one is tried again 30 s after the Clock's instant (its lease would have been 60 s).
    const retryAt = AT.getTime() + 30_000;
    const [goes, fails] = await until(
      'both recorded',
      async () => {
        const [g, f] = await statuses();
        return g.status === 'sent' && f.next_at.getTime() === retryAt && ([g, f] as const);
      },
      15_000,
    );
    expect(goes).toMatchObject({ status: 'sent', sent_at: AT });
    expect(fails).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
  });
});
