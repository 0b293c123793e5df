import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BookingTransitions } from '@kouan/booking';
import { RemindDriversJob } from '@kouan/booking';
import { ExpireOverdueJob, QueueNotifier, QueueReadService } from '@kouan/queue';
import {
  API,
  bearer,
  cargo,
  createFirm,
  DEFAULT_SCHEDULE,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { TestClock } from '../support/test-clock';

/**
 * The rules over time as services with an injected clock, against the real database: each judged just before and
 * just after its deadline, without waiting and without moving any row.
 */
describe('rules over time at an injected instant', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let worker: INestApplicationContext;
  let firm: TestFirm;
  let staff: string;
  // The jobs judged here read a clock of their own, set to each instant; the API and its worker run at 10:00 port
  // time, so the slots booked "now" and "27 h ahead" are within the port's opening hours whatever the hour.
  const clock = new TestClock();
  let expire: ExpireOverdueJob;
  let remind: RemindDriversJob;

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    worker = await api.worker();
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Clockwork Freight', 3);
    staff = await portStaffToken(api, PORT);
    const ds = worker.get<DataSource>(getDataSourceToken());
    const transitions = worker.get(BookingTransitions);
    expire = new ExpireOverdueJob(ds, worker.get(QueueNotifier), worker.get(QueueReadService), transitions, clock);
    remind = new RemindDriversJob(ds, transitions, clock);
  });

  afterAll(() => api.close());

  const book = async (i: number, hoursAhead: number) => {
    const slot = await slotAt(api, PORT, hoursAhead);
    const res = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
      .expect(201);
    return { id: res.body.id as string, startsAt: Date.parse(slot.startsAt), endsAt: Date.parse(slot.endsAt) };
  };
  const status = async (id: string) =>
    (await api.ds.query('SELECT status, called_timeouts FROM bookings WHERE id = $1', [id]))[0];
  const events = async (id: string, type: string): Promise<Array<Record<string, unknown>>> =>
    (
      (await api.ds.query(`SELECT data FROM booking_events WHERE booking_id = $1 AND type = $2 ORDER BY seq`, [
        id,
        type,
      ])) as Array<{ data: Record<string, unknown> }>
    ).map((r) => r.data);
  const judgeAt = (ms: number) => {
    clock.set(ms);
  };

  it('reminds 2 h and then 30 min before the slot, each once, and not outside those windows', async () => {
    const b = await book(0, 27);
    const MIN = 60_000;
    for (const [at, sent] of [
      [b.startsAt - 3 * 60 * MIN, 0],
      [b.startsAt - 2 * 60 * MIN + MIN, 1],
      [b.startsAt - 90 * MIN, 0],
      [b.startsAt - 29 * MIN, 1],
      [b.startsAt - 10 * MIN, 0],
    ] as const) {
      judgeAt(at);
      expect({ at: new Date(at).toISOString(), sent: await remind.handle() }).toEqual({
        at: new Date(at).toISOString(),
        sent,
      });
    }
    expect((await events(b.id, 'booking.reminder')).map((d) => d.before)).toEqual(['2h', '30m']);
  });

  it('a booked truck is a no-show only once its check-in window has closed', async () => {
    const b = await book(1, 30);
    const closes = b.endsAt + DEFAULT_SCHEDULE.checkInGraceMinutes * 60_000;
    judgeAt(closes - 1000);
    await expire.handle();
    expect((await status(b.id)).status).toBe('booked');
    judgeAt(closes + 1000);
    await expire.handle();
    expect((await status(b.id)).status).toBe('no_show');
    expect(await events(b.id, 'booking.no_show')).toEqual([expect.objectContaining({ reason: 'not_arrived' })]);
    const [{ at }] = await api.ds.query('SELECT no_show_at AS at FROM bookings WHERE id = $1', [b.id]);
    expect(new Date(at).getTime()).toBe(closes + 1000);
  });

  it('a called truck goes back into the line at its first timeout and is a no-show at its second', async () => {
    const b = await book(2, 0);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[2]]))[0]
      .plate as string;
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    const lane = await laneOf(api, PORT);
    const call = async () => {
      expect(
        (await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200)).body
          .bookingId,
      ).toBe(b.id);
      const [{ at }] = await api.ds.query('SELECT called_at AS at FROM bookings WHERE id = $1', [b.id]);
      return new Date(at).getTime() + DEFAULT_SCHEDULE.calledTimeoutMinutes * 60_000;
    };
    let timesOut = await call();
    judgeAt(timesOut - 1000);
    await expire.handle();
    expect(await status(b.id)).toEqual({ status: 'called', called_timeouts: 0 });
    judgeAt(timesOut + 1000);
    await expire.handle();
    expect(await status(b.id)).toEqual({ status: 'checked_in', called_timeouts: 1 });
    expect(await events(b.id, 'booking.requeued')).toEqual([expect.objectContaining({ reason: 'called_timeout' })]);

    timesOut = await call();
    judgeAt(timesOut - 1000);
    await expire.handle();
    expect((await status(b.id)).status).toBe('called');
    judgeAt(timesOut + 1000);
    await expire.handle();
    expect((await status(b.id)).status).toBe('no_show');
    expect(await events(b.id, 'booking.no_show')).toEqual([expect.objectContaining({ reason: 'called_timeout' })]);
  });
});
