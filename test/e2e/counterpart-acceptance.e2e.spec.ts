import { API, bearer, counterpartToken, putSchedule, slotsOf, startApi, TestApi } from '../support/harness';
import { portTime, TestClock } from '../support/test-clock';

const PORT = 'MOHAN';
const DAY = '2026-12-08';

/**
 * The far side of the border (issue 20): its officer states its status and how many of our export trucks it takes per
 * window; GET /ports/:code shows both, and the export slots of the date take their share of the acceptance.
 */
describe('counterpart acceptance and status (real Postgres and Redis)', () => {
  const clock = new TestClock();
  let api: TestApi;
  let officer: string;

  beforeAll(async () => {
    clock.set(portTime('2026-12-07', '09:00:00'));
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, { capacity: { export: 10, import: 10 }, firmQuotaPercent: 100 });
    officer = await counterpartToken(api, PORT);
  });
  afterAll(() => api.close());

  const detail = async () => (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.counterpart;

  it('GET /ports/:code names the far side, open, with no acceptance, until it says otherwise', async () => {
    expect(await detail()).toEqual({
      name: 'Boten Road',
      status: 'open',
      reason: null,
      reasons: {},
      until: null,
      acceptance: null,
    });
  });

  it('a status is stored and shown, in several languages, and reads as open once its until has passed', async () => {
    const res = await api.http
      .post(`${API}/ports/${PORT}/counterpart/status`)
      .set(bearer(officer))
      .send({
        status: 'closed',
        reason: 'customs system down',
        reasons: { lo: 'ລະບົບພາສີຂັດຂ້ອງ', zh: '海关系统故障' },
        until: '2026-12-07T14:00:00+08:00',
      })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Boten Road', status: 'closed', until: '2026-12-07T14:00:00+08:00' });
    expect(await detail()).toMatchObject({
      status: 'closed',
      reason: 'customs system down',
      reasons: { lo: 'ລະບົບພາສີຂັດຂ້ອງ', zh: '海关系统故障' },
      until: '2026-12-07T14:00:00+08:00',
    });
    const [event] = await api.ds.query(
      `SELECT type, direction, data, actor FROM port_events WHERE type = 'counterpart.status' ORDER BY seq DESC LIMIT 1`,
    );
    expect(event).toMatchObject({ direction: 'export', data: { status: 'closed', reason: 'customs system down' } });
    clock.set(portTime('2026-12-07', '14:00:00'));
    expect(await detail()).toMatchObject({ status: 'open', reason: null, until: null });
    clock.set(portTime('2026-12-07', '09:00:00'));
  });

  it("acceptance spreads a window's trucks over its export slots, the remainder to the earliest", async () => {
    const res = await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: DAY, windows: [{ from: '08:00', to: '12:00', trucks: 10 }], reason: 'inspection staff short' })
      .expect(200);
    expect(res.body.acceptance).toMatchObject({
      date: DAY,
      windows: [{ from: '08:00', to: '12:00', trucks: 10 }],
      reason: 'inspection staff short',
    });
    const caps = (await slotsOf(api, PORT, DAY)).map((s) => s.capacity);
    // 08, 09, 10, 11 share 10: 3, 3, 2, 2; the slots after noon keep the schedule's 10.
    expect(caps.slice(0, 5)).toEqual([3, 3, 2, 2, 10]);
    const imports = (await slotsOf(api, PORT, DAY, 'import')).map((s) => s.capacity);
    expect(new Set(imports)).toEqual(new Set([10]));
    expect((await detail()).acceptance.date).toBe(DAY);
  });

  it('a later rise reopens places (up to the schedule), and a schedule change keeps within the acceptance', async () => {
    await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(api.adminToken))
      .send({ date: DAY, windows: [{ from: '08:00', to: '10:00', trucks: 100 }] })
      .expect(200);
    expect((await slotsOf(api, PORT, DAY)).map((s) => s.capacity).slice(0, 3)).toEqual([10, 10, 10]);
    await api.http
      .put(`${API}/ports/${PORT}/counterpart/acceptance`)
      .set(bearer(officer))
      .send({ date: DAY, windows: [{ from: '08:00', to: '10:00', trucks: 5 }] })
      .expect(200);
    await putSchedule(api, PORT, { capacity: { export: 12, import: 12 }, firmQuotaPercent: 100 });
    expect((await slotsOf(api, PORT, DAY)).map((s) => s.capacity).slice(0, 3)).toEqual([3, 2, 12]);
  });

  it('bad input is a clear 4xx: overlapping windows, past or far dates, a past until, unknown languages', async () => {
    const put = (body: object) =>
      api.http.put(`${API}/ports/${PORT}/counterpart/acceptance`).set(bearer(officer)).send(body);
    const overlap = await put({
      date: DAY,
      windows: [
        { from: '08:00', to: '12:00', trucks: 5 },
        { from: '11:00', to: '13:00', trucks: 5 },
      ],
    });
    expect([overlap.status, overlap.body.code]).toEqual([422, 'invalid_acceptance']);
    const reversed = await put({ date: DAY, windows: [{ from: '12:00', to: '08:00', trucks: 5 }] });
    expect([reversed.status, reversed.body.code]).toEqual([422, 'invalid_acceptance']);
    for (const date of ['2026-12-06', '2026-12-30']) {
      const res = await put({ date, windows: [] });
      expect([date, res.status, res.body.code]).toEqual([date, 422, 'date_out_of_range']);
    }
    for (const body of [
      { date: '2026-02-30', windows: [] },
      { date: DAY, windows: [{ from: '8:00', to: '12:00', trucks: 5 }] },
      { date: DAY, windows: [{ from: '08:00', to: '12:00', trucks: -1 }] },
      { date: DAY, windows: [{ from: '08:00', to: '12:00', trucks: 1.5 }] },
      { date: DAY },
    ]) {
      expect((await put(body)).status).toBe(400);
    }
    const status = (body: object) =>
      api.http.post(`${API}/ports/${PORT}/counterpart/status`).set(bearer(officer)).send(body);
    for (const body of [
      { status: 'shut', reason: 'x' },
      { status: 'closed' },
      { status: 'closed', reason: 'x', reasons: { fr: 'fermé' } },
      { status: 'closed', reason: 'x', until: '2026-12-07T14:00:00' },
      { status: 'closed', reason: 'x', until: '2026-12-07T08:00:00+08:00' },
    ]) {
      const res = await status(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });

  it('a port admin makes counterpart officers of one port; their email is theirs alone', async () => {
    const email = 'boten-officer@far.example';
    const made = await api.http
      .post(`${API}/ports/${PORT}/counterpart/users`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'counterpart-password' })
      .expect(201);
    expect(made.body).toMatchObject({ role: 'counterpart', portCode: PORT });
    const login = await api.http
      .post(`${API}/auth/login`)
      .send({ email, password: 'counterpart-password' })
      .expect(200);
    expect(login.body.role).toBe('counterpart');
    await api.http
      .post(`${API}/ports/${PORT}/counterpart/users`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'counterpart-password' })
      .expect(409);
    await api.http
      .post(`${API}/ports/NOWHERE/counterpart/users`)
      .set(bearer(api.adminToken))
      .send({ email: 'x@far.example', password: 'counterpart-password' })
      .expect(404);
  });
});
