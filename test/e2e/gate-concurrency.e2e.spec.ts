import { randomBytes } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import {
  API,
  bearer,
  bookNewTruck,
  createFirm,
  portDate,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';
import { portTime, TestClock } from '../support/test-clock';

/**
 * Camera reads racing: two holding-entry cameras (on two API processes) reading one truck at once check it in once,
 * and one camera's identical reads at once count one read, the rest duplicates (the device's row lock).
 */
describe('gate reads at once', () => {
  const PORT = 'MOHAN';
  const THROTTLE = 40;
  let api: TestApi;
  let second: TestAgent;
  let firm: TestFirm;
  let slotId: string;
  let areaId: string;

  const addDevice = async () =>
    (
      await api.http
        .post(`${API}/ports/${PORT}/devices`)
        .set(bearer(api.adminToken))
        .send({ name: `entry-${randomBytes(3).toString('hex')}`, position: 'holding_entry', areaId })
        .expect(201)
    ).body as { id: string; key: string };

  const read = (http: TestAgent, key: string, plate: string) =>
    http
      .post(`${API}/gate/reads`)
      .set({ Authorization: `Device ${key}` })
      .send({ plate, confidence: 0.97 });

  const newPlate = () => `云B${randomBytes(3).toString('hex').toUpperCase()}`;

  beforeAll(async () => {
    // Each camera below sends at most 30 reads; the throttle test sends one heartbeat past the limit.
    api = await startApi(
      { DEVICE_THROTTLE_LIMIT: String(THROTTLE) },
      { clock: new TestClock().set(portTime(portDate(2), '10:30:00')) },
    );
    second = (await api.another()).http;
    await putSchedule(api, PORT, { capacity: { export: 200, import: 200 }, firmQuotaPercent: 100 });
    slotId = (await slotAt(api, PORT)).id;
    firm = await createFirm(api, 'Race Haulage', 1);
    areaId = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.parkingAreas[0].id;
  });
  afterAll(() => api.close());

  it('two cameras on two API processes, 40 simultaneous reads of one truck: checked in once, one checked_in read', async () => {
    const t = await bookNewTruck(api.http, firm, slotId, newPlate());
    const [a, c] = [await addDevice(), await addDevice()];

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => read(i % 2 ? second : api.http, i % 4 < 2 ? a.key : c.key, t.plate)),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 202));
    const outcomes = answers.map((r) => r.body as { outcome: string; reason?: string; bookingId?: string });
    const checkedIn = outcomes.filter((o) => o.outcome === 'checked_in');
    expect(checkedIn).toEqual([{ readId: expect.any(String), outcome: 'checked_in', bookingId: t.bookingId }]);
    // Every other read is a duplicate: of its own camera's earlier read, or of a truck the other camera checked in.
    expect(outcomes.filter((o) => o.outcome !== 'checked_in').every((o) => o.outcome === 'duplicate')).toBe(true);
    // Each camera's first read acted: the other camera's first found the truck checked in already.
    expect(outcomes.filter((o) => o.reason === 'already_checked_in')).toHaveLength(1);

    const events = await api.ds.query(
      `SELECT count(*)::int AS n FROM booking_events WHERE booking_id = $1 AND type = 'booking.checked_in'`,
      [t.bookingId],
    );
    expect(events[0].n).toBe(1);
    const stored = await api.ds.query(
      `SELECT outcome, count(*)::int AS n FROM gate_reads WHERE plate = $1 GROUP BY outcome ORDER BY outcome`,
      [t.plate],
    );
    expect(stored).toEqual([
      { outcome: 'checked_in', n: 1 },
      { outcome: 'duplicate', n: 39 },
    ]);
    expect((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [t.bookingId]))[0].status).toBe(
      'checked_in',
    );
  });

  it('a read refused after it was stored (another camera checked the truck in as it waited for the queue) is taken again: one row, a duplicate', async () => {
    const t = await bookNewTruck(api.http, firm, slotId, newPlate());
    const [a, c] = [await addDevice(), await addDevice()];
    const { direction } = (await api.ds.query('SELECT direction FROM bookings WHERE id = $1', [t.bookingId]))[0];
    // The test holds the queue's lock, so both cameras' reads pass every check, store their rows and wait for it.
    await api.ds.query(
      `INSERT INTO queue_state (port_code, direction, version) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING`,
      [PORT, direction],
    );
    const blocker = api.ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query('SELECT 1 FROM queue_state WHERE port_code = $1 AND direction = $2 FOR UPDATE', [
        PORT,
        direction,
      ]);
      const answers = Promise.all([read(api.http, a.key, t.plate), read(second, c.key, t.plate)]);
      await until('both reads waiting for the queue lock', async () => {
        const [w] = await api.ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO queue_state%'`,
        );
        return w.n === 2;
      });
      await blocker.commitTransaction();
      const outcomes = (await answers)
        .map((r) => r.body as { outcome: string; reason?: string })
        .sort((x, y) => x.outcome.localeCompare(y.outcome));
      expect(outcomes).toEqual([
        { readId: expect.any(String), outcome: 'checked_in', bookingId: t.bookingId },
        { readId: expect.any(String), outcome: 'duplicate', reason: 'already_checked_in' },
      ]);
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
    const stored = await api.ds.query(
      `SELECT outcome, reason, count(*)::int AS n FROM gate_reads WHERE plate = $1 GROUP BY outcome, reason ORDER BY outcome`,
      [t.plate],
    );
    expect(stored).toEqual([
      { outcome: 'checked_in', reason: null, n: 1 },
      { outcome: 'duplicate', reason: 'already_checked_in', n: 1 },
    ]);
  });

  it('one camera, 30 identical reads at once on two API processes: exactly one is not a duplicate', async () => {
    const cam = await addDevice();
    const plate = newPlate();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => read(i % 2 ? second : api.http, cam.key, plate)),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 202));
    const outcomes = answers.map((r) => (r.body as { outcome: string }).outcome).sort();
    expect(outcomes.filter((o) => o !== 'duplicate')).toEqual(['unmatched']);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(29);
    const stored = await api.ds.query(`SELECT count(*)::int AS n FROM gate_reads WHERE device_id = $1`, [cam.id]);
    expect(stored[0].n).toBe(30);
  });

  it('throttles each device on its own: past DEVICE_THROTTLE_LIMIT a minute, 429 with Retry-After; another camera goes on', async () => {
    const [noisy, quiet] = [await addDevice(), await addDevice()];
    const beat = (http: TestAgent, key: string) =>
      http.post(`${API}/gate/heartbeat`).set({ Authorization: `Device ${key}` });
    for (let i = 0; i < THROTTLE; i++) await beat(i % 2 ? second : api.http, noisy.key).expect(204);
    const refused = await beat(api.http, noisy.key).expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429, message: 'too many requests from this device; slow down' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await beat(second, quiet.key).expect(204);
  });
});
