import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, replicaDataSourceOptions, ReplicaReads } from '@kouan/db';
import { cloneTemplate, PG_ADMIN_URL } from '../support/db';
import {
  API,
  bearer,
  bookNewTruck,
  createFirm,
  OPENING_HOURS,
  portDate,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { copyDatabase, OwnPostgres } from '../support/own-postgres';
import { freePort, until } from '../support/processes';

const PORT = 'MOHAN';

/**
 * DATABASE_REPLICA_URLS against a primary and a streaming replica of the test's own (initdb and pg_basebackup into
 * temporary directories, as the postgres user, on free ports). Which server answered is shown by the data: with the
 * replica's replay paused, a truck booked and checked in on the primary is not in the reads that may lag (public
 * board, open data, KPIs, forecast, performance) while the driver's own and the staff's reads see it; resumed, the
 * lagging reads catch up; the replica stopped, the primary answers them all at once, and a replica started again
 * takes its reads back after DATABASE_REPLICA_RETRY_SECONDS.
 */
describe('read replica', () => {
  const clock = portDayClock();
  let primary: OwnPostgres | undefined;
  let replica: OwnPostgres | undefined;
  let api: TestApi | undefined;
  let firm: TestFirm;
  let staff: string;
  let slotId: string;
  let trucks = 0;
  const day = portDate();

  const started = () => api as TestApi;

  // A fixed amount of work (initdb, a copy of the template, a base backup, the API): the limit only stops a hang.
  beforeAll(async () => {
    primary = await OwnPostgres.primary(await freePort());
    await primary.start();
    // From a clone of the template: a dump holding the template itself would stop other files cloning it.
    const source = await cloneTemplate();
    try {
      await copyDatabase(source.url, primary, 'kouan');
    } finally {
      await source.drop();
    }
    replica = await OwnPostgres.replicaOf(primary, await freePort());
    await replica.start();
    await caughtUp();
    api = await startApi(
      {
        DATABASE_URL: primary.url('kouan'),
        DATABASE_REPLICA_URLS: replica.url('kouan'),
        DATABASE_REPLICA_RETRY_SECONDS: '1',
      },
      { clock },
    );
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    firm = await createFirm(api, 'Replica Freight', 1);
    staff = await portStaffToken(api, PORT);
    slotId = (await slotAt(api, PORT)).id;
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    await replica?.remove();
    await primary?.remove();
  });

  /** Until the replica has replayed everything the primary has written so far. */
  async function caughtUp(): Promise<void> {
    const [{ lsn }] = await primary!.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    await until('the replica to replay the primary', async () => {
      const [r] = await replica!.query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [
        lsn,
      ]);
      return r?.done === true;
    });
  }

  async function pauseReplay(): Promise<void> {
    await replica!.query('SELECT pg_wal_replay_pause()');
    await until('the replica to pause', async () => {
      const [r] = await replica!.query<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state');
      return r.state === 'paused';
    });
  }

  /** A truck booked into the slot of the API's hour and checked in at the gate: writes, on the primary. */
  async function truckWaiting(): Promise<{ bookingId: string; driver: string }> {
    const a = started();
    trucks += 1;
    const plate = `云R${randomBytes(2).toString('hex').toUpperCase()}${trucks}`;
    const t = await bookNewTruck(a.http, firm, slotId, plate);
    await a.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    const driver = a.tokens.sign({ sub: t.bookingId, role: 'driver', firmId: firm.id, portCode: PORT });
    return { bookingId: t.bookingId, driver };
  }

  /** What each read that may lag counts of the port's export trucks today. */
  async function lagging() {
    const a = started();
    const get = async (path: string, query: Record<string, string> = {}, token?: string) => {
      const req = a.http.get(path).query(query);
      return (await (token ? req.set(bearer(token)) : req).expect(200)).body;
    };
    const board = await get(`${API}/ports/${PORT}/queue`, { direction: 'export' });
    const open = await get('/open/v1/ports');
    const kpis = await get(`${API}/ports/${PORT}/kpis`, { from: day, to: day }, a.adminToken);
    const forecast = await get(`${API}/ports/${PORT}/forecast`, { date: day }, a.adminToken);
    const performance = await get(`${API}/ports/performance`, { from: day, to: day }, a.adminToken);
    const exportOf = <T extends { direction: string }>(list: T[]) => list.filter((r) => r.direction === 'export');
    return {
      board: board.entries.length,
      openData: open.ports.find((p: { code: string }) => p.code === PORT).directions.export.trucksWaiting,
      kpis: exportOf<{ direction: string; booked: number }>(kpis).reduce((n, r) => n + r.booked, 0),
      forecast: exportOf<{ direction: string; booked: number }>(forecast.hours).reduce((n, h) => n + h.booked, 0),
      performance: performance.find((p: { port: string }) => p.port === PORT).bookings,
    };
  }

  const all = (n: number) => ({ board: n, openData: n, kpis: n, forecast: n, performance: n });

  /** `kouan_lagging_reads_total` by the server that answered, from /metrics. */
  async function answeredBy(): Promise<{ replica: number; primary: number }> {
    const text = (await started().http.get('/metrics').expect(200)).text;
    const count = (on: string) =>
      Number(new RegExp(`^kouan_lagging_reads_total\\{on="${on}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    return { replica: count('replica'), primary: count('primary') };
  }

  /** The reads that must see the writes: a driver's own booking and the lane console's queue. */
  async function primaryBound(driver: string) {
    const a = started();
    const own = (await a.http.get(`${API}/driver/booking`).set(bearer(driver)).expect(200)).body;
    const line = await a.http
      .get(`${API}/ports/${PORT}/queue/staff`)
      .query({ direction: 'export' })
      .set(bearer(staff))
      .expect(200);
    return { status: own.status, position: own.position, staff: line.body.entries.length };
  }

  it('reads that may lag come from the replica, a driver’s own booking and the staff’s queue from the primary', async () => {
    await caughtUp();
    expect(await lagging()).toEqual(all(0));
    await pauseReplay();
    const first = await truckWaiting();

    expect(await primaryBound(first.driver)).toEqual({ status: 'checked_in', position: 1, staff: 1 });
    // The replica stopped replaying before the booking: every lagging read still counts none.
    const before = await answeredBy();
    expect(await lagging()).toEqual(all(0));
    const after = await answeredBy();
    // Nine lagging reads: the board's, open data's, the KPIs', the forecast's five (its trucks on the way from the far
    // side are booking's, on the primary) and performance's; none of them on the primary.
    expect(after.replica - before.replica).toBeGreaterThanOrEqual(9);
    expect(after.primary).toBe(before.primary);

    await replica!.query('SELECT pg_wal_replay_resume()');
    await until(
      'the lagging reads to catch up',
      async () => JSON.stringify(await lagging()) === JSON.stringify(all(1)),
    );
  });

  it('a stopped replica leaves the primary serving every read, and a replica back takes its reads again', async () => {
    await replica!.stop('immediate');
    const second = await truckWaiting();
    // At once, not eventually: the first read after the stop finds the replica gone and asks the primary.
    const before = await answeredBy();
    expect(await lagging()).toEqual(all(2));
    const after = await answeredBy();
    expect(after.primary - before.primary).toBeGreaterThanOrEqual(9);
    expect(after.replica).toBe(before.replica);
    expect(await primaryBound(second.driver)).toEqual({ status: 'checked_in', position: 2, staff: 2 });

    await replica!.start();
    await caughtUp();
    await pauseReplay();
    await truckWaiting();
    // Once the replica has rested DATABASE_REPLICA_RETRY_SECONDS, a read tries it again: the board then lags.
    await until('the board to be read on the replica again', async () => (await lagging()).board === 2);
    expect(await lagging()).toEqual(all(2));
    expect((await primaryBound(second.driver)).staff).toBe(3);
    await replica!.query('SELECT pg_wal_replay_resume()');
    await until(
      'the lagging reads to catch up',
      async () => JSON.stringify(await lagging()) === JSON.stringify(all(3)),
    );
  });
});

/**
 * A replica that accepts connections and never answers (a host gone silent): its first read waits for the connect
 * timeout and is answered by the primary; then the replica rests, its reads going straight to the primary without
 * trying it; after the rest one read alone tries it while the others still go to the primary.
 */
describe('ReplicaReads with a silent replica', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let primary: DataSource;
  let reads: ReplicaReads;

  beforeAll(async () => {
    silent = createServer((s) => void sockets.push(s));
    const port = await freePort();
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
    // The shared server's own database: a connection held on the template would stop other files cloning it.
    primary = await new DataSource(dataSourceOptions({ databaseUrl: PG_ADMIN_URL, dbPoolSize: 2 })).initialize();
    const replicaUrl = `postgres://postgres@127.0.0.1:${port}/kouan`;
    reads = new ReplicaReads(primary, [replicaUrl], (u) => replicaDataSourceOptions(u, 2, []), 1000);
  });

  afterAll(async () => {
    await reads.onModuleDestroy();
    await primary.destroy();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  const port = () => reads.one<{ port: string }>(`SELECT current_setting('port') AS port`);

  it('tries it once, rests it, then lets one read alone try it again', async () => {
    expect(await port()).toEqual({ port: '5432' });
    expect(sockets).toHaveLength(1);
    // Resting: twenty reads, none tries the replica.
    for (const r of await Promise.all(Array.from({ length: 20 }, port))) expect(r).toEqual({ port: '5432' });
    expect(sockets).toHaveLength(1);

    // After the rest, the next read tries it (and waits for its timeout); the reads beside it go to the primary.
    let trial: Promise<{ port: string } | undefined> | undefined;
    let settled = false;
    await until('a read to try the replica again', async () => {
      if (!trial) {
        settled = false;
        trial = port().finally(() => (settled = true));
      }
      if (sockets.length === 2) return true;
      // A read the primary answered: the rest is not over yet, try with the next one.
      if (settled) trial = undefined;
      return false;
    });
    for (const r of await Promise.all(Array.from({ length: 10 }, port))) expect(r).toEqual({ port: '5432' });
    expect(sockets).toHaveLength(2);
    expect(await trial).toEqual({ port: '5432' });
  });
});
