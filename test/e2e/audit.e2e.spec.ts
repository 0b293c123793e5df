import { Client } from 'pg';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  regulatorToken,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';

/** A small seeded generator, so a failing day can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface Row {
  seq: number;
  type: string;
  actor: { id: string; role: string } | null;
  bookingId: string | null;
  portCode: string | null;
  data: Record<string, unknown>;
}

/**
 * The audit trail after a busy randomised day at one port: every booking event and staff action is in it once,
 * with who did it and the state before; the chain verifies; and an edited, removed or reordered row, made by a
 * superuser with the append-only trigger switched off, is named by GET /audit/verify. The API and its workers run
 * from 10:00 port time: the day's trucks book the slot holding now and check in; "today" is the clock's.
 */
describe('audit trail', () => {
  const clock = portDayClock();
  const PORT = 'MOHAN';
  const SEED = Number(process.env.AUDIT_SEED ?? 20261130);
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let regulator: string;
  let staffId: string;
  let yard: string;
  let all: Row[];

  const verify = async (token = regulator) =>
    (await api.http.get(`${API}/audit/verify`).set(bearer(token)).expect(200)).body;
  /** Verify from an anchor an auditor kept: an earlier verify's headSeq and headHash. */
  const verifyFrom = async (fromSeq: number, fromHash: string) =>
    (await api.http.get(`${API}/audit/verify`).query({ fromSeq, fromHash }).set(bearer(regulator)).expect(200)).body;

  beforeAll(async () => {
    // The API and the worker log in as the app's role, not as the tables' owner: the whole day runs on its grants.
    api = await startApi({}, { appRole: true, clock });
    await api.worker();
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Busy Day Logistics', 24);
    staff = await portStaffToken(api, PORT);
    staffId = api.tokens.verify(staff)!.sub;
    yard = await portStaffToken(api, PORT, 'yard_staff');
    regulator = await regulatorToken(api);

    const rnd = prng(SEED);
    const slot = (await slotAt(api, PORT)).id;
    const lane = await laneOf(api, PORT);
    const booked: Array<{ id: string; reference: string }> = [];
    for (let i = 0; i < firm.vehicleIds.length; i++) {
      const b = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
        .expect(201);
      booked.push({ id: b.body.id, reference: b.body.reference });
    }
    // A day: some cancel, the rest arrive in a random order, file papers, get called, and leave one way or another,
    // while staff pause and open the lane, and the port changes its fees and schedule.
    for (const b of booked.sort(() => rnd() - 0.5)) {
      const r = rnd();
      if (r < 0.15) {
        await api.http.post(`${API}/bookings/${b.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
        continue;
      }
      if (r < 0.4) {
        await api.http
          .put(`${API}/bookings/${b.id}/declaration`)
          .set(bearer(firm.dispatcherToken))
          .send({ declarationNo: `D-${b.reference}` })
          .expect(200);
        await api.http
          .post(`${API}/bookings/${b.id}/declaration/status`)
          .set(bearer(staff))
          .send({ status: rnd() < 0.8 ? 'accepted' : 'inspection' })
          .expect(200);
      }
      await api.http
        .post(`${API}/ports/${PORT}/check-ins`)
        .set(bearer(staff))
        .send({ reference: b.reference })
        .expect(201);
      if (rnd() < 0.2) {
        await api.http
          .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
          .set(bearer(staff))
          .send({ status: 'paused' })
          .expect(200);
        await api.http
          .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
          .set(bearer(staff))
          .send({ status: 'open' })
          .expect(200);
      }
    }
    for (let calls = 0; calls < 30; calls++) {
      const called = await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff));
      if (called.status === 404) break;
      expect(called.status).toBe(200);
      const r = rnd();
      const outcome = r < 0.35 ? 'yard-arrival' : r < 0.7 ? 'complete' : r < 0.85 ? 'skip' : 'no-show';
      await api.http
        .post(`${API}/bookings/${called.body.bookingId}/${outcome}`)
        .set(bearer(outcome === 'yard-arrival' ? yard : staff))
        .expect(200);
      if (outcome === 'no-show' && rnd() < 0.5) {
        await api.http
          .post(`${API}/bookings/${called.body.bookingId}/waive`)
          .set(bearer(staff))
          .send({ reason: 'lane camera fault' })
          .expect(200);
      }
    }
    await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({
        effectiveFrom: new Date(clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10),
        currency: 'CNY',
        items: [
          {
            code: 'inspection',
            name: { zh: '查验费', en: 'Inspection', lo: 'ຄ່າກວດກາ' },
            amount: 120,
            unit: 'per_truck',
          },
        ],
      })
      .expect(201);
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 45, import: 40 },
      firmQuotaPercent: 100,
    });

    // Everything relayed and chained.
    await until(
      'the audit trail has caught up',
      async () => {
        const [{ behind }] = await api.ds.query(
          `SELECT (SELECT count(*) FROM booking_events WHERE relayed_at IS NULL) + (SELECT count(*) FROM audit_pending)
                  + (SELECT count(*) FROM port_events WHERE relayed_at IS NULL) AS behind`,
        );
        return Number(behind) === 0;
      },
      30_000,
    );
    all = [];
    for (let offset = 0; ; offset += 500) {
      const page = (await api.http.get(`${API}/audit`).query({ limit: 500, offset }).set(bearer(regulator)).expect(200))
        .body as Row[];
      all.push(...page);
      if (page.length < 500) break;
    }
  });

  afterAll(async () => {
    await api.close();
  });

  it('holds every booking event once, in its order per booking, with its actor and the status before', async () => {
    const outbox = (await api.ds.query(`SELECT booking_id, type FROM booking_events ORDER BY seq`)) as Array<{
      booking_id: string;
      type: string;
    }>;
    // A declaration's event is audited by the change's own entry (declaration.filed / status), not copied again.
    const events = outbox.filter((e) => e.type !== 'booking.declaration_updated');
    const declared = outbox.filter((e) => e.type === 'booking.declaration_updated').map((e) => e.booking_id);
    expect(declared.length).toBeGreaterThan(0);
    expect(
      all
        .filter((r) => r.type.startsWith('declaration.'))
        .map((r) => r.bookingId)
        .sort(),
    ).toEqual(declared.sort());
    const audited = all.filter((r) => r.bookingId && r.type.startsWith('booking.'));
    expect(audited.map((r) => `${r.bookingId} ${r.type}`).sort()).toEqual(
      events.map((e) => `${e.booking_id} ${e.type}`).sort(),
    );
    // Per booking, the trail tells the story in the order it happened.
    for (const id of new Set(events.map((e) => e.booking_id))) {
      expect(audited.filter((r) => r.bookingId === id).map((r) => r.type)).toEqual(
        events.filter((e) => e.booking_id === id).map((e) => e.type),
      );
    }
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));

    const created = audited.filter((r) => r.type === 'booking.created');
    expect(created.length).toBe(firm.vehicleIds.length);
    for (const r of created)
      expect(r.actor).toEqual({ id: api.tokens.verify(firm.dispatcherToken)!.sub, role: 'dispatcher', firm: firm.id });
    for (const r of audited.filter((x) =>
      ['booking.checked_in', 'booking.called', 'booking.waived'].includes(x.type),
    )) {
      expect(r.actor).toEqual({ id: staffId, role: 'port_staff', port: PORT });
    }
    const yardActor = { id: api.tokens.verify(yard)!.sub, role: 'yard_staff', port: PORT };
    const arrivals = audited.filter((x) => x.type === 'booking.yard_arrived');
    expect(arrivals.length).toBeGreaterThan(0);
    for (const r of arrivals) expect(r.actor).toEqual(yardActor);
    // The yard's confirmation of a called truck completes it: that completion is the yard's, not the lane's.
    for (const r of audited.filter((x) => x.type === 'booking.completed')) {
      expect([staffId, yardActor.id]).toContain(r.actor!.id);
    }
    for (const r of audited.filter((x) => x.type === 'booking.called'))
      expect(r.data).toMatchObject({ before: 'checked_in', status: 'called' });
    for (const r of audited.filter((x) => x.type === 'booking.completed'))
      expect(r.data).toMatchObject({ before: 'called', status: 'completed' });
    for (const r of audited.filter((x) => x.type === 'booking.cancelled'))
      expect(r.data).toMatchObject({ before: 'booked', status: 'cancelled' });
    expect(audited.some((r) => r.type === 'booking.no_show')).toBe(true);
  });

  it('holds the staff actions: who, what, before and after', async () => {
    const lanes = all.filter((r) => r.type === 'lane.status');
    expect(lanes.length).toBeGreaterThan(0);
    expect(lanes.length % 2).toBe(0);
    for (const [i, r] of lanes.entries()) {
      expect(r.actor).toEqual({ id: staffId, role: 'port_staff', port: PORT });
      expect(r.data).toMatchObject(
        i % 2 === 0 ? { before: 'open', status: 'paused' } : { before: 'paused', status: 'open' },
      );
    }
    const answers = all.filter((r) => r.type === 'declaration.status');
    expect(answers.length).toBe(all.filter((r) => r.type === 'declaration.filed').length);
    for (const r of answers) expect(r.data).toMatchObject({ before: 'submitted' });
    const fees = all.filter((r) => r.type === 'fees.published');
    expect(fees).toHaveLength(1);
    expect(fees[0]).toMatchObject({
      portCode: PORT,
      actor: { role: 'port_admin' },
      data: { version: 1, currency: 'CNY' },
    });
    const schedules = all.filter((r) => r.type === 'schedule.updated' && r.portCode === PORT);
    expect(schedules.at(-1)!.data).toMatchObject({
      before: { capacity: { export: 40 } },
      after: { capacity: { export: 45 } },
    });
    expect(all.some((r) => r.type === 'user.created' && r.data.role === 'port_staff' && r.data.portCode === PORT)).toBe(
      true,
    );
    expect(all.some((r) => r.type === 'user.created' && r.data.role === 'regulator')).toBe(true);
    expect(all.filter((r) => r.type === 'firm.created')).toEqual([
      expect.objectContaining({
        portCode: null,
        actor: expect.objectContaining({ role: 'port_admin' }),
        data: expect.objectContaining({ id: firm.id, name: 'Busy Day Logistics' }),
      }),
    ]);
  });

  it('filters by port and day', async () => {
    const mohan = (
      await api.http.get(`${API}/audit`).query({ port: PORT, limit: 500 }).set(bearer(api.adminToken)).expect(200)
    ).body as Row[];
    expect(mohan.length).toBeGreaterThan(0);
    expect(mohan.every((r) => r.portCode === PORT)).toBe(true);
    const today = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(clock.now().getTime() + 32 * 3600_000).toISOString().slice(0, 10);
    expect(
      (
        await api.http
          .get(`${API}/audit`)
          .query({ from: today, to: today, limit: 1 })
          .set(bearer(regulator))
          .expect(200)
      ).body,
    ).toHaveLength(1);
    expect(
      (await api.http.get(`${API}/audit`).query({ from: tomorrow }).set(bearer(regulator)).expect(200)).body,
    ).toEqual([]);
    await api.http.get(`${API}/audit`).query({ from: '30-11-2026' }).set(bearer(regulator)).expect(400);
    // Well-formed but not in the calendar: a 400, not the database's error as a 500.
    for (const from of ['2026-02-31', '2026-13-01', '0000-01-01'])
      await api.http.get(`${API}/audit`).query({ from }).set(bearer(regulator)).expect(400);
    await api.http.get(`${API}/audit`).set(bearer(staff)).expect(403);
    await api.http.get(`${API}/audit/verify`).set(bearer(firm.adminToken)).expect(403);
    // An anchor is a place and its hash, both or neither.
    const hash = 'a'.repeat(64);
    for (const query of [
      { fromSeq: 3 },
      { fromHash: hash },
      { fromSeq: 0, fromHash: hash },
      { fromSeq: 'x', fromHash: hash },
      { fromSeq: 1.5, fromHash: hash },
      { fromSeq: 3, fromHash: hash.toUpperCase() },
      { fromSeq: 3, fromHash: 'a'.repeat(63) },
      { fromSeq: '99999999999999999999', fromHash: hash },
    ]) {
      const r = await api.http.get(`${API}/audit/verify`).query(query).set(bearer(regulator));
      expect([JSON.stringify(query), r.status, r.body.error, JSON.stringify(r.body.message)]).toEqual([
        JSON.stringify(query),
        400,
        'Bad Request',
        expect.stringMatching(/from(Seq|Hash)/),
      ]);
    }
  });

  it("the app's role may not UPDATE, DELETE, TRUNCATE or switch the trigger off", async () => {
    expect(
      (
        await api.ds.query(
          'SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su',
        )
      )[0],
    ).toEqual({ u: expect.stringMatching(/^kouan_app_/), su: false });
    await expect(api.ds.query(`UPDATE audit_log SET type = 'x' WHERE seq = 1`)).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(api.ds.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(api.ds.query('TRUNCATE audit_log')).rejects.toThrow(/permission denied for table audit_log/);
    await expect(api.ds.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')).rejects.toThrow(
      /must be owner/,
    );
    await expect(api.ds.query('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
  });

  it("the trigger refuses UPDATE, DELETE and TRUNCATE to the table's owner too", async () => {
    const owner = new Client({ connectionString: api.ownerDbUrl });
    await owner.connect();
    try {
      await expect(owner.query(`UPDATE audit_log SET type = 'x' WHERE seq = 1`)).rejects.toThrow(
        /append-only: UPDATE refused/,
      );
      await expect(owner.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only: DELETE refused/);
      await expect(owner.query('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
    } finally {
      await owner.end();
    }
    expect(await verify()).toEqual({
      ok: true,
      checked: all.length,
      firstBadSeq: null,
      headSeq: all.length,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  describe('a superuser who switches the trigger off', () => {
    let su: Client;
    const k = 7;

    beforeAll(async () => {
      su = new Client({ connectionString: api.ownerDbUrl });
      await su.connect();
      // Triggers do not fire for a session in replica mode: the way round the trigger that only a superuser has.
      await su.query('SET session_replication_role = replica');
    });

    afterAll(async () => {
      await su.end();
    });

    it('edits a row: verify names it, and passes again once the row is put back', async () => {
      const [before] = (await su.query('SELECT data FROM audit_log WHERE seq = $1', [k])).rows;
      await su.query(`UPDATE audit_log SET data = jsonb_set(data, '{status}', '"completed"') WHERE seq = $1`, [k]);
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: k, checked: k });
      await su.query('UPDATE audit_log SET data = $2 WHERE seq = $1', [k, before.data]);
      expect(await verify()).toMatchObject({ ok: true, firstBadSeq: null });
    });

    it('a changed time or actor is found too', async () => {
      await su.query(`UPDATE audit_log SET at = at + interval '1 second' WHERE seq = $1`, [k + 1]);
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: k + 1 });
      await su.query(`UPDATE audit_log SET at = at - interval '1 second' WHERE seq = $1`, [k + 1]);
      const [{ actor }] = (await su.query('SELECT actor FROM audit_log WHERE seq = $1', [k + 2])).rows;
      await su.query(`UPDATE audit_log SET actor = '{"id": "someone-else", "role": "port_admin"}' WHERE seq = $1`, [
        k + 2,
      ]);
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: k + 2 });
      await su.query('UPDATE audit_log SET actor = $2 WHERE seq = $1', [k + 2, actor]);
      expect(await verify()).toMatchObject({ ok: true });
    });

    it('deletes a row: verify names the missing place', async () => {
      const [row] = (await su.query('SELECT * FROM audit_log WHERE seq = $1', [k])).rows;
      await su.query('DELETE FROM audit_log WHERE seq = $1', [k]);
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: k, checked: k });
      await su.query(
        'INSERT INTO audit_log (seq, at, type, actor, port_code, booking_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [row.seq, row.at, row.type, row.actor, row.port_code, row.booking_id, row.data, row.prev_hash, row.hash],
      );
      expect(await verify()).toMatchObject({ ok: true });
    });

    it('from an anchor: checks the anchor and the rows since, and finds them changed or the tail cut off', async () => {
      const head = await verify();
      expect(head.ok).toBe(true);
      const hashAt = async (seq: number) =>
        (await su.query('SELECT hash FROM audit_log WHERE seq = $1', [seq])).rows[0].hash as string;
      const anchor = await hashAt(k);
      expect(await verifyFrom(k, anchor)).toEqual({
        ok: true,
        checked: head.headSeq - k + 1,
        firstBadSeq: null,
        headSeq: head.headSeq,
        headHash: head.headHash,
      });
      expect(await verifyFrom(head.headSeq, head.headHash)).toEqual({
        ok: true,
        checked: 1,
        firstBadSeq: null,
        headSeq: head.headSeq,
        headHash: head.headHash,
      });
      // A place that never held that hash.
      expect(await verifyFrom(k, await hashAt(k + 1))).toMatchObject({ ok: false, checked: 0, firstBadSeq: k });

      // A row after the anchor, and the anchor's own row (its stored hash left as it was), edited.
      await su.query(`UPDATE audit_log SET at = at + interval '1 second' WHERE seq = $1`, [k + 2]);
      expect(await verifyFrom(k, anchor)).toMatchObject({ ok: false, firstBadSeq: k + 2, checked: 3 });
      await su.query(`UPDATE audit_log SET at = at - interval '1 second' WHERE seq = $1`, [k + 2]);
      const [{ type }] = (await su.query('SELECT type FROM audit_log WHERE seq = $1', [k])).rows;
      await su.query(`UPDATE audit_log SET type = 'lane.status' WHERE seq = $1`, [k]);
      expect(await verifyFrom(k, anchor)).toMatchObject({ ok: false, firstBadSeq: k, checked: 1 });
      await su.query('UPDATE audit_log SET type = $2 WHERE seq = $1', [k, type]);
      expect(await verifyFrom(k, anchor)).toMatchObject({ ok: true });

      // The newest row cut off: the chain that is left is whole, so a verify from the start cannot tell; the
      // auditor's anchor at the old head can.
      const [last] = (await su.query('SELECT * FROM audit_log WHERE seq = $1', [head.headSeq])).rows;
      await su.query('DELETE FROM audit_log WHERE seq = $1', [head.headSeq]);
      expect(await verify()).toMatchObject({ ok: true, headSeq: head.headSeq - 1 });
      expect(await verifyFrom(head.headSeq, head.headHash)).toEqual({
        ok: false,
        checked: 0,
        firstBadSeq: head.headSeq,
        headSeq: 0,
        headHash: '0'.repeat(64),
      });
      await su.query(
        'INSERT INTO audit_log (seq, at, type, actor, port_code, booking_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          last.seq,
          last.at,
          last.type,
          last.actor,
          last.port_code,
          last.booking_id,
          last.data,
          last.prev_hash,
          last.hash,
        ],
      );
      expect(await verifyFrom(head.headSeq, head.headHash)).toMatchObject({ ok: true });
    });

    it('reorders two rows: verify names the first', async () => {
      // Row k + 4 takes place k + 3 and the other way round, through a free place (the primary key checks each statement).
      const swap = async () => {
        await su.query('UPDATE audit_log SET seq = -seq WHERE seq = $1', [k + 3]);
        await su.query('UPDATE audit_log SET seq = $1 WHERE seq = $2', [k + 3, k + 4]);
        await su.query('UPDATE audit_log SET seq = $1 WHERE seq = $2', [k + 4, -(k + 3)]);
      };
      await swap();
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: k + 3 });
      await swap();
      expect(await verify()).toMatchObject({ ok: true });
    });
  });

  it('300 simultaneous staff actions with two chainers: each recorded once, one unbroken chain', async () => {
    await api.worker();
    const before = Number((await api.ds.query('SELECT count(*) AS n FROM audit_log'))[0].n);
    const lanes = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes as Array<{ id: string }>;
    const declared = (await api.ds.query(`SELECT id FROM bookings WHERE declaration_status IS NOT NULL`)) as Array<{
      id: string;
    }>;
    expect(declared.length).toBeGreaterThan(0);
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        i % 2
          ? api.http
              .post(`${API}/ports/${PORT}/lanes/${lanes[i % lanes.length].id}/status`)
              .set(bearer(staff))
              .send({ status: i % 4 === 1 ? 'paused' : 'open' })
          : api.http
              .post(`${API}/bookings/${declared[i % declared.length].id}/declaration/status`)
              .set(bearer(staff))
              .send({ status: 'accepted' }),
      ),
    );
    expect(answers.map((a) => a.status).filter((st) => st !== 200)).toEqual([]);
    await until(
      'the 300 are chained',
      async () => Number((await api.ds.query('SELECT count(*) AS n FROM audit_log'))[0].n) >= before + 300,
      30_000,
    );
    const [{ n, max, pending }] = await api.ds.query(
      'SELECT count(*)::int AS n, max(seq)::int AS max, (SELECT count(*)::int FROM audit_pending) AS pending FROM audit_log',
    );
    expect({ n, max, pending }).toEqual({ n: before + 300, max: before + 300, pending: 0 });
    expect(await verify()).toMatchObject({ ok: true, checked: before + 300 });
  });

  it('the regulator reads across ports; port staff do not verify', async () => {
    expect((await api.http.get(`${API}/audit/verify`).set(bearer(staff))).status).toBe(403);
    expect(
      (
        await api.http
          .get(`${API}/ports/HEKOU/kpis`)
          .query({ from: '2026-11-01', to: '2026-11-30' })
          .set(bearer(regulator))
      ).status,
    ).toBe(200);
  });
});
