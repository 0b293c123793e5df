import { DateTime } from 'luxon';
import type { Response } from 'supertest';
import {
  API,
  bearer,
  counterpartToken,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { bookInto, moveBack, settle } from '../support/history';

/**
 * The open data feed, /open/v1 (docs/open-data.md): anonymous, cached, rate-limited, no plate, firm or person; the
 * archive's figures against bookings with known outcomes. Each test sends from its own address (X-Forwarded-For,
 * trusted from loopback) so the per-address limit of one does not reach another.
 */
describe('open data', () => {
  const PORT = 'MOHAN';
  const LIMIT = 20;
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  const plates: string[] = [];
  const clock = portDayClock();
  /** The port's date `n` days from the API's today. */
  const clockDate = (n: number) =>
    DateTime.fromJSDate(clock.now()).setZone('Asia/Shanghai').plus({ days: n }).toISODate() as string;
  const range = { port: PORT, from: clockDate(-4), to: clockDate(-2) };

  const open = (
    path: string,
    address: string,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) =>
    api.http
      .get(`/open/v1/${path}`)
      .query(query)
      .set({ 'X-Forwarded-For': address, ...headers });

  const slotAtHour = async (date: string, hour: string) =>
    (await slotsOf(api, PORT, date)).find((s) => s.startsAt.slice(11, 16) === hour)!.id;

  beforeAll(async () => {
    api = await startApi({ OPEN_THROTTLE_LIMIT: String(LIMIT) }, { clock });
    firm = await createFirm(api, 'Open Data Freight', 13);
    for (const id of firm.vehicleIds)
      plates.push((await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [id]))[0].plate as string);
    staff = await portStaffToken(api, PORT);
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 10, import: 10 }, firmQuotaPercent: 100 });

    // 10:00 three days ago: six booked, one cancelled, five served with waits of 10..50 minutes; each seen at its
    // lane 2 minutes after its call, done 8 minutes after the call, at the yard 20 minutes after the call.
    const ten = await slotAtHour(clockDate(2), '10:00');
    const a = await bookInto(api, firm, ten, 6);
    await api.http.post(`${API}/bookings/${a[5]}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    await moveBack(api, ten, 5);
    for (const [i, wait] of [10, 20, 30, 40, 50].entries())
      await settle(api, a[i], { status: 'completed', checkIn: -5, wait, service: 8, yard: 20 });
    await api.ds.query(`UPDATE bookings SET at_lane_at = called_at + interval '2 minutes' WHERE id = ANY($1)`, [
      a.slice(0, 5),
    ]);

    // 11:00 the same day: four served, so the hour is published without figures.
    const eleven = await slotAtHour(clockDate(2), '11:00');
    const b = await bookInto(api, firm, eleven, 4, 6);
    await moveBack(api, eleven, 5);
    for (const id of b) await settle(api, id, { status: 'completed', checkIn: 0, wait: 5, service: 8 });
  });
  afterAll(() => api.close());

  it('publishes an hour of 5 trucks served with their waits, slot use and stages; an hour of 4 suppressed', async () => {
    const res = await open('waits', '203.0.113.1', range).expect(200);
    const date = clockDate(-3);
    expect(res.body.licence).toEqual({
      name: 'CC BY 4.0',
      url: 'https://creativecommons.org/licenses/by/4.0/',
      attribution: expect.any(String),
    });
    expect(res.body.fields.map((f: { name: string }) => f.name)).toEqual(Object.keys(res.body.items[0]));
    expect(res.body).toMatchObject({ port: PORT, from: range.from, to: range.to });
    expect(res.body.items).toEqual([
      {
        port: PORT,
        date,
        hour: 10,
        startsAt: `${date}T10:00:00+08:00`,
        direction: 'export',
        suppressed: false,
        trucksServed: 5,
        // Waits 10, 20, 30, 40, 50: the median 30; p90 at 0.9 × 4 = 3.6 → 40 + 0.6 × 10 = 46.
        waitP50Minutes: 30,
        waitP90Minutes: 46,
        slotsBooked: 5, // the cancelled place was freed
        slotCapacity: 10,
        slotUse: 0.5,
        callToLaneP50Minutes: 2,
        laneServiceP50Minutes: 6,
        laneToYardP50Minutes: 12,
      },
      {
        port: PORT,
        date,
        hour: 11,
        startsAt: `${date}T11:00:00+08:00`,
        direction: 'export',
        suppressed: true,
        trucksServed: null,
        waitP50Minutes: null,
        waitP90Minutes: null,
        slotsBooked: null,
        slotCapacity: null,
        slotUse: null,
        callToLaneP50Minutes: null,
        laneServiceP50Minutes: null,
        laneToYardP50Minutes: null,
      },
    ]);
    // Every port: the same hours of Mohan among them; a range before them has none.
    const all = await open('waits', '203.0.113.1', { from: range.from, to: range.to }).expect(200);
    expect(all.body.port).toBeNull();
    expect(all.body.items.filter((i: { port: string }) => i.port === PORT)).toEqual(res.body.items);
    const before = await open('waits', '203.0.113.1', { port: PORT, from: clockDate(-30), to: clockDate(-5) });
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([]);
  });

  it('the CSV holds the same hours as the JSON: a header of the field names, null as empty', async () => {
    const json = (await open('waits', '203.0.113.2', range).expect(200)).body;
    const csv = await open('waits.csv', '203.0.113.2', range).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers.link).toBe('<https://creativecommons.org/licenses/by/4.0/>; rel="license"');
    expect(csv.headers['cache-control']).toBe('public, max-age=300');
    const lines = csv.text.split('\r\n');
    expect(lines.pop()).toBe('');
    const names = json.fields.map((f: { name: string }) => f.name);
    expect(lines[0]).toBe(names.join(','));
    expect(lines.slice(1)).toEqual(
      json.items.map((i: Record<string, unknown>) =>
        names.map((n: string) => (i[n] === null ? '' : String(i[n]))).join(','),
      ),
    );
    expect(lines).toHaveLength(3);
  });

  it('every port now: lanes open, trucks waiting and the wait estimate per direction; no plate, firm or person anywhere', async () => {
    const lane = await laneOf(api, PORT);
    await api.http
      .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
      .set(bearer(staff))
      .send({ status: 'open' })
      .expect(200);
    const now = await slotAt(api, PORT);
    const waiting = await bookInto(api, firm, now.id, 2, 10);
    for (const id of waiting) {
      const { reference } = (await api.http.get(`${API}/bookings/${id}`).set(bearer(firm.dispatcherToken)).expect(200))
        .body;
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ reference }).expect(201);
    }

    // With a bad token too: the feed looks at none.
    const res = await open('ports', '203.0.113.3', {}, { Authorization: 'Bearer not-a-token' }).expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.licence.name).toBe('CC BY 4.0');
    expect(Math.abs(Date.parse(res.body.asOf) - clock.now().getTime())).toBeLessThan(60_000);
    const mohan = res.body.ports.find((p: { code: string }) => p.code === PORT);
    expect(mohan).toEqual({
      code: PORT,
      name: expect.any(String),
      mode: 'road',
      counterpart: { name: expect.any(String), status: 'open' },
      directions: {
        // One open lane at the port's default 8 minutes a truck: the third truck is called after 24 minutes.
        export: { lanesOpen: 1, lanes: 1, trucksWaiting: 2, waitMinutes: 24 },
        import: { lanesOpen: expect.any(Number), lanes: 1, trucksWaiting: 0, waitMinutes: expect.anything() },
      },
    });
    const codes = res.body.ports.map((p: { code: string }) => p.code);
    expect(codes).toEqual([...codes].sort());
    // What the far side says shows as it says it; its reason (it may name people) does not.
    const officer = await counterpartToken(api, PORT);
    await api.http
      .post(`${API}/ports/${PORT}/counterpart/status`)
      .set(bearer(officer))
      .send({ status: 'closed', reason: 'Inspector Vongsa is away' })
      .expect(200);
    const closed = (await open('ports', '203.0.113.3').expect(200)).body.ports.find(
      (p: { code: string }) => p.code === PORT,
    );
    expect(closed.counterpart).toEqual({ name: mohan.counterpart.name, status: 'closed' });
    expect(JSON.stringify(closed)).not.toContain('Vongsa');
    expect(res.body.fields.length).toBeGreaterThan(10);

    // Nothing about a truck, a firm or a person: neither a key that would name one nor a value that is one.
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (v && typeof v === 'object')
        for (const [k, inner] of Object.entries(v)) {
          keys.add(k);
          walk(inner);
        }
    };
    const waits = (await open('waits', '203.0.113.3', range).expect(200)).body;
    const csv = (await open('waits.csv', '203.0.113.3', range).expect(200)).text;
    walk([res.body, waits]);
    expect(
      [...keys].filter((k) => /plate|firm|driver|phone|person|people|booking|reference|licenceNo|user/i.test(k)),
    ).toEqual([]);
    const text = JSON.stringify([res.body, waits]) + csv;
    for (const secret of [...plates, 'Open Data Freight', 'Driver 0', '+86138', ...waiting])
      expect(text).not.toContain(secret);
  });

  it('answers 304 to a matching If-None-Match, and a new ETag once the figures change', async () => {
    const address = '203.0.113.4';
    for (const path of ['ports', 'waits', 'waits.csv']) {
      const query = path === 'ports' ? {} : range;
      const first = await open(path, address, query).expect(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^W\/"[\w-]{27}"$/);
      const again: Response = await open(path, address, query, { 'If-None-Match': etag }).expect(304);
      expect(again.text ?? '').toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('public, max-age=300');
      await open(path, address, query, { 'If-None-Match': 'W/"something-else"' }).expect(200);
    }
    // A truck joins the line: the feed of now is another answer.
    const before = (await open('ports', address).expect(200)).headers.etag as string;
    const now = await slotAt(api, PORT);
    const [id] = await bookInto(api, firm, now.id, 1, 12);
    const { reference } = (await api.http.get(`${API}/bookings/${id}`).set(bearer(firm.dispatcherToken)).expect(200))
      .body;
    await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ reference }).expect(201);
    await open('ports', address, {}, { 'If-None-Match': before }).expect(200);
  });

  it('bad input is 400 or 404 in the contract error shape, never 500', async () => {
    const address = '203.0.113.5';
    for (const path of ['waits', 'waits.csv']) {
      for (const [query, status] of [
        [{ ...range, port: 'NOWHERE' }, 404],
        [{ ...range, port: 'x!' }, 400],
        [{ ...range, from: '2026-02-30' }, 400],
        [{ port: PORT, from: range.to, to: range.from }, 400],
        [{ port: PORT, from: clockDate(-100), to: clockDate(-2) }, 400],
        [{ port: PORT, to: range.to }, 400],
        [{ ...range, limit: '5' }, 400],
      ] as Array<[Record<string, string>, number]>) {
        const res = await open(path, address, query);
        expect({ path, query, status: res.status }).toEqual({ path, query, status });
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual(
          expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.anything() }),
        );
      }
    }
  });

  it(`an address gets ${LIMIT} answers a minute, then 429 with Retry-After; other addresses and the pages' allowance go on`, async () => {
    const address = '203.0.113.6';
    for (let i = 0; i < LIMIT; i++) await open('ports', address).expect(200);
    const refused = await open('waits', address, range).expect(429);
    expect(refused.body).toEqual(expect.objectContaining({ statusCode: 429, code: 'too_many_requests' }));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await open('ports', '203.0.113.7').expect(200);
    await api.http.get(`${API}/ports`).set('X-Forwarded-For', address).expect(200);
  });
});
