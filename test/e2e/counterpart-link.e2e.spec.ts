import type { INestApplicationContext } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDate,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
const LAOS = join(ROOT, 'libs', 'ports', 'src', 'data', 'laos-ports.json');
const PASSWORD = 'boten-link-password';

/** `npm run seed` as the operator runs it (the built CLI), on `api`'s database. */
const seed = (api: TestApi, ...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'), 'seed', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: api.ownerDbUrl, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });

/**
 * Kouan on both sides of the border (issue 20, item 5): Mohan's installation (Yunnan's ports) and Boten's (the Lao
 * ports file), each with its own database, API, worker and Redis prefix, paired by COUNTERPART_LINKS on Boten's side:
 * Boten's worker signs in to Mohan's API as Mohan's counterpart and pushes Boten's import capacity as Mohan's
 * acceptance and Boten's incidents as Mohan's status of its far side, and pulls Mohan's departures as Boten's
 * arrivals, through Mohan's public endpoints only. Both run on one clock, at 11:00 in Mohan (10:00 in Boten).
 */
describe('two Kouan installations paired across the border (real Postgres, Redis and HTTP)', () => {
  let mohan: TestApi;
  let boten: TestApi;
  let worker: INestApplicationContext | undefined;
  let linkEmail: string;
  const clock = portDayClock('11:00:00');

  beforeAll(async () => {
    [mohan, boten] = await Promise.all([startApi({}, { clock }), startApi({}, { clock })]);
    const made = await mohan.http
      .post(`${API}/ports/MOHAN/counterpart/users`)
      .set(bearer(mohan.adminToken))
      .send({ email: `link-${boten.redisPrefix}@boten.example`, password: PASSWORD })
      .expect(201);
    linkEmail = made.body.email as string;
  });
  afterAll(async () => {
    await boten?.close();
    await mohan?.close();
  });

  /** Boten's worker, linked to Mohan's API with `password`, running the link every `seconds`. */
  const startWorker = (password: string, seconds = 1) =>
    boten.worker({
      COUNTERPART_LINKS: `BOTEN=${mohan.url}/api/v1/ports/MOHAN,${linkEmail}:${encodeURIComponent(password)}`,
      COUNTERPART_SYNC_SECONDS: String(seconds),
    });
  const linkStatus = async () =>
    (await boten.http.get(`${API}/ports/BOTEN/counterpart/link`).set(bearer(boten.adminToken)).expect(200)).body;
  /** Waits for `n` more whole runs of the link to succeed. */
  const runs = async (n: number) => {
    let seen = (await linkStatus()).lastSuccessAt as string;
    for (let i = 0; i < n; i++)
      seen = await until('another run of the link', async () => {
        const s = (await linkStatus()).lastSuccessAt as string;
        return s > seen && s;
      });
  };
  /** How many port events of `type` Mohan has written. */
  const mohanEvents = async (type: string) =>
    Number((await mohan.ds.query(`SELECT count(*)::int AS n FROM port_events WHERE type = $1`, [type]))[0].n);

  it('seeds the Lao ports file at Boten, and refuses a bad file with its problems and a non-zero exit', async () => {
    const done = seed(boten, '--ports', LAOS);
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('seeded 2 ports (2 road ports with lanes and a default schedule)');
    expect(done.stdout).toContain('seeded 0 holding areas');
    const port = (await boten.http.get(`${API}/ports/BOTEN`).expect(200)).body;
    expect(port).toMatchObject({ code: 'BOTEN', timeZone: 'Asia/Vientiane', counterpart: { name: 'Mohan Road' } });

    const missing = seed(boten, '--ports', join(ROOT, 'no-such-ports.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/seed failed: .*no-such-ports\.json: cannot be read \(ENOENT\)/);
    const bad = seed(boten, '--ports', join(ROOT, 'package.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('package.json: must be an object with a non-empty "ports" array');
  });

  it('shows a failing link to the port admin (refused sign-in, counted, never the password)', async () => {
    worker = await startWorker('not-the-password');
    const status = await until('the failed sign-in recorded', async () => {
      const s = await linkStatus();
      return s.failures >= 1 && s;
    });
    expect(status).toMatchObject({ port: 'BOTEN', remote: `${mohan.url}/api/v1/ports/MOHAN` });
    expect(status.lastError).toMatch(/POST .*\/auth\/login answered 401/);
    expect(JSON.stringify(status)).not.toContain('not-the-password');
    await worker.close();
  });

  it("pushes Boten's import capacity as Mohan's acceptance, in Mohan's clock: Mohan's export slots shrink", async () => {
    // Boten takes 2 trucks an hour, 08:00-20:00 in Vientiane (09:00-21:00 at Mohan).
    await putSchedule(boten, 'BOTEN', { capacity: { export: 6, import: 2 } });
    worker = await startWorker(PASSWORD);
    const date = portDate(2);
    const slots = await until('Mohan export slots following Boten', async () => {
      const s = await slotsOf(mohan, 'MOHAN', date);
      return s.every((slot) => slot.capacity === (slot.startsAt.startsWith(`${date}T08:`) ? 0 : 2)) && s;
    });
    expect(slots).toHaveLength(12);
    const acceptance = (await mohan.http.get(`${API}/ports/MOHAN`).expect(200)).body.counterpart.acceptance;
    expect(acceptance.windows).toContainEqual({ from: '09:00', to: '10:00', trucks: 2 });
    expect(acceptance.windows[0]).toEqual({ from: '00:00', to: '09:00', trucks: 0 });
    const status = await until('the link succeeding', async () => {
      const s = await linkStatus();
      return s.failures === 0 && s.pushedDates.includes(date) && s.pushedDates.includes(portDate(6)) && s;
    });
    expect(status).toMatchObject({ lastError: null, lastFailureAt: expect.any(String) });

    // Nothing changed: once a whole run has passed, later runs push nothing (no new acceptance event at Mohan).
    await runs(1);
    const before = await mohanEvents('counterpart.acceptance');
    await runs(2);
    expect(await mohanEvents('counterpart.acceptance')).toBe(before);

    // Boten takes more: the change is pushed and Mohan's slots follow.
    await putSchedule(boten, 'BOTEN', { capacity: { export: 6, import: 5 } });
    await until('Mohan export slots following the rise', async () => {
      const s = await slotsOf(mohan, 'MOHAN', date);
      return s.filter((slot) => slot.capacity === 5).length === 11;
    });
    await worker.close();
  });

  describe("Mohan's trucks and Boten's incidents", () => {
    let firm: TestFirm;
    let mohanStaff: string;
    let botenStaff: string;
    let trucks = 0;

    beforeAll(async () => {
      await putSchedule(mohan, 'MOHAN', {
        ...OPENING_HOURS,
        capacity: { export: 6, import: 6 },
        firmQuotaPercent: 100,
      });
      firm = await createFirm(mohan, 'Mohan Haulage', 3);
      [mohanStaff, botenStaff] = await Promise.all([portStaffToken(mohan, 'MOHAN'), portStaffToken(boten, 'BOTEN')]);
      worker = await startWorker(PASSWORD);
    });
    afterAll(() => worker?.close());
    const incident = (body: object) =>
      boten.http.post(`${API}/ports/BOTEN/incidents`).set(bearer(botenStaff)).send(body).expect(201);
    const closeIncident = (id: string) =>
      boten.http.post(`${API}/ports/BOTEN/incidents/${id}/close`).set(bearer(botenStaff)).expect(200);

    /** Books one of the firm's trucks into Mohan's export slot of now, with its declaration, and checks it in. */
    const checkedIn = async (): Promise<{ bookingId: string; plate: string }> => {
      const i = trucks++;
      const vehicle = await mohan.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate: `云K${mohan.redisPrefix.slice(-4).toUpperCase()}${i}`, country: 'CN' })
        .expect(201);
      const plate = vehicle.body.plate as string;
      const booking = await mohan.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({
          slotId: (await slotAt(mohan, 'MOHAN', 0)).id,
          vehicleId: vehicle.body.id,
          driverId: firm.driverIds[i],
          cargo: cargo({ description: `Tea ${i}`, hsCode: '090230', weightKg: 12000 }),
        })
        .expect(201);
      const bookingId = booking.body.id as string;
      await mohan.http
        .put(`${API}/bookings/${bookingId}/declaration`)
        .set(bearer(firm.dispatcherToken))
        .send({ declarationNo: `53012026120600${i}`, customsOffice: 'Mohan Customs' })
        .expect(200);
      await mohan.http.post(`${API}/ports/MOHAN/check-ins`).set(bearer(mohanStaff)).send({ plate }).expect(201);
      return { bookingId, plate };
    };
    /** Mohan's export call-next, answering `status`. */
    const callNext = async (status: number) =>
      mohan.http
        .post(`${API}/ports/MOHAN/lanes/${await laneOf(mohan, 'MOHAN')}/call-next`)
        .set(bearer(mohanStaff))
        .send({})
        .expect(status);
    const mohanSide = async () => (await mohan.http.get(`${API}/ports/MOHAN`).expect(200)).body.counterpart;

    it("pulls a truck that completed Mohan's export lane: on the way in Boten's forecast and yard", async () => {
      const truck = await checkedIn();
      expect((await callNext(200)).body).toMatchObject({ bookingId: truck.bookingId });
      await mohan.http.post(`${API}/bookings/${truck.bookingId}/complete`).set(bearer(mohanStaff)).expect(200);

      const forecast = await until("the truck on the way in Boten's forecast", async () => {
        const f = (await boten.http.get(`${API}/ports/BOTEN/forecast`).set(bearer(botenStaff)).expect(200)).body;
        return f.onTheWay.count === 1 && f.onTheWay;
      });
      expect(forecast.trucks).toEqual([
        expect.objectContaining({
          plate: truck.plate,
          firmName: 'Mohan Haulage',
          cargo: 'Tea 0',
          declarationNo: '530120261206000',
        }),
      ]);
      const yard = (
        await boten.http
          .get(`${API}/ports/BOTEN/yard`)
          .query({ direction: 'import' })
          .set(bearer(botenStaff))
          .expect(200)
      ).body;
      expect(yard.onTheWay.map((t: { plate: string }) => t.plate)).toEqual([truck.plate]);
    });

    it("relays Boten's closure as Mohan's closed far side (export calls refused), and its closing reopens them", async () => {
      const truck = await checkedIn();
      const opened = await incident({ kind: 'closure', message: 'landslide on the access road' });

      const closed = await until("Mohan's far side closed", async () => {
        const side = await mohanSide();
        return side.status === 'closed' && side;
      });
      expect(closed).toMatchObject({ reason: 'landslide on the access road', until: null });
      const refused = await callNext(409);
      expect(refused.body).toMatchObject({ code: 'counterpart_closed' });
      expect(refused.body.message).toContain('side closed: landslide on the access road');

      // Posted once: later runs see the same incidents and post nothing.
      await runs(2);
      expect(await mohanEvents('counterpart.status')).toBe(1);

      await boten.http.post(`${API}/ports/BOTEN/incidents/${opened.body.id}/close`).set(bearer(botenStaff)).expect(200);
      await until("Mohan's far side open again", async () => (await mohanSide()).status === 'open');
      expect((await callNext(200)).body).toMatchObject({ bookingId: truck.bookingId });
      const statements = await mohan.ds.query(
        `SELECT data FROM port_events WHERE type = 'counterpart.status' ORDER BY seq`,
      );
      expect(statements.map((e: { data: object }) => e.data)).toEqual([
        expect.objectContaining({ status: 'closed', reason: 'landslide on the access road' }),
        expect.objectContaining({ status: 'open', reason: 'incident closed' }),
      ]);
    });

    it('runs the link as soon as an incident opens or closes, not at its next scheduled run', async () => {
      await worker?.close();
      const before = (await linkStatus()).lastSuccessAt as string;
      // Scheduled once at its start, then not for an hour: only an incident's port event runs the link again.
      worker = await startWorker(PASSWORD, 3600);
      await until('the run at the start', async () => ((await linkStatus()).lastSuccessAt as string) > before);
      const later = new Date(clock.now().getTime() + 3 * 3600_000).toISOString();
      const fog = await incident({ kind: 'weather', message: 'fog on the bridge', until: later });
      const slowed = await until("Mohan's far side slowed", async () => {
        const side = await mohanSide();
        return side.status === 'slowed' && side;
      });
      expect(slowed).toMatchObject({ reason: 'fog on the bridge', until: expect.any(String) });
      expect(Date.parse(slowed.until as string)).toBe(Date.parse(later));
      // Shown only: Mohan's export calls go on.
      await checkedIn();
      await callNext(200);
      await closeIncident(fog.body.id);
      await until("Mohan's far side open again", async () => (await mohanSide()).status === 'open');
    });
  });
});
