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
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';

/**
 * The relay (apps/worker) hands the outbox's events to their consumers: here the live one, which tells a cancelled
 * booking's firm. Events committed while no worker runs are relayed when one starts; with two workers each
 * event is relayed once. The API and its workers run from 10:00 port time, so the slot 4 h ahead is in the port's day.
 */
describe('outbox relay (worker, real Postgres and Redis)', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let firm: TestFirm;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 30, import: 30 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Relay Logistics', 6);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  const book = async (i: number) =>
    (
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({
          slotId: (await slotAt(api, PORT, 4)).id,
          vehicleId: firm.vehicleIds[i],
          driverId: firm.driverIds[i],
          cargo: cargo(),
        })
        .expect(201)
    ).body.id as string;
  const cancel = (id: string) =>
    api.http.post(`${API}/bookings/${id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
  const unrelayed = async () =>
    Number((await api.ds.query('SELECT count(*) FROM booking_events WHERE relayed_at IS NULL'))[0].count);

  it('a cancelled booking reaches its firm through the relay, within moments of the commit', async () => {
    const worker = await api.worker();
    const socket = await connectLive(api.url, clients, { token: firm.dispatcherToken });
    const id = await book(0);
    const from = socket.mark();
    await cancel(id);
    expect(await socket.waitFor('booking:update', (u) => u.bookingId === id, from, 5000)).toMatchObject({
      bookingId: id,
      status: 'cancelled',
      reason: 'cancelled',
      position: null,
    });
    await until('every event relayed', async () => (await unrelayed()) === 0, 5000);
    await worker.close();
  });

  it('events committed while no worker runs wait in the outbox and are relayed, in order, when one starts', async () => {
    const socket = await connectLive(api.url, clients, { token: firm.dispatcherToken });
    const ids = [await book(1), await book(2)];
    const from = socket.mark();
    for (const id of ids) await cancel(id);
    expect(await unrelayed()).toBe(4);
    const worker = await api.worker();
    await until('the waiting events relayed', async () => (await unrelayed()) === 0, 5000);
    const told = await socket.waitFor('booking:update', (u) => u.bookingId === ids[1], from, 5000);
    expect(told.status).toBe('cancelled');
    expect(socket.of('booking:update', from).map((u) => u.bookingId)).toEqual(ids);
    await worker.close();
  });

  it('two workers relay each event once (one relay at a time, in seq order)', async () => {
    const workers = [await api.worker(), await api.worker()];
    const socket = await connectLive(api.url, clients, { token: firm.dispatcherToken });
    const ids = [await book(3), await book(4), await book(5)];
    const from = socket.mark();
    for (const id of ids) await cancel(id);
    await until('every event relayed', async () => (await unrelayed()) === 0, 5000);
    await until(
      'the firm told of the last',
      () => socket.of('booking:update', from).some((u) => u.bookingId === ids[2]),
      5000,
    );
    // Give a second, duplicate publish time to arrive if there were one.
    await new Promise((r) => setTimeout(r, 300));
    expect(socket.of('booking:update', from).map((u) => u.bookingId)).toEqual(ids);
    for (const w of workers) await w.close();
  });
});
