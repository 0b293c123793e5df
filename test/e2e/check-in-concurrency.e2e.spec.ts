import { randomBytes } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import {
  API,
  bearer,
  bookNewTruck,
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

/**
 * Staff check-ins racing on two API processes. A check-in's queue lock, its move and its read of the queue's change
 * leave together on one pipelined connection (CheckInService.admit): the lock must still come first, so that the
 * moves take turns on the green channel's cap and the holding areas' bays, and each read must see its own move, so
 * that every change is one version with its own truck.
 */
describe('staff check-ins at once', () => {
  const PORT = 'MOHAN';
  const TRUCKS = 200;
  /** 10 % of 200 places: 20 green-channel trucks, of the 67 perishable ones. */
  const CAP_PERCENT = 10;
  const clock = portDayClock();
  let api: TestApi;
  let second: TestAgent;
  let firm: TestFirm;
  let staff: string;
  const trucks: Array<{ bookingId: string; plate: string; perishable: boolean }> = [];

  beforeAll(async () => {
    api = await startApi({}, { clock });
    second = (await api.another()).http;
    const schedule: Record<string, unknown> = { priorityCapPercent: CAP_PERCENT };
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: TRUCKS, import: TRUCKS },
      firmQuotaPercent: 100,
      ...schedule,
    });
    firm = await createFirm(api, 'Rush Freight', 1);
    staff = await portStaffToken(api, PORT);
    const slotId = (await slotAt(api, PORT)).id;
    for (let i = 0; i < TRUCKS; i++) {
      const perishable = i % 3 === 0;
      const plate = `云A${randomBytes(3).toString('hex').toUpperCase()}`;
      trucks.push({ ...(await bookNewTruck(api.http, firm, slotId, plate, { perishable })), perishable });
    }
  });
  afterAll(() => api.close());

  it('200 at once: each truck in once, one version and one change per truck, bays and the green cap kept', async () => {
    const [{ version: before }] = await api.ds.query(
      `SELECT COALESCE(max(version), 0)::int AS version FROM queue_state WHERE port_code = $1 AND direction = 'export'`,
      [PORT],
    );
    const answers = await Promise.all(
      trucks.map((t, i) =>
        (i % 2 ? second : api.http).post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate: t.plate }),
      ),
    );
    expect(answers.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
    expect(answers.map((r) => r.body.bookingId)).toEqual(trucks.map((t) => t.bookingId));
    for (const r of answers) expect(r.body.position).toBeGreaterThanOrEqual(1);

    const [{ bays }] = await api.ds.query(
      `SELECT COALESCE(sum(bays), 0)::int AS bays FROM parking_areas WHERE port_code = $1`,
      [PORT],
    );
    const [moved] = await api.ds.query(
      `SELECT count(*)::int AS checked_in, count(*) FILTER (WHERE priority)::int AS green,
              count(*) FILTER (WHERE bay IS NOT NULL)::int AS in_bays, count(*) FILTER (WHERE overflow)::int AS overflow,
              count(DISTINCT queue_key)::int AS keys
       FROM bookings WHERE id = ANY($1::uuid[]) AND status = 'checked_in'`,
      [trucks.map((t) => t.bookingId)],
    );
    // Every place the cap allows went to a perishable truck, and not one more.
    expect(moved).toEqual({
      checked_in: TRUCKS,
      green: (TRUCKS * CAP_PERCENT) / 100,
      in_bays: Math.min(TRUCKS, bays),
      overflow: TRUCKS - Math.min(TRUCKS, bays),
      keys: TRUCKS,
    });
    const greens = await api.ds.query(`SELECT id FROM bookings WHERE id = ANY($1::uuid[]) AND priority`, [
      trucks.filter((t) => t.perishable).map((t) => t.bookingId),
    ]);
    expect(greens).toHaveLength((TRUCKS * CAP_PERCENT) / 100);

    // One queue change per check-in, each its own version, each read after its own move (the truck it joined).
    const changes: Array<{ version: number; joined: string | null }> = await api.ds.query(
      `SELECT (data ->> 'version')::int AS version, data -> 'joined' ->> 'bookingId' AS joined
       FROM port_events WHERE port_code = $1 AND type = 'queue.changed' AND (data ->> 'version')::int > $2
       ORDER BY seq`,
      [PORT, before],
    );
    expect(changes.map((c) => c.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: TRUCKS }, (_, i) => before + 1 + i),
    );
    expect(changes.map((c) => c.joined).sort()).toEqual(trucks.map((t) => t.bookingId).sort());
  });
});
