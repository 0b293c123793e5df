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
import { freePort, OwnRedis, until } from '../support/processes';

/**
 * Rules over time run when they come due (a delayed job per deadline, from Postgres), not at the next minute, and a
 * Redis that restarts empty gets the coming jobs back from the sweep. Real delays, real Redis of the test's own; the
 * API and its worker run from 10:00 port time at the real pace, so the delays pass as they would.
 */
describe('deadline jobs (worker, own redis-server, real Postgres)', () => {
  const PORT = 'TIANBAO';
  let redis: OwnRedis;
  let api: TestApi;
  let firm: TestFirm;
  const clock = portDayClock();

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    api = await startApi({ REDIS_URL: redis.url }, { clock });
    await api.worker();
    // No grace after a slot: its check-in window closes when it ends.
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
      checkInGraceMinutes: 0,
    });
    firm = await createFirm(api, 'Deadline Haulage', 2);
  }, 60_000);

  afterAll(async () => {
    await api.close();
    await redis.kill();
  });

  /** A booked truck whose slot (moved here) ends, closing its check-in window, `seconds` from now. */
  async function closingIn(i: number, seconds: number, hoursAhead: number): Promise<{ id: string; closesAt: number }> {
    const slot = await slotAt(api, PORT, hoursAhead);
    // An UPDATE through TypeORM answers [rows, count].
    const [[{ ends }]] = (await api.ds.query(
      `UPDATE slots SET starts_at = $3::timestamptz - interval '1 hour',
         ends_at = $3::timestamptz + make_interval(secs => $2)
       WHERE id = $1 RETURNING extract(epoch FROM ends_at) * 1000 AS ends`,
      [slot.id, seconds, clock.now()],
    )) as [Array<{ ends: string }>, number];
    const res = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
      .expect(201);
    return { id: res.body.id as string, closesAt: Number(ends) };
  }

  const noShowAt = async (id: string) => {
    const [row] = await api.ds.query(
      `SELECT status, extract(epoch FROM updated_at) * 1000 AS at FROM bookings WHERE id = $1`,
      [id],
    );
    return row.status === 'no_show' ? Number(row.at) : false;
  };

  it('a truck whose check-in window closes in 2 s is a no-show within 1 s of the close', async () => {
    const { id, closesAt } = await closingIn(0, 2, 3);
    const at = await until('the no-show', () => noShowAt(id), 10_000);
    expect(at).toBeGreaterThanOrEqual(closesAt);
    expect(at - closesAt).toBeLessThan(1000);
  });

  it('Redis restarted empty before a deadline: the sweep puts its job back, and it still fires on time', async () => {
    const { id, closesAt } = await closingIn(1, 6, 5);
    await until(
      'the deadline job in Redis',
      async () => ((await redis.call('KEYS', '*expire-overdue@*')) as string[]).length > 0,
      5000,
    );
    const runId = async () => /run_id:(\w+)/.exec(String(await redis.call('INFO', 'server')))?.[1];
    const before = await runId();
    await redis.kill();
    await redis.start();
    // A new server that keeps nothing on disk: empty when it started (its keys may already be coming back, as the
    // worker reconnects and sweeps, so DBSIZE would race).
    expect(await runId()).not.toBe(before);
    const at = await until('the no-show', () => noShowAt(id), 15_000);
    expect(at - closesAt).toBeLessThan(1000);
  });
});
