import { randomBytes } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  counterpartToken,
  createFirm,
  laneOf,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';
import { portTime, TestClock } from '../support/test-clock';

const PORT = 'MOHAN';
const DAY = '2026-12-07';
const CLOSED = {
  status: 'closed',
  reason: 'customs system down',
  reasons: { lo: 'ລະບົບພາສີຂັດຂ້ອງ', zh: '海关系统故障' },
  until: '2026-12-07T14:00:00+08:00',
};

/**
 * A closed far side and incidents (issue 20, items 3 and 6): while the far side is closed, export calls are refused
 * (import ones go on), staff may force one (audited); an open closure incident refuses both until it is closed; both
 * reach the board, drivers, firms and staff live.
 */
describe('a closed far side and incidents stop calls (real Postgres, Redis and HTTP)', () => {
  const clock = new TestClock();
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let officer: string;
  let exportLane: string;
  let importLane: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    clock.set(portTime(DAY, '10:30:00'));
    // The tokens outlive the clock's jump past the far side's until (14:00).
    api = await startApi({ JWT_TTL_SECONDS: '43200' }, { clock });
    await api.worker();
    firm = await createFirm(api, 'Border Freight', 1);
    staff = await portStaffToken(api, PORT);
    officer = await counterpartToken(api, PORT);
    exportLane = await laneOf(api, PORT, 'export');
    importLane = await laneOf(api, PORT, 'import');
    await putSchedule(api, PORT, { capacity: { export: 400, import: 400 }, firmQuotaPercent: 100 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  /** A truck booked into the slot of now and checked in: it waits in the `direction` queue. Its booking id. */
  async function queued(direction: 'export' | 'import'): Promise<string> {
    const plate = `云K${randomBytes(3).toString('hex').toUpperCase()}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const at = clock.now().getTime();
    const slot = (await slotsOf(api, PORT, DAY, direction)).find(
      (s) => Date.parse(s.startsAt) <= at && at < Date.parse(s.endsAt),
    )!;
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
    return b.body.id as string;
  }
  const call = (lane: string, body: object = {}) =>
    api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).send(body);
  const setStatus = (body: object) =>
    api.http.post(`${API}/ports/${PORT}/counterpart/status`).set(bearer(officer)).send(body).expect(200);
  const detail = async () => (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body;
  const relayed = () =>
    until(
      'every port event relayed and chained into the audit trail',
      async () => {
        const [{ behind }] = await api.ds.query(
          `SELECT (SELECT count(*) FROM port_events WHERE relayed_at IS NULL) + (SELECT count(*) FROM audit_pending) AS behind`,
        );
        return Number(behind) === 0;
      },
      20_000,
    );

  it('closed: export call-next is 409 counterpart_closed saying why, import calls go on; GET /ports/:code shows it', async () => {
    await setStatus(CLOSED);
    expect((await detail()).counterpart).toMatchObject({ status: 'closed', until: CLOSED.until });
    const exported = await queued('export');
    await queued('import');
    const refused = await call(exportLane).expect(409);
    expect(refused.body).toMatchObject({
      code: 'counterpart_closed',
      message: 'Boten Road side closed until 14:00: customs system down',
    });
    expect((await call(importLane).expect(200)).body.bookingId).toEqual(expect.any(String));
    // Refused, nothing moved: the truck still waits first in line.
    const q = (await api.http.get(`${API}/ports/${PORT}/queue`).query({ direction: 'export' }).expect(200)).body;
    expect(q.entries).toHaveLength(1);
    const forced = await call(exportLane, { force: true }).expect(200);
    expect(forced.body.bookingId).toBe(exported);
    const [event] = await api.ds.query(`SELECT data, actor FROM port_events WHERE type = 'call.forced'`);
    expect(event).toMatchObject({
      data: { bookingId: exported, past: [{ code: 'counterpart_closed', reason: 'customs system down' }] },
      actor: { role: 'port_staff' },
    });
    await relayed();
    const audited = await api.ds.query(`SELECT data FROM audit_log WHERE type = 'call.forced'`);
    expect(audited).toEqual([{ data: expect.objectContaining({ bookingId: exported }) }]);
  });

  it('bad bodies for call-next are 400, not a call', async () => {
    for (const body of [{ force: 'yes' }, { force: 1 }, { other: true }]) {
      const res = await call(exportLane, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
  });

  it('past its until the far side reads as open and export calls go on', async () => {
    const next = await queued('export');
    await call(exportLane).expect(409);
    clock.set(portTime(DAY, '14:00:00'));
    expect((await detail()).counterpart).toMatchObject({ status: 'open', until: null });
    expect((await call(exportLane).expect(200)).body.bookingId).toBe(next);
  });

  it('the board, a driver, a firm and staff hear the closure live, with its reason in each language', async () => {
    const board = await connectLive(api.url, clients);
    expect(await board.emitWithAck('subscribe', { port: PORT, direction: 'import' })).toMatchObject({ ok: true });
    const booking = await queued('export');
    const driver = await connectLive(api.url, clients, {
      token: api.tokens.sign({ sub: booking, role: 'driver', firmId: firm.id, portCode: PORT }),
    });
    await driver.waitFor('booking:update');
    const dashboard = await connectLive(api.url, clients, { token: firm.dispatcherToken });
    const console = await connectLive(api.url, clients, { token: staff });
    await setStatus({ ...CLOSED, until: '2026-12-07T18:00:00+08:00' });
    for (const client of [board, driver, dashboard, console]) {
      const u = await client.waitFor('counterpart:update', (d) => d.status === 'closed');
      expect(u).toEqual({
        port: PORT,
        status: 'closed',
        reason: CLOSED.reason,
        reasons: CLOSED.reasons,
        until: '2026-12-07T18:00:00+08:00',
      });
    }
    await setStatus({ status: 'open', reason: 'system back' });
    await board.waitFor('counterpart:update', (d) => d.status === 'open');
    await call(exportLane).expect(200);
  });

  it('an open closure incident refuses export and import calls; closing it restores them; other kinds are shown only', async () => {
    const board = await connectLive(api.url, clients);
    expect(await board.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toMatchObject({ ok: true });
    const exported = await queued('export');
    const imported = await queued('import');
    const weather = await api.http
      .post(`${API}/ports/${PORT}/incidents`)
      .set(bearer(staff))
      .send({ kind: 'weather', message: 'heavy rain' })
      .expect(201);
    expect(weather.body).toEqual({
      id: expect.any(String),
      kind: 'weather',
      message: 'heavy rain',
      until: null,
      openedAt: '2026-12-07T14:00:00+08:00',
    });
    // A second later: incidents are listed oldest first, and at one instant their order would be their ids'.
    clock.set(clock.now().getTime() + 1000);
    const opened = await api.http
      .post(`${API}/ports/${PORT}/incidents`)
      .set(bearer(staff))
      .send({ kind: 'closure', message: 'landslide on the access road', until: '2026-12-07T20:00:00+08:00' })
      .expect(201);
    const id = opened.body.id as string;
    expect(await board.waitFor('incident:update', (d) => d.id === id)).toEqual({
      port: PORT,
      id,
      open: true,
      kind: 'closure',
      message: 'landslide on the access road',
      until: '2026-12-07T20:00:00+08:00',
    });
    for (const lane of [exportLane, importLane]) {
      const res = await call(lane).expect(409);
      expect(res.body).toMatchObject({
        code: 'port_incident',
        message: 'the port is closed by an incident until 20:00: landslide on the access road',
      });
    }
    expect((await detail()).incidents.map((i: { kind: string }) => i.kind)).toEqual(['weather', 'closure']);
    for (const token of [staff, officer, api.adminToken]) {
      const list = await api.http.get(`${API}/ports/${PORT}/incidents`).set(bearer(token)).expect(200);
      expect(list.body.map((i: { id: string }) => i.id)).toEqual([weather.body.id, id]);
    }
    const closed = await api.http.post(`${API}/ports/${PORT}/incidents/${id}/close`).set(bearer(staff)).expect(200);
    expect(closed.body).toMatchObject({ id, kind: 'closure' });
    expect(await board.waitFor('incident:update', (d) => d.id === id && d.open === false)).toEqual({
      port: PORT,
      id,
      open: false,
      kind: null,
      message: null,
      until: null,
    });
    expect((await call(exportLane).expect(200)).body.bookingId).toBe(exported);
    expect((await call(importLane).expect(200)).body.bookingId).toBe(imported);
    await api.http.post(`${API}/ports/${PORT}/incidents/${id}/close`).set(bearer(staff)).expect(404);
    const events = await api.ds.query(`SELECT type, data FROM port_events WHERE type LIKE 'incident.%' ORDER BY seq`);
    expect(events).toEqual([
      { type: 'incident.opened', data: { id: weather.body.id, kind: 'weather', message: 'heavy rain', until: null } },
      {
        type: 'incident.opened',
        data: { id, kind: 'closure', message: 'landslide on the access road', until: '2026-12-07T20:00:00+08:00' },
      },
      { type: 'incident.closed', data: { id } },
    ]);
    await relayed();
    const audited = await api.ds.query(`SELECT type FROM audit_log WHERE type LIKE 'incident.%' ORDER BY seq`);
    expect(audited.map((r: { type: string }) => r.type)).toEqual([
      'incident.opened',
      'incident.opened',
      'incident.closed',
    ]);
  });

  it('bad input is 4xx; only the port staff and admins open incidents (a counterpart is 403, another port 404)', async () => {
    const open = (token: string, body: object, port = PORT) =>
      api.http.post(`${API}/ports/${port}/incidents`).set(bearer(token)).send(body);
    for (const body of [
      {},
      { kind: 'alien', message: 'x' },
      { kind: 'closure', message: '' },
      { kind: 'closure', message: 'x'.repeat(501) },
      { kind: 'closure', message: 'x', until: 'tomorrow' },
      { kind: 'closure', message: 'x', until: '2026-12-07T20:00:00' },
      { kind: 'closure', message: 'x', until: '2026-12-07T08:00:00+08:00' },
    ]) {
      const res = await open(staff, body);
      expect([JSON.stringify(body).slice(0, 60), res.status]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
    }
    await open(officer, { kind: 'closure', message: 'x' }).expect(403);
    await open(firm.dispatcherToken, { kind: 'closure', message: 'x' }).expect(403);
    await open(staff, { kind: 'closure', message: 'x' }, 'HEKOU').expect(404);
    await api.http.get(`${API}/ports/${PORT}/incidents`).set(bearer(firm.dispatcherToken)).expect(403);
    await api.http.get(`${API}/ports/${PORT}/incidents`).expect(401);
    await api.http.post(`${API}/ports/${PORT}/incidents/not-a-uuid/close`).set(bearer(staff)).expect(400);
    await api.http
      .post(`${API}/ports/${PORT}/incidents/00000000-0000-4000-8000-000000000000/close`)
      .set(bearer(staff))
      .expect(404);
  });

  it('a closure racing 200 simultaneous calls: every call that went through committed before it, every later one is refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => queued('export')))));
    const [{ seq: before }] = await api.ds.query(`SELECT COALESCE(max(seq), 0)::text AS seq FROM port_events`);
    // More calls than trucks: those judged before the closure call one each or find the queue empty (404).
    const calls = Array.from({ length: 200 }, () => call(exportLane));
    const closing = setStatus({ status: 'closed', reason: 'gate jammed' });
    const answers = await Promise.all([...calls, closing]);
    const statuses = answers.slice(0, 200).map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 404 && s !== 409)).toEqual([]);
    const called = statuses.filter((s) => s === 200).length;
    // No call moved the queue after the closure's event, and each call that answered 200 moved it once before.
    const rows = (await api.ds.query(
      `SELECT type FROM port_events WHERE seq > $1 AND type IN ('queue.changed', 'counterpart.status') ORDER BY seq`,
      [before],
    )) as Array<{ type: string }>;
    expect(rows.map((r) => r.type)).toEqual([...Array(called).fill('queue.changed'), 'counterpart.status']);
    const [{ waiting }] = await api.ds.query(
      `SELECT count(*)::int AS waiting FROM bookings WHERE id = ANY($1::uuid[]) AND status = 'checked_in'`,
      [ids],
    );
    expect(waiting).toBe(ids.length - called);
    await setStatus({ status: 'open', reason: 'fixed' });
  }, 120_000);
});
