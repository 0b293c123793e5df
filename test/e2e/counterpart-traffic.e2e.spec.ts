import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  counterpartToken,
  createFirm,
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
import { until } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;

/**
 * Trucks announced across the border, both ways (issue 20, item 4), through HTTP against Postgres and Redis with the
 * worker's relay: our completed export trucks are the far side's departures (cursor-paged, and signed
 * counterpart.departure webhooks), and the trucks it announces are on the way in the forecast, the yard view and the
 * staff's view until their plate checks in here.
 */
describe('counterpart departures and arrivals', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let counterpart: string;
  let seq = 0;
  const receiver = new WebhookReceiver();

  interface Truck {
    bookingId: string;
    plate: string;
  }

  const book = async (direction = 'export', plate?: string): Promise<Truck> => {
    seq += 1;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate: plate ?? `云K${randomBytes(2).toString('hex').toUpperCase()}${seq}`, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, 0, direction)).id,
        vehicleId: v.body.id,
        driverId: firm.driverIds[0],
        cargo: cargo({ description: `Rubber ${seq}`, hsCode: '400121', weightKg: 15000 + seq }),
      })
      .expect(201);
    return { bookingId: b.body.id, plate: v.body.plate };
  };

  const checkIn = (t: Truck) =>
    api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: t.plate });

  /** Books an export truck, files its declaration, checks it in, calls and completes it. */
  const depart = async (): Promise<Truck> => {
    const t = await book();
    await api.http
      .put(`${API}/bookings/${t.bookingId}/declaration`)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: `5301202612050${seq}`, customsOffice: 'Mohan Customs' })
      .expect(200);
    await checkIn(t).expect(201);
    const lane = await laneOf(api, PORT);
    expect(
      (await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200)).body,
    ).toMatchObject({ bookingId: t.bookingId });
    await api.http.post(`${API}/bookings/${t.bookingId}/complete`).set(bearer(staff)).expect(200);
    return t;
  };

  const departures = (token: string, q: Json = {}, port = PORT) =>
    api.http.get(`${API}/ports/${port}/counterpart/departures`).query(q).set(bearer(token));
  const announce = (body: unknown, token = counterpart, port = PORT) =>
    api.http
      .post(`${API}/ports/${port}/counterpart/arrivals`)
      .set(bearer(token))
      .send(body as object);
  const plates = (list: Json[]) => list.map((x) => x.plate);
  const forecastOnTheWay = async () =>
    plates(
      ((await api.http.get(`${API}/ports/${PORT}/forecast`).set(bearer(staff)).expect(200)).body.onTheWay as Json)
        .trucks as Json[],
    );
  const yardOnTheWay = async (direction = 'import') =>
    plates(
      (await api.http.get(`${API}/ports/${PORT}/yard`).query({ direction }).set(bearer(staff)).expect(200)).body
        .onTheWay as Json[],
    );

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    await api.worker();
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Border Haulage', 1);
    staff = await portStaffToken(api, PORT);
    counterpart = await counterpartToken(api, PORT);
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
    await api?.close();
  });

  it('a completed export truck is a departure with its declaration, and a signed counterpart.departure to the far side', async () => {
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(counterpart))
      .send({ url: receiver.url, events: ['counterpart.departure'] })
      .expect(201);
    receiver.secret = hook.body.secret as string;
    // A far side asks for its own event only; a firm never for the far side's.
    await api.http
      .post(`${API}/webhooks`)
      .set(bearer(counterpart))
      .send({ url: receiver.url, events: ['booking.completed'] })
      .expect(400);
    await api.http
      .post(`${API}/webhooks`)
      .set(bearer(firm.adminToken))
      .send({ url: receiver.url, events: ['counterpart.departure'] })
      .expect(400);
    expect((await api.http.get(`${API}/webhooks`).set(bearer(firm.adminToken)).expect(200)).body).toEqual([]);
    expect(
      (await api.http.get(`${API}/webhooks`).set(bearer(counterpart)).expect(200)).body.map((h: Json) => h.id),
    ).toEqual([hook.body.id]);

    const t = await depart();
    const page = (await departures(counterpart).expect(200)).body;
    expect(page.next).toBeNull();
    expect(page.items).toEqual([
      {
        plate: t.plate,
        trailerPlate: null,
        firmName: 'Border Haulage',
        cargo: expect.stringMatching(/^Rubber /),
        hsCode: '400121',
        weightKg: 15000 + seq,
        declarationNo: `5301202612050${seq}`,
        completedAt: expect.any(String),
      },
    ]);
    // Port staff read it too.
    expect((await departures(staff).expect(200)).body.items).toHaveLength(1);

    await until('the departure webhook', () => receiver.accepted().length === 1, 15_000);
    const [delivery] = receiver.received;
    expect(delivery.verified).toBe(true);
    expect(delivery.body).toMatchObject({ type: 'counterpart.departure', data: page.items[0] });
  });

  it('pages through every departure once, oldest first, with an opaque cursor', async () => {
    const more: Truck[] = [];
    for (let i = 0; i < 4; i++) more.push(await depart());
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const body = (await departures(counterpart, after ? { limit: 2, after } : { limit: 2 }).expect(200)).body;
      pages += 1;
      seen.push(...plates(body.items as Json[]).map(String));
      if (!body.next) break;
      after = body.next as string;
    }
    expect(pages).toBe(3);
    expect(seen.slice(1)).toEqual(more.map((t) => t.plate));
    expect(new Set(seen).size).toBe(5);
    // The last `next` given reads the last page again.
    expect((await departures(counterpart, { after }).expect(200)).body.items).toHaveLength(1);
    for (const bad of ['junk', 'c1.', 'c1.MA', 'c1.LTE', `c1.${Buffer.from('1 ').toString('base64url')}`])
      await departures(counterpart, { after: bad }).expect(400);
    await departures(counterpart, { limit: 0 }).expect(400);
    await departures(counterpart, { limit: 501 }).expect(400);
    await until('five webhooks', () => receiver.accepted().length === 5, 15_000);
  });

  it('announced arrivals are on the way in the forecast, yard and staff views until their plate checks in', async () => {
    const at = api.clock!.now();
    const left = new Date(at.getTime() - 2 * 3600_000).toISOString();
    const arrivals = [
      {
        plate: 'ກຂ 1234',
        firmName: 'Vientiane Logistics',
        cargo: 'Rubber sheets',
        departedAt: left,
        declarationNo: 'LA-1',
      },
      { plate: '云K 7-7-7', trailerPlate: '云K888挂', departedAt: left },
    ];
    expect((await announce(arrivals).expect(202)).body).toEqual({ accepted: 2 });
    // Again: the same trucks, nothing doubles.
    expect((await announce(arrivals).expect(202)).body).toEqual({ accepted: 2 });
    expect(await forecastOnTheWay()).toEqual(['ກຂ1234', '云K777']);
    expect(await yardOnTheWay()).toEqual(['ກຂ1234', '云K777']);
    expect(await yardOnTheWay('export')).toEqual([]);
    const forecast = (await api.http.get(`${API}/ports/${PORT}/forecast`).set(bearer(staff)).expect(200)).body;
    expect(forecast.onTheWay).toMatchObject({ count: 2 });
    expect(forecast.onTheWay.trucks[0]).toEqual({
      plate: 'ກຂ1234',
      trailerPlate: null,
      firmName: 'Vientiane Logistics',
      cargo: 'Rubber sheets',
      declarationNo: 'LA-1',
      departedAt: left,
    });

    // The truck books our import direction and checks in: it is here, no longer on the way.
    const t = await book('import', '云K777');
    await checkIn(t).expect(201);
    expect(await forecastOnTheWay()).toEqual(['ກຂ1234']);
    expect(await yardOnTheWay()).toEqual(['ກຂ1234']);
    // Announced again after it checked in (a late repost): still not on the way.
    await announce([arrivals[1]]).expect(202);
    expect(await forecastOnTheWay()).toEqual(['ກຂ1234']);
  });

  it('refuses bad announcements with a 400, and another port or a firm with a 404 or 403', async () => {
    const at = api.clock!.now();
    const ok = { plate: 'ກຂ 9999', departedAt: new Date(at.getTime() - 60_000).toISOString() };
    for (const body of [
      {},
      'junk',
      [],
      [{ plate: '!', departedAt: ok.departedAt }],
      [{ ...ok, departedAt: 'yesterday' }],
      [{ ...ok, departedAt: '2026-12-05T10:00:00' }],
      [{ ...ok, departedAt: '2026-02-30T10:00:00Z' }],
      [{ ...ok, departedAt: new Date(at.getTime() + 3600_000).toISOString() }],
      [{ ...ok, extra: 1 }],
      Array.from({ length: 501 }, () => ok),
    ]) {
      const res = await announce(body);
      expect({ body: JSON.stringify(body).slice(0, 60), status: res.status }).toEqual({
        body: JSON.stringify(body).slice(0, 60),
        status: 400,
      });
    }
    expect(
      (await announce(Array.from({ length: 500 }, (_, i) => ({ ...ok, plate: `LA${i}` }))).expect(202)).body,
    ).toEqual({
      accepted: 500,
    });

    // Hekou's far side sees nothing of Mohan's, and announces nothing to it.
    const hekou = await counterpartToken(api, 'HEKOU');
    await departures(hekou).expect(404);
    await announce([ok], hekou).expect(404);
    expect((await departures(hekou, {}, 'HEKOU').expect(200)).body).toEqual({ items: [], next: null });
    expect((await api.http.get(`${API}/webhooks`).set(bearer(hekou)).expect(200)).body).toEqual([]);
    // A firm, port staff announcing, or anyone without a token.
    await departures(firm.adminToken).expect(403);
    await announce([ok], firm.dispatcherToken).expect(403);
    await announce([ok], staff).expect(403);
    await api.http.get(`${API}/ports/${PORT}/counterpart/departures`).expect(401);
  });
});
