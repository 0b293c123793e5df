import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { runMigrations } from '@kouan/db';
import { admin, dbUrl } from '../support/db';
import {
  API,
  bearer,
  cargo,
  createFirm,
  Crew,
  crews,
  portDate,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

/**
 * Races against the real API, Postgres and Redis. Every answer is checked, and every test ends by comparing the
 * denormalised counters (slots.booked, slot_firm_usage.booked) with the bookings they are supposed to count.
 * Each test uses a port of its own so their counters never mix.
 */
const ACTIVE = ['booked', 'checked_in', 'called'];

describe('bookings under concurrency', () => {
  let api: TestApi;
  const date = portDate();

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const book = (firm: TestFirm, slotId: string, crew: Crew, key?: string) => {
    const req = api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken));
    if (key) req.set('Idempotency-Key', key);
    return req.send({ slotId, vehicleId: crew.vehicleId, driverId: crew.driverId, cargo: cargo() });
  };
  const cancel = (firm: TestFirm, id: string) =>
    api.http.post(`${API}/bookings/${id}/cancel`).set(bearer(firm.dispatcherToken));
  const reschedule = (firm: TestFirm, id: string, slotId: string) =>
    api.http.post(`${API}/bookings/${id}/reschedule`).set(bearer(firm.dispatcherToken)).send({ slotId });

  const slotBooked = async (ids: string[]): Promise<number[]> => {
    const found = await api.ds.query<{ id: string; booked: number }[]>(
      'SELECT id, booked FROM slots WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return ids.map((id) => found.find((s) => s.id === id)!.booked);
  };

  /** Any slot or (slot, firm) of the port whose counter differs from its count of active bookings; [] when all agree. */
  async function expectCountersAgree(port: string): Promise<void> {
    const slots = await api.ds.query(
      `SELECT s.id, s.booked, (SELECT count(*)::int FROM bookings b WHERE b.slot_id = s.id AND b.status = ANY($2)) AS active
       FROM slots s WHERE s.port_code = $1`,
      [port, ACTIVE],
    );
    expect(slots.filter((s: { booked: number; active: number }) => s.booked !== s.active)).toEqual([]);
    const usage = await api.ds.query(
      `SELECT coalesce(u.slot_id, c.slot_id) AS slot_id, coalesce(u.firm_id, c.firm_id) AS firm_id,
              coalesce(u.booked, 0) AS usage, coalesce(c.n, 0) AS active
       FROM (SELECT u.* FROM slot_firm_usage u JOIN slots s ON s.id = u.slot_id WHERE s.port_code = $1) u
       FULL JOIN (SELECT slot_id, firm_id, count(*)::int AS n FROM bookings WHERE port_code = $1 AND status = ANY($2)
                  GROUP BY slot_id, firm_id) c ON c.slot_id = u.slot_id AND c.firm_id = u.firm_id
       WHERE coalesce(u.booked, 0) <> coalesce(c.n, 0)`,
      [port, ACTIVE],
    );
    expect(usage).toEqual([]);
    // Guards against the helper passing vacuously because the port had nothing booked.
    expect(slots.length).toBeGreaterThan(0);
  }

  /** Answers that are neither the expected successes nor a contract-shaped 409 with an allowed code. */
  const strays = (answers: Response[], ok: number, codes: string[]) =>
    answers
      .filter((r) => r.status !== ok)
      .filter(
        (r) =>
          !(
            r.status === 409 &&
            codes.includes(r.body.code) &&
            r.body.statusCode === 409 &&
            r.body.error === 'Conflict' &&
            typeof r.body.message === 'string'
          ),
      )
      .map((r) => ({ status: r.status, body: r.body }));

  it('300 simultaneous bookings of one 20-place slot from 3 firms: exactly 20 taken, no firm over its 50% share', async () => {
    const port = 'WANDING';
    await putSchedule(api, port, { capacity: { export: 20, import: 20 }, firmQuotaPercent: 50 });
    const [slot] = await slotsOf(api, port, date);
    expect(slot).toMatchObject({ capacity: 20, booked: 0 });
    const firms = await Promise.all(
      ['Ruili Freight', 'Wanding Haulage', 'Mandalay Express'].map((n) => createFirm(api, n, 0)),
    );
    const fleets = await Promise.all(firms.map((f) => crews(api, f, 100)));
    // Each firm's requests go out as one burst after the other's, so the first firm arrives first and only the quota
    // keeps it from taking every place.
    const answers = await Promise.all(firms.flatMap((f, k) => fleets[k].map((crew) => book(f, slot.id, crew))));

    const created = answers.filter((r) => r.status === 201);
    expect(created).toHaveLength(20);
    expect(answers.filter((r) => r.status >= 500)).toEqual([]);
    expect(strays(answers, 201, ['slot_full', 'quota_exceeded'])).toEqual([]);

    const rows = await api.ds.query<{ id: string; firm_id: string }[]>(
      `SELECT id, firm_id FROM bookings WHERE slot_id = $1 AND status = 'booked'`,
      [slot.id],
    );
    expect(rows.map((r) => r.id).sort()).toEqual(created.map((r) => r.body.id).sort());
    expect(await slotBooked([slot.id])).toEqual([20]);
    const perFirm = firms.map((f) => rows.filter((r) => r.firm_id === f.id).length);
    expect(Math.max(...perFirm)).toBeLessThanOrEqual(10);
    await expectCountersAgree(port);
  });

  it('300 simultaneous bookings, 200 of them from a firm above the strike limit: it never holds more than its halved share', async () => {
    const port = 'YONGHE';
    // 20 places, 50% share: 10 places per firm, 5 for a firm with more strikes than the limit (the default 5).
    await putSchedule(api, port, { capacity: { export: 20, import: 20 }, firmQuotaPercent: 50 });
    const [slot] = await slotsOf(api, port, date);
    const [struck, clean] = await Promise.all(
      ['Often Late Haulage', 'Always There Freight'].map((n) => createFirm(api, n, 0)),
    );
    // Six no-shows yesterday, straight in SQL (each a strike: no lane of the port was stopped then).
    const [late] = await crews(api, struck, 1);
    await api.ds.query(
      `WITH s AS (INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity, booked)
                  VALUES ($2, 'export', now() - interval '25 hours', now() - interval '24 hours', 5, 0) RETURNING id, starts_at)
       INSERT INTO bookings (reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id, status, no_show_at,
         driver_code_hash, cargo_description, hs_code, weight_kg)
       SELECT $2 || '-STRIKE-' || g, $1, s.id, $2, 'export', (s.starts_at AT TIME ZONE 'Asia/Shanghai')::date, $3, $4, 'no_show',
         now() - interval '23 hours', repeat('0', 64), 'Rubber', '400122', 20000
       FROM s, generate_series(1, 6) g`,
      [struck.id, port, late.vehicleId, late.driverId],
    );
    const standing = await api.http
      .get(`${API}/firms/${struck.id}/standing`)
      .query({ port })
      .set(bearer(api.adminToken))
      .expect(200);
    expect(standing.body).toMatchObject({ strikes30d: 6, strikeLimit: 5, quotaPercentNow: 25 });
    const [mine, theirs] = await Promise.all([crews(api, struck, 200), crews(api, clean, 100)]);
    const answers = await Promise.all([
      ...mine.map((c) => book(struck, slot.id, c)),
      ...theirs.map((c) => book(clean, slot.id, c)),
    ]);

    expect(answers.filter((r) => r.status >= 500)).toEqual([]);
    expect(strays(answers, 201, ['quota_exceeded'])).toEqual([]);
    const created = (from: number, to: number) => answers.slice(from, to).filter((r) => r.status === 201).length;
    expect([created(0, 200), created(200, 300)]).toEqual([5, 10]);
    const refusals = answers
      .slice(0, 200)
      .filter((r) => r.status === 409)
      .map((r) => [r.body.quota, r.body.quotaHalved]);
    expect(new Set(refusals.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify([5, true])]));
    expect(await slotBooked([slot.id])).toEqual([15]);
    await expectCountersAgree(port);
  });

  it('10 racing retries with one Idempotency-Key make one booking and all get the same answer', async () => {
    const port = 'QINGSHUIHE';
    const firm = await createFirm(api, 'Retry Logistics', 0);
    const [crew] = await crews(api, firm, 1);
    const [slot] = await slotsOf(api, port, date);
    const [before] = await slotBooked([slot.id]);
    const key = `retry-${randomBytes(4).toString('hex')}`;

    const answers = await Promise.all(Array.from({ length: 10 }, () => book(firm, slot.id, crew, key)));

    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
    const first = answers[0].body;
    expect(first).toMatchObject({
      id: expect.any(String),
      reference: expect.any(String),
      driverCode: expect.stringMatching(/^\d{6}$/),
    });
    for (const r of answers) expect(r.body).toEqual(first);
    const rows = await api.ds.query<{ id: string; reference: string }[]>(
      'SELECT id, reference FROM bookings WHERE vehicle_id = $1',
      [crew.vehicleId],
    );
    expect(rows).toEqual([{ id: first.id, reference: first.reference }]);
    expect(await slotBooked([slot.id])).toEqual([before + 1]);
    await expectCountersAgree(port);
  });

  it('20 racing retries with one Idempotency-Key for the last place of a slot all get the one booking, not "full"', async () => {
    // A twin that loses the race for the key meets a full slot, or its statement finds the key taken and is undone:
    // either way it answers with the first one's answer, read from the key.
    const port = 'YINGJIANG';
    const firm = await createFirm(api, 'Last Place Freight', 0);
    const [crew] = await crews(api, firm, 1);
    const [slot] = await slotsOf(api, port, date);
    await api.ds.query('UPDATE slots SET capacity = booked + 1 WHERE id = $1', [slot.id]);
    const [before] = await slotBooked([slot.id]);
    const key = `last-${randomBytes(4).toString('hex')}`;

    const answers = await Promise.all(Array.from({ length: 20 }, () => book(firm, slot.id, crew, key)));

    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(201));
    for (const r of answers) expect(r.body).toEqual(answers[0].body);
    expect(await slotBooked([slot.id])).toEqual([before + 1]);
    await expectCountersAgree(port);
  });

  it('cancel racing a reschedule of the same booking always ends consistent', async () => {
    const port = 'HOUQIAO';
    const firm = await createFirm(api, 'Houqiao Transport', 0);
    const fleet = await crews(api, firm, 20);
    const [a, b] = (await slotsOf(api, port, date)).map((s) => s.id);

    for (const [round, crew] of fleet.entries()) {
      const { body } = await book(firm, a, crew).expect(201);
      // Alternate which request is sent first, so both orders get exercised.
      const [stop, move] =
        round % 2
          ? await Promise.all([cancel(firm, body.id), reschedule(firm, body.id, b)])
          : await Promise.all([reschedule(firm, body.id, b), cancel(firm, body.id)]).then(([m, c]) => [c, m]);

      expect([stop.status, move.status].filter((s) => s >= 500)).toEqual([]);
      // At least one of them wins; a loser is a contract 409, never anything else.
      expect(stop.status === 200 || move.status === 200).toBe(true);
      expect(strays([stop], 200, ['illegal_transition'])).toEqual([]);
      expect(strays([move], 200, ['illegal_transition'])).toEqual([]);

      const [row] = await api.ds.query('SELECT status, slot_id FROM bookings WHERE id = $1', [body.id]);
      if (stop.status === 200) {
        // Cancelled, in whichever slot it was when the cancel ran, and that place is free again.
        expect(row).toEqual({ status: 'cancelled', slot_id: move.status === 200 ? b : a });
        expect(await slotBooked([a, b])).toEqual([0, 0]);
      } else {
        expect(row).toEqual({ status: 'booked', slot_id: b });
        expect(await slotBooked([a, b])).toEqual([0, 1]);
        await cancel(firm, body.id).expect(200);
      }
      await expectCountersAgree(port);
    }
  });

  it('reschedules crossing between two slots in both directions at once never fail or drift', async () => {
    const port = 'DALUO';
    await putSchedule(api, port, { capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    const firms = await Promise.all([createFirm(api, 'Daluo Trucking', 0), createFirm(api, 'Shan State Carriers', 0)]);
    const fleets = await Promise.all(firms.map((f) => crews(api, f, 20)));
    const [a, b] = (await slotsOf(api, port, date)).map((s) => s.id);
    // Each firm puts ten trucks in A and ten in B: 20 + 20 in slots of 40, so every move fits whatever the order.
    const bookings = await Promise.all(
      firms.flatMap((f, k) =>
        fleets[k].map(async (crew, i) => {
          const slotId = i % 2 ? b : a;
          const res = await book(f, slotId, crew).expect(201);
          return { firm: f, id: res.body.id as string, slotId };
        }),
      ),
    );

    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(bookings.map((x) => reschedule(x.firm, x.id, x.slotId === a ? b : a)));
      expect(answers.filter((r) => r.status !== 200).map((r) => ({ status: r.status, body: r.body }))).toEqual([]);
      for (const x of bookings) x.slotId = x.slotId === a ? b : a;

      const rows = await api.ds.query<{ id: string; slot_id: string }[]>(
        'SELECT id, slot_id FROM bookings WHERE id = ANY($1::uuid[]) ORDER BY id',
        [bookings.map((x) => x.id)],
      );
      expect(rows).toEqual(
        bookings.map((x) => ({ id: x.id, slot_id: x.slotId })).sort((p, q) => p.id.localeCompare(q.id)),
      );
      expect(await slotBooked([a, b])).toEqual([20, 20]);
      await expectCountersAgree(port);
    }
  });

  it('30 simultaneous first listings of a date create each slot once and all see the same ids', async () => {
    const port = 'NANSAN';
    const day = portDate(4);
    const [{ n }] = await api.ds.query('SELECT count(*)::int AS n FROM slots WHERE port_code = $1', [port]);
    expect(n).toBe(0);

    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        api.http.get(`${API}/ports/${port}/slots`).query({ date: day, direction: 'export' }),
      ),
    );

    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(200));
    const ids = answers.map((r) => (r.body as { id: string }[]).map((s) => s.id));
    expect(ids[0].length).toBeGreaterThan(0);
    for (const list of ids) expect(list).toEqual(ids[0]);
    const dupes = await api.ds.query(
      `SELECT direction, starts_at, count(*)::int AS n FROM slots WHERE port_code = $1
       GROUP BY direction, starts_at HAVING count(*) > 1`,
      [port],
    );
    expect(dupes).toEqual([]);
    const perDirection = await api.ds.query(
      'SELECT direction, count(*)::int AS n FROM slots WHERE port_code = $1 GROUP BY direction ORDER BY direction',
      [port],
    );
    expect(perDirection).toEqual([
      { direction: 'export', n: ids[0].length },
      { direction: 'import', n: ids[0].length },
    ]);
    await expectCountersAgree(port);
  });

  it('two processes migrating one empty database at once apply each migration exactly once', async () => {
    // The kouan_t_ prefix lets global setup sweep it up if this run is interrupted.
    const name = `kouan_t_mig_${randomBytes(5).toString('hex')}`;
    const expected = readdirSync(join(__dirname, '..', '..', 'migrations')).filter((f) => /\.ts$/.test(f)).length;
    expect(expected).toBeGreaterThan(0);
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    try {
      const applied = await Promise.all([runMigrations(dbUrl(name)), runMigrations(dbUrl(name))]);
      // The advisory lock makes one process do all the work and the other find nothing pending.
      expect(applied.map((a) => a.length).sort()).toEqual([0, expected]);
      const db = new Client({ connectionString: dbUrl(name) });
      await db.connect();
      const counts = await (async () => {
        try {
          const { rows } = await db.query<{ name: string; n: number }>(
            'SELECT name, count(*)::int AS n FROM migrations GROUP BY name ORDER BY name',
          );
          const tables = await db.query(`SELECT to_regclass('public.bookings') IS NOT NULL AS ok`);
          return { rows, schema: tables.rows[0].ok as boolean };
        } finally {
          await db.end();
        }
      })();
      expect(counts.rows.map((r) => r.name).sort()).toEqual([...applied[0], ...applied[1]].sort());
      expect(counts.rows.every((r) => r.n === 1)).toBe(true);
      expect(counts.schema).toBe(true);
    } finally {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
});
