import type { Response } from 'supertest';
import {
  API,
  bearer,
  cargo,
  createFirm,
  DEFAULT_SCHEDULE,
  OPENING_HOURS,
  portDayClock,
  portDate,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
} from '../support/harness';
import { OpenApiChecker } from '../support/openapi';

/**
 * The port admin's setup routes that /admin calls: lanes added and named per language, the holding areas listed, and
 * previews of a schedule and of fees that write nothing. Every answer is checked against the OpenAPI document.
 */
describe('port setup', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let oa: OpenApiChecker;
  let staff: string;
  let otherStaff: string;
  let firmAdmin: string;

  type Method = 'get' | 'post' | 'put' | 'patch';
  const call = async (method: Method, path: string, token?: string, body?: object): Promise<Response> => {
    let req = api.http[method](`${API}${path}`);
    if (token) req = req.set(bearer(token));
    const res = await (body === undefined ? req : req.send(body));
    return oa.expectDocumented(method.toUpperCase(), `${API}${path}`, res);
  };
  const expectStatus = async (status: number, method: Method, path: string, token?: string, body?: object) => {
    const res = await call(method, path, token, body);
    expect({ status: res.status, body: res.body }).toEqual({ status, body: expect.anything() });
    return res;
  };

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    oa = await OpenApiChecker.load(api);
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 6, import: 6 }, firmQuotaPercent: 100 });
    staff = await portStaffToken(api, PORT);
    otherStaff = await portStaffToken(api, 'HEKOU');
    firmAdmin = (await createFirm(api, 'Setup Freight')).adminToken;
  });
  afterAll(() => api.close());

  describe('lanes', () => {
    it('adds a lane, closed, with its names; GET /ports/:code and GET /ports list it with every field', async () => {
      const names = { zh: '出境 2 号车道', lo: 'ຊ່ອງທາງຂາອອກ 2', my: 'ထွက်ခွာလမ်းကြောင်း ၂' };
      const added = await expectStatus(201, 'post', `/ports/${PORT}/lanes`, api.adminToken, {
        direction: 'export',
        name: ' export-2 ',
        names,
      });
      expect(added.body).toEqual({
        id: expect.any(String),
        name: 'export-2',
        names,
        direction: 'export',
        status: 'closed',
      });
      const port = await expectStatus(200, 'get', `/ports/${PORT}`);
      expect(port.body.lanes).toContainEqual(added.body);
      expect(port.body.lanes).toContainEqual({
        id: expect.any(String),
        name: 'import-1',
        names: {},
        direction: 'import',
        status: 'open',
      });
      const list = await expectStatus(200, 'get', `/ports?limit=100`);
      expect(list.body.find((p: { code: string }) => p.code === PORT).lanes).toContainEqual(added.body);
      // Without names, and staff open it as any lane.
      const plain = await expectStatus(201, 'post', `/ports/${PORT}/lanes`, api.adminToken, {
        direction: 'import',
        name: 'import-2',
      });
      expect(plain.body).toMatchObject({ names: {}, status: 'closed' });
      await api.http
        .post(`${API}/ports/${PORT}/lanes/${plain.body.id}/status`)
        .set(bearer(staff))
        .send({ status: 'open' })
        .expect(200, { id: plain.body.id, name: 'import-2', direction: 'import', status: 'open' });
    });

    it('renames a lane: its name, its names (the whole set), both; recorded in the audit trail', async () => {
      const lane = (
        await expectStatus(201, 'post', `/ports/${PORT}/lanes`, api.adminToken, {
          direction: 'export',
          name: 'export-9',
          names: { zh: '九号', en: 'Nine' },
        })
      ).body;
      const path = `/ports/${PORT}/lanes/${lane.id}`;
      const renamed = await expectStatus(200, 'patch', path, api.adminToken, { name: 'Green lane' });
      expect(renamed.body).toEqual({ ...lane, name: 'Green lane' });
      const named = await expectStatus(200, 'patch', path, api.adminToken, { names: { th: 'ช่องทางสีเขียว' } });
      expect(named.body).toEqual({ ...lane, name: 'Green lane', names: { th: 'ช่องทางสีเขียว' } });
      const both = await expectStatus(200, 'patch', path, api.adminToken, { name: 'export-9', names: {} });
      expect(both.body).toEqual({ ...lane, names: {} });
      expect((await expectStatus(200, 'get', `/ports/${PORT}`)).body.lanes).toContainEqual(both.body);
      const audit = await api.ds.query(
        `SELECT type, data FROM audit_pending WHERE type IN ('lane.added', 'lane.renamed') AND data::text LIKE $1
         ORDER BY id`,
        [`%${lane.id}%`],
      );
      expect(audit.map((a: { type: string }) => a.type)).toEqual([
        'lane.added',
        'lane.renamed',
        'lane.renamed',
        'lane.renamed',
      ]);
      expect(audit[1].data).toEqual({
        laneId: lane.id,
        before: { name: 'export-9', names: { zh: '九号', en: 'Nine' } },
        after: { name: 'Green lane', names: { zh: '九号', en: 'Nine' } },
      });
    });

    it('refuses other roles, bad bodies, a taken name, an unknown lane or port', async () => {
      const body = { direction: 'import', name: 'import-7' };
      const lanePath = `/ports/${PORT}/lanes`;
      await expectStatus(401, 'post', lanePath, undefined, body);
      for (const token of [staff, otherStaff, firmAdmin]) await expectStatus(403, 'post', lanePath, token, body);
      await expectStatus(404, 'post', `/ports/NOWHERE/lanes`, api.adminToken, body);
      for (const bad of [
        { ...body, direction: 'sideways' },
        { ...body, direction: undefined },
        { ...body, name: '' },
        { ...body, name: '   ' },
        { ...body, name: 'x'.repeat(41) },
        { ...body, name: 7 },
        { ...body, names: { zh: '长'.repeat(41) } },
        { ...body, names: { fr: 'Voie 7' } },
        { ...body, names: { zh: '' } },
        { ...body, names: ['zh'] },
        { ...body, status: 'open' },
      ]) {
        await expectStatus(400, 'post', lanePath, api.adminToken, bad);
      }
      const taken = await expectStatus(409, 'post', lanePath, api.adminToken, { ...body, name: 'export-1' });
      expect(taken.body.code).toBe('conflict');

      const lane = (await expectStatus(201, 'post', lanePath, api.adminToken, body)).body;
      const path = `${lanePath}/${lane.id}`;
      await expectStatus(401, 'patch', path, undefined, { name: 'x' });
      for (const token of [staff, otherStaff, firmAdmin]) await expectStatus(403, 'patch', path, token, { name: 'x' });
      await expectStatus(400, 'patch', path, api.adminToken, {});
      await expectStatus(400, 'patch', path, api.adminToken, { name: 'y'.repeat(41) });
      await expectStatus(400, 'patch', path, api.adminToken, { names: { vi: 'Làn'.repeat(14) } });
      await expectStatus(400, 'patch', path, api.adminToken, { direction: 'export' });
      await expectStatus(400, 'patch', `${lanePath}/not-a-lane`, api.adminToken, { name: 'x' });
      await expectStatus(404, 'patch', `${lanePath}/00000000-0000-4000-8000-000000000000`, api.adminToken, {
        name: 'x',
      });
      // A lane of another port is not this port's.
      const hekou = (await expectStatus(200, 'get', '/ports/HEKOU')).body.lanes[0].id as string;
      await expectStatus(404, 'patch', `${lanePath}/${hekou}`, api.adminToken, { name: 'x' });
      await expectStatus(404, 'patch', `/ports/NOWHERE/lanes/${lane.id}`, api.adminToken, { name: 'x' });
      expect((await expectStatus(409, 'patch', path, api.adminToken, { name: 'import-1' })).body.code).toBe('conflict');
      // Nothing refused changed the lane.
      expect((await expectStatus(200, 'get', `/ports/${PORT}`)).body.lanes).toContainEqual(lane);
    });
  });

  describe('holding areas', () => {
    it("lists the port's areas as POST and PUT return them, to its admin and its staff", async () => {
      const area = { name: 'Setup yard', lat: 21.18, lon: 101.68, radiusM: 400, bays: 30, reeferBays: 6 };
      const created = await expectStatus(201, 'post', `/ports/${PORT}/parking-areas`, api.adminToken, area);
      const updated = await expectStatus(
        200,
        'put',
        `/ports/${PORT}/parking-areas/${created.body.id}`,
        api.adminToken,
        {
          bays: 32,
          directions: { en: 'Past the toll gate', zh: '过收费站' },
        },
      );
      for (const token of [api.adminToken, staff]) {
        const list = await expectStatus(200, 'get', `/ports/${PORT}/parking-areas`, token);
        expect(list.body).toContainEqual(updated.body);
        const names = list.body.map((a: { name: string }) => a.name);
        expect(names).toEqual([...names].sort());
        // The seed's area too: every area of the port, and only its own.
        expect(list.body.length).toBeGreaterThanOrEqual(2);
      }
      const hekou = await expectStatus(200, 'get', `/ports/HEKOU/parking-areas`, otherStaff);
      expect(hekou.body.map((a: { id: string }) => a.id)).not.toContain(created.body.id);
    });

    it('saves names per language on POST, replaces the set on PUT (keeps it without); GET and the audit show them', async () => {
      const areas = `/ports/${PORT}/parking-areas`;
      const area = { name: 'Named yard', lat: 21.2, lon: 101.7, radiusM: 300, bays: 10, reeferBays: 2 };
      const names = { zh: '磨憨二号等候区', en: 'Mohan yard 2', lo: 'ບ່ອນຈອດ 2' };
      const created = (await expectStatus(201, 'post', areas, api.adminToken, { ...area, names })).body;
      expect(created.names).toEqual(names);
      const path = `${areas}/${created.id}`;
      const kept = await expectStatus(200, 'put', path, api.adminToken, { bays: 11 });
      expect(kept.body).toEqual({ ...created, bays: 11 });
      const replaced = await expectStatus(200, 'put', path, api.adminToken, { names: { th: 'ลานพัก 2' } });
      expect(replaced.body).toEqual({ ...created, bays: 11, names: { th: 'ลานพัก 2' } });
      expect((await expectStatus(200, 'get', areas, api.adminToken)).body).toContainEqual(replaced.body);
      expect((await expectStatus(200, 'get', `/ports/${PORT}`)).body.parkingAreas).toContainEqual(
        expect.objectContaining({ id: created.id, names: { th: 'ลานพัก 2' } }),
      );
      const audit = await api.ds.query(
        `SELECT data FROM audit_pending WHERE type = 'parking_area.saved' AND data->'area'->>'id' = $1 ORDER BY id`,
        [created.id],
      );
      expect(audit.map((a: { data: { area: { names: object } } }) => a.data.area.names)).toEqual([
        names,
        names,
        { th: 'ลานพัก 2' },
      ]);

      for (const bad of [{ zh: '长'.repeat(61) }, { fr: 'Aire 2' }, { en: '' }, { zh: 7 }, ['zh'], 'Mohan yard 2']) {
        await expectStatus(400, 'post', areas, api.adminToken, { ...area, name: 'Refused yard', names: bad });
        await expectStatus(400, 'put', path, api.adminToken, { names: bad });
      }
      // Exactly 60 characters is a name.
      const longest = { vi: 'B'.repeat(60) };
      expect((await expectStatus(200, 'put', path, api.adminToken, { names: longest })).body.names).toEqual(longest);
      expect(
        (await expectStatus(200, 'get', areas, api.adminToken)).body.map((a: { name: string }) => a.name),
      ).not.toContain('Refused yard');
    });

    it("refuses no token, firm users, another port's staff and unknown ports", async () => {
      await expectStatus(401, 'get', `/ports/${PORT}/parking-areas`);
      await expectStatus(403, 'get', `/ports/${PORT}/parking-areas`, firmAdmin);
      await expectStatus(404, 'get', `/ports/${PORT}/parking-areas`, otherStaff);
      await expectStatus(404, 'get', `/ports/NOWHERE/parking-areas`, api.adminToken);
      await expectStatus(400, 'get', `/ports/${'X'.repeat(40)}/parking-areas`, api.adminToken);
    });
  });

  /** What a preview must leave as it was: the port's schedule, its slots, the audit trail. */
  const tables = async () => ({
    schedules: await api.ds.query('SELECT * FROM schedules ORDER BY port_code'),
    slots: await api.ds.query('SELECT id, capacity, booked, retired_at FROM slots ORDER BY id'),
    fees: await api.ds.query('SELECT * FROM port_fees ORDER BY port_code, version'),
    audit: await api.ds.query('SELECT count(*)::int AS n FROM audit_pending'),
  });

  describe('schedule preview', () => {
    const path = `/ports/${PORT}/schedule/preview`;
    const schedule = { ...DEFAULT_SCHEDULE, ...OPENING_HOURS, capacity: { export: 6, import: 4 } };

    it("gives the horizon's slot grid and the booked slots a change would touch, and writes nothing", async () => {
      // Three trucks in this afternoon's 14:00 export slot (the API's clock: 10:00 at the port).
      const today = portDate(1);
      const firm = await createFirm(api, 'Preview Freight', 3);
      const slot = (await slotsOf(api, PORT, today)).find((s) => s.startsAt.endsWith('T14:00:00+08:00'))!;
      for (let i = 0; i < 3; i++) {
        await api.http
          .post(`${API}/bookings`)
          .set(bearer(firm.dispatcherToken))
          .send({ slotId: slot.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
          .expect(201);
      }
      const before = await tables();

      const same = await expectStatus(200, 'post', path, api.adminToken, schedule);
      expect(same.body.days.map((d: { date: string }) => d.date)).toEqual(
        Array.from({ length: 8 }, (_, i) => portDate(1 + i)),
      );
      for (const day of same.body.days) expect(day.slots).toHaveLength(12);
      expect(same.body.days[0].slots[0]).toEqual({
        startsAt: `${today}T08:00:00+08:00`,
        endsAt: `${today}T09:00:00+08:00`,
        capacity: { export: 6, import: 4 },
      });
      expect(same.body.affected).toEqual([]);

      const lowered = await expectStatus(200, 'post', path, api.adminToken, {
        ...schedule,
        capacity: { export: 2, import: 4 },
      });
      expect(lowered.body.affected).toEqual([
        {
          slotId: slot.id,
          startsAt: `${today}T14:00:00+08:00`,
          direction: 'export',
          booked: 3,
          capacity: 2,
          reason: 'over_capacity',
        },
      ]);
      const later = await expectStatus(200, 'post', path, api.adminToken, { ...schedule, openFrom: '15:00' });
      expect(later.body.affected).toEqual([expect.objectContaining({ slotId: slot.id, reason: 'outside_plan' })]);
      expect(later.body.days[0].slots.map((s: { startsAt: string }) => s.startsAt.slice(11, 16))).toEqual([
        '15:00',
        '16:00',
        '17:00',
        '18:00',
        '19:00',
      ]);
      const halfHours = await expectStatus(200, 'post', path, api.adminToken, {
        ...schedule,
        slotMinutes: 30,
        horizonDays: 2,
      });
      expect(halfHours.body.days).toHaveLength(3);
      expect(halfHours.body.days[2].slots).toHaveLength(24);

      expect(await tables()).toEqual(before);
    });

    it('refuses what PUT refuses, other roles and unknown ports', async () => {
      const before = await tables();
      await expectStatus(401, 'post', path, undefined, schedule);
      for (const token of [staff, otherStaff, firmAdmin]) await expectStatus(403, 'post', path, token, schedule);
      await expectStatus(404, 'post', '/ports/NOWHERE/schedule/preview', api.adminToken, schedule);
      for (const bad of [
        { ...schedule, slotMinutes: 0 },
        { ...schedule, openFrom: '8:00' },
        { ...schedule, capacity: { export: -1, import: 4 } },
        { ...schedule, horizonDays: 'seven' },
        { ...schedule, surprise: true },
        {},
      ]) {
        await expectStatus(400, 'post', path, api.adminToken, bad);
        await api.http.put(`${API}/ports/${PORT}/schedule`).set(bearer(api.adminToken)).send(bad).expect(400);
      }
      for (const bad of [
        { ...schedule, openFrom: '18:00', openTo: '09:00' },
        { ...schedule, openFrom: '09:00', openTo: '09:30', slotMinutes: 60 },
      ]) {
        const res = await expectStatus(422, 'post', path, api.adminToken, bad);
        expect(res.body.code).toBe('invalid_schedule');
        await api.http.put(`${API}/ports/${PORT}/schedule`).set(bearer(api.adminToken)).send(bad).expect(422);
      }
      expect(await tables()).toEqual(before);
    });
  });

  describe('fee preview', () => {
    const path = `/ports/${PORT}/fees/preview`;
    const items = (inspection: number, handling: number) => [
      { code: 'inspection', name: { zh: '查验费', en: 'Inspection' }, amount: inspection, unit: 'per_truck' },
      { code: 'handling', name: { zh: '装卸费', en: 'Handling' }, amount: handling, unit: 'per_tonne' },
    ];
    const fees = (effectiveFrom: string, inspection = 120, handling = 10) => ({
      effectiveFrom,
      currency: 'CNY',
      items: items(inspection, handling),
    });

    it('charges 10 t, 25 t, 40 t and a 25 t reefer as a booking would, names the version it replaces, writes nothing', async () => {
      // The API's today at the port is portDate(1) (portDayClock).
      const none = await expectStatus(200, 'post', path, api.adminToken, fees(portDate(1)));
      expect(none.body.replaces).toBeNull();
      const v1 = await api.http
        .put(`${API}/ports/${PORT}/fees`)
        .set(bearer(api.adminToken))
        .send(fees(portDate(1), 100, 12.5))
        .expect(201);
      const before = await tables();
      const res = await expectStatus(200, 'post', path, api.adminToken, fees(portDate(3)));
      expect(res.body).toEqual({
        effectiveFrom: portDate(3),
        currency: 'CNY',
        examples: [
          {
            weightKg: 10000,
            reefer: false,
            total: 220,
            items: [
              { code: 'inspection', amount: 120 },
              { code: 'handling', amount: 100 },
            ],
          },
          {
            weightKg: 25000,
            reefer: false,
            total: 370,
            items: [
              { code: 'inspection', amount: 120 },
              { code: 'handling', amount: 250 },
            ],
          },
          {
            weightKg: 40000,
            reefer: false,
            total: 520,
            items: [
              { code: 'inspection', amount: 120 },
              { code: 'handling', amount: 400 },
            ],
          },
          {
            weightKg: 25000,
            reefer: true,
            total: 370,
            items: [
              { code: 'inspection', amount: 120 },
              { code: 'handling', amount: 250 },
            ],
          },
        ],
        replaces: v1.body,
      });
      // Cents as the fee rule rounds them.
      const odd = await expectStatus(200, 'post', path, api.adminToken, fees(portDate(2), 0.01, 3.33));
      expect(odd.body.examples[0].total).toBe(33.31);
      expect(await tables()).toEqual(before);
    });

    it('refuses what PUT refuses, other roles and unknown ports', async () => {
      const before = await tables();
      const body = fees(portDate(2));
      await expectStatus(401, 'post', path, undefined, body);
      for (const token of [staff, otherStaff, firmAdmin]) await expectStatus(403, 'post', path, token, body);
      await expectStatus(404, 'post', '/ports/NOWHERE/fees/preview', api.adminToken, body);
      for (const bad of [
        { ...body, currency: 'cny' },
        { ...body, effectiveFrom: '2026-02-30' },
        { ...body, items: [] },
        { ...body, items: [{ ...body.items[0], amount: -1 }] },
        { ...body, items: [{ ...body.items[0], unit: 'per_axle' }] },
        { ...body, items: [{ ...body.items[0], name: { zh: '查验费' } }] },
        { ...body, items: [body.items[0], body.items[0]] },
      ]) {
        await expectStatus(400, 'post', path, api.adminToken, bad);
        await api.http.put(`${API}/ports/${PORT}/fees`).set(bearer(api.adminToken)).send(bad).expect(400);
      }
      const past = await expectStatus(422, 'post', path, api.adminToken, fees(portDate(0)));
      expect(past.body.code).toBe('date_out_of_range');
      expect(await tables()).toEqual(before);
    });
  });
});
