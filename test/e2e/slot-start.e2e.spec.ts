import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * The order changes by the clock alone when a later slot starts: its trucks join the started ones by check-in. No
 * queue change happens then, so each API process reads the queue afresh a second after the start and tells every
 * driver whose place moved.
 */
describe('a later slot starting (live)', () => {
  const PORT = 'DALUO';
  let api: TestApi;
  let firm: TestFirm;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Slot Start Haulage', 3);
    await putSchedule(api, PORT, {
      openFrom: '00:00',
      openTo: '24:00',
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  it("moves a truck of the later slot ahead of the later check-ins when its slot starts, on the driver's phone", async () => {
    const staff = await portStaffToken(api, PORT);
    const now = (await slotAt(api, PORT)).id;
    const later = (await slotAt(api, PORT, 3)).id;
    // The later slot starts in 8 s (a time off the grid, so no other slot has it); its trucks may check in already.
    await api.ds.query(`UPDATE slots SET starts_at = now() + interval '8 seconds' WHERE id = $1`, [later]);
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

    // Its slot starts: by check-in it is first now, and the phone hears it without any change to the queue.
    const from = driver.mark();
    const moved = await driver.waitFor('booking:update', (u) => u.position === 1, from, 15_000);
    expect(moved).toMatchObject({ bookingId: trucks[0].id, status: 'checked_in', position: 1 });
    expect(await rest()).toMatchObject({ position: 1 });
  }, 30_000);
});
