import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  portDate,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { portTime, TestClock } from '../support/test-clock';

/** A day ahead at the port, so its slots are in the future by the real time too. */
const DAY = portDate(2);

/**
 * The order changes by the clock alone when a later slot starts: its trucks join the started ones by check-in. No
 * queue change happens then, so each API process reads the queue afresh a second after the start (by the API's
 * Clock, which this test sets just before 09:00 at the port and then lets run) and tells every driver whose place
 * moved.
 */
describe('a later slot starting (live)', () => {
  const PORT = 'DALUO';
  const clock = new TestClock();
  let api: TestApi;
  let firm: TestFirm;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    // 08:59:55: the 08:00 slot has started, the 09:00 one has not, and its trucks may check in already (from 08:00).
    // Set before anything signs a token: tokens are judged at this clock.
    clock.set(portTime(DAY, '08:59:55'));
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Slot Start Haulage', 3);
    await putSchedule(api, PORT, { capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  it("moves a truck of the later slot ahead of the later check-ins when its slot starts, on the driver's phone", async () => {
    const staff = await portStaffToken(api, PORT);
    const slots = await slotsOf(api, PORT, DAY);
    const slotOf = (time: string) => slots.find((s) => s.startsAt === `${DAY}T${time}:00+08:00`)!.id;
    const now = slotOf('08:00');
    const later = slotOf('09:00');
    const tag = randomBytes(2).toString('hex').toUpperCase();
    const trucks: Array<{ id: string; plate: string }> = [];
    for (const [i, slotId] of [
      [0, later],
      [1, now],
      [2, now],
    ] as const) {
      const plate = `云K${tag}${i}`;
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate, country: 'CN' })
        .expect(201);
      const b = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId, vehicleId: v.body.id, driverId: firm.driverIds[i], cargo: cargo() })
        .expect(201);
      trucks.push({ id: b.body.id as string, plate: v.body.plate as string });
    }
    const driver = await connectLive(api.url, clients, {
      token: api.tokens.sign({ sub: trucks[0].id, role: 'driver', firmId: firm.id, portCode: PORT }),
    });
    // The later slot's truck checks in first, then the two of the started slot: it waits behind them, third.
    for (const t of trucks)
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: t.plate }).expect(201);
    await driver.waitFor('booking:update', (u) => u.status === 'checked_in' && u.position === 3);
    const rest = async () =>
      (
        await api.http
          .get(`${API}/driver/booking`)
          .set(bearer(api.tokens.sign({ sub: trucks[0].id, role: 'driver', firmId: firm.id, portCode: PORT })))
          .expect(200)
      ).body;
    expect(await rest()).toMatchObject({ position: 3 });

    // The time runs on to 09:00: by check-in it is first now, and the phone hears it without any change to the queue.
    const from = driver.mark();
    clock.run(portTime(DAY, '08:59:57'));
    const moved = await driver.waitFor('booking:update', (u) => u.position === 1, from, 15_000);
    expect(moved).toMatchObject({ bookingId: trucks[0].id, status: 'checked_in', position: 1 });
    expect(await rest()).toMatchObject({ position: 1 });
  }, 30_000);
});
