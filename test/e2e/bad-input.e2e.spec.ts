import { randomUUID } from 'node:crypto';
import {
  API,
  bearer,
  cargo,
  createFirm,
  DEFAULT_SCHEDULE,
  portDate,
  slotsOf,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { expectContractError } from '../support/contract-error';

type Who = 'none' | 'admin' | 'dispatcher';

interface Case {
  method: 'get' | 'post' | 'put';
  path: string;
  who?: Who;
  /** A JSON value to send, or a raw string sent as-is with the JSON content type. */
  body?: unknown;
  raw?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  status: number;
  /** Part of the message expected, when the case is about one field. */
  says?: string | RegExp;
}

describe('bad input: every malformed request gets its 4xx in the contract shape', () => {
  let api: TestApi;
  let firm: TestFirm;
  let slotId: string;
  let bookingId: string;

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Lancang Produce', 2);
    const slots = await slotsOf(api, 'MOHAN', portDate());
    slotId = slots[1].id;
    const booked = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slots[0].id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    bookingId = booked.body.id;
    await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate: '云B 77777', country: 'CN' })
      .expect(201);
    await api.http
      .post(`${API}/ports/MOHAN/staff`)
      .set(bearer(api.adminToken))
      .send({ email: 'taken@kouan.test', password: 'long-enough' })
      .expect(201);
  });
  afterAll(() => api.close());

  const send = (c: Case) => {
    const req = api.http[c.method](c.path.replace(':booking', bookingId));
    const who = c.who ?? 'dispatcher';
    if (who !== 'none') req.set(bearer(who === 'admin' ? api.adminToken : firm.dispatcherToken));
    if (c.headers) req.set(c.headers);
    if (c.query) req.query(c.query);
    if (c.raw !== undefined) return req.set('Content-Type', 'application/json').send(c.raw);
    return c.body === undefined ? req : req.send(c.body as object);
  };

  const vehicle = (over: Record<string, unknown>) => ({ plate: '云A·55555', country: 'CN', ...over });
  const driver = (over: Record<string, unknown>) => ({
    name: 'Ai Lin',
    phone: '+8613812345678',
    licenceNo: 'L-9',
    language: 'zh',
    ...over,
  });
  const booking = (over: Record<string, unknown>) => () => ({
    slotId,
    vehicleId: firm.vehicleIds[1],
    driverId: firm.driverIds[1],
    cargo: cargo(),
    ...over,
  });
  const withCargo = (over: Record<string, unknown>) => booking({ cargo: cargo(over) });
  const schedule = (over: Record<string, unknown>) => ({ ...DEFAULT_SCHEDULE, ...over });
  const date = portDate();
  const slotsPath = `${API}/ports/MOHAN/slots`;

  // Bodies that need fixtures created in beforeAll are thunks.
  const cases: [string, Omit<Case, 'body'> & { body?: unknown | (() => unknown) }][] = [
    // transport and framing
    ['malformed JSON', { method: 'post', path: `${API}/vehicles`, raw: '{"plate": "云A1', status: 400, says: /JSON/ }],
    ['a JSON string instead of an object', { method: 'post', path: `${API}/vehicles`, raw: '"云A12345"', status: 400 }],
    ['JSON null', { method: 'post', path: `${API}/vehicles`, raw: 'null', status: 400 }],
    [
      'form text instead of JSON',
      {
        method: 'post',
        path: `${API}/vehicles`,
        headers: { 'Content-Type': 'text/plain' },
        body: 'plate=云A12345',
        status: 400,
      },
    ],
    ['an array instead of an object', { method: 'post', path: `${API}/vehicles`, body: [vehicle({})], status: 400 }],
    [
      'an array instead of a login',
      {
        method: 'post',
        path: `${API}/auth/login`,
        who: 'none',
        body: [{ email: 'a@b.example', password: 'x' }],
        status: 400,
      },
    ],
    [
      'a body over 1 MiB',
      {
        method: 'post',
        path: `${API}/drivers`,
        body: driver({ name: 'x'.repeat(1024 * 1024 + 10) }),
        status: 413,
        says: /too large|1 MiB/,
      },
    ],
    ['an unknown route', { method: 'get', path: `${API}/nowhere`, status: 404 }],
    // ids and path parameters
    ['a malformed booking id', { method: 'get', path: `${API}/bookings/not-a-uuid`, status: 400, says: 'uuid' }],
    ['a path with a broken percent-encoding', { method: 'get', path: `${API}/bookings/%FF`, status: 400 }],
    ['a malformed id on cancel', { method: 'post', path: `${API}/bookings/1%20OR%201=1/cancel`, status: 400 }],
    [
      'a malformed firm id',
      {
        method: 'post',
        path: `${API}/firms/abc/users`,
        who: 'admin',
        body: { email: 'a@b.example', password: 'long-enough', role: 'dispatcher' },
        status: 400,
      },
    ],
    ['an unknown booking id', { method: 'get', path: `${API}/bookings/${randomUUID()}`, status: 404 }],
    [
      'reschedule of an unknown booking',
      { method: 'post', path: `${API}/bookings/${randomUUID()}/reschedule`, body: () => ({ slotId }), status: 404 },
    ],
    [
      'an unknown firm',
      {
        method: 'post',
        path: `${API}/firms/${randomUUID()}/users`,
        who: 'admin',
        body: { email: 'a@b.example', password: 'long-enough', role: 'dispatcher' },
        status: 404,
      },
    ],
    ['an unknown port', { method: 'get', path: `${API}/ports/NOWHERE`, status: 404, says: 'NOWHERE' }],
    ['slots of an unknown port', { method: 'get', path: `${API}/ports/NOWHERE/slots`, query: { date }, status: 404 }],
    [
      'schedule of an unknown port',
      { method: 'put', path: `${API}/ports/NOWHERE/schedule`, who: 'admin', body: schedule({}), status: 404 },
    ],
    [
      'staff for an unknown port',
      {
        method: 'post',
        path: `${API}/ports/NOWHERE/staff`,
        who: 'admin',
        body: { email: 'a@b.example', password: 'long-enough' },
        status: 404,
      },
    ],
    ['a port code with bad characters', { method: 'get', path: `${API}/ports/MO_HAN`, status: 400, says: 'port code' }],
    ['a port code of 40 characters', { method: 'get', path: `${API}/ports/${'A'.repeat(40)}`, status: 400 }],
    ['a port code with quotes', { method: 'get', path: `${API}/ports/'MOHAN'/slots`, query: { date }, status: 400 }],
    // slots query
    ['slots without a date', { method: 'get', path: slotsPath, status: 400, says: 'date' }],
    ['slots on 2026-13-45', { method: 'get', path: slotsPath, query: { date: '2026-13-45' }, status: 400 }],
    ['slots on 2026-02-30', { method: 'get', path: slotsPath, query: { date: '2026-02-30' }, status: 400 }],
    ['slots on "tomorrow"', { method: 'get', path: slotsPath, query: { date: 'tomorrow' }, status: 400 }],
    ['slots with two dates', { method: 'get', path: slotsPath, query: { date: [date, date] }, status: 400 }],
    [
      'slots in a bad direction',
      { method: 'get', path: slotsPath, query: { date, direction: 'sideways' }, status: 400, says: 'direction' },
    ],
    [
      'slots with an unknown query parameter',
      { method: 'get', path: slotsPath, query: { date, colour: 'red' }, status: 400 },
    ],
    // bookings query
    ['limit=abc', { method: 'get', path: `${API}/bookings`, query: { limit: 'abc' }, status: 400, says: 'limit' }],
    ['limit=1e3 (over 500)', { method: 'get', path: `${API}/bookings`, query: { limit: '1e3' }, status: 400 }],
    [
      'status given twice',
      { method: 'get', path: `${API}/bookings`, query: { status: ['booked', 'cancelled'] }, status: 400 },
    ],
    ['limit=0', { method: 'get', path: `${API}/bookings`, query: { limit: '0' }, status: 400 }],
    ['offset=-1', { method: 'get', path: `${API}/bookings`, query: { offset: '-1' }, status: 400 }],
    ['status not a booking status', { method: 'get', path: `${API}/bookings`, query: { status: 'lost' }, status: 400 }],
    [
      'bookings on an impossible date',
      { method: 'get', path: `${API}/bookings`, query: { date: '2026-02-30' }, status: 400 },
    ],
    ['bookings on 2026-13-45', { method: 'get', path: `${API}/bookings`, query: { date: '2026-13-45' }, status: 400 }],
    // vehicles
    [
      'plate "\'; drop table"',
      {
        method: 'post',
        path: `${API}/vehicles`,
        body: vehicle({ plate: "'; drop table" }),
        status: 400,
        says: 'plate',
      },
    ],
    [
      'a one-character plate',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ plate: 'A' }), status: 400, says: 'plate' },
    ],
    [
      'a 16-character plate',
      {
        method: 'post',
        path: `${API}/vehicles`,
        body: vehicle({ plate: 'ABCDEFGH12345678' }),
        status: 400,
        says: 'plate',
      },
    ],
    [
      'a plate that is a number',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ plate: 12345 }), status: 400 },
    ],
    [
      'a plate with an emoji',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ plate: '云A🚚123' }), status: 400 },
    ],
    [
      'a bad trailer plate',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ trailerPlate: '<script>' }), status: 400 },
    ],
    [
      'a country that is not ISO alpha-2',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ country: 'China' }), status: 400, says: 'country' },
    ],
    ['reefer as a string', { method: 'post', path: `${API}/vehicles`, body: vehicle({ reefer: 'yes' }), status: 400 }],
    [
      'an unknown extra property',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ colour: 'red' }), status: 400, says: 'colour' },
    ],
    [
      'a duplicate plate, written differently',
      { method: 'post', path: `${API}/vehicles`, body: vehicle({ plate: '云b-77777' }), status: 409 },
    ],
    // drivers
    [
      'a phone not in E.164',
      { method: 'post', path: `${API}/drivers`, body: driver({ phone: '013812345678' }), status: 400, says: 'phone' },
    ],
    [
      'a phone with letters',
      { method: 'post', path: `${API}/drivers`, body: driver({ phone: '+86 138 CALL ME' }), status: 400 },
    ],
    [
      'a language not in the list',
      { method: 'post', path: `${API}/drivers`, body: driver({ language: 'fr' }), status: 400, says: 'language' },
    ],
    [
      'a NUL byte in a driver name',
      { method: 'post', path: `${API}/drivers`, body: driver({ name: 'Ai\u0000Lin' }), status: 400, says: 'name' },
    ],
    [
      'a NUL byte in a licence number',
      {
        method: 'post',
        path: `${API}/drivers`,
        body: driver({ licenceNo: 'L\u0000-9' }),
        status: 400,
        says: 'licenceNo',
      },
    ],
    ['an empty driver name', { method: 'post', path: `${API}/drivers`, body: driver({ name: '   ' }), status: 400 }],
    // bookings
    [
      'weightKg 0',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ weightKg: 0 }), status: 400, says: 'weightKg' },
    ],
    [
      'weightKg 100001',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ weightKg: 100001 }), status: 400, says: 'weightKg' },
    ],
    [
      'weightKg 1.5',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ weightKg: 1.5 }), status: 400, says: 'weightKg' },
    ],
    [
      'weightKg as a string',
      {
        method: 'post',
        path: `${API}/bookings`,
        body: withCargo({ weightKg: '20000' }),
        status: 400,
        says: 'weightKg',
      },
    ],
    [
      'hsCode of 5 digits',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ hsCode: '07141' }), status: 400, says: 'hsCode' },
    ],
    [
      'hsCode of letters',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ hsCode: 'ABCDEF' }), status: 400, says: 'hsCode' },
    ],
    [
      'weightKg 1e308',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ weightKg: 1e308 }), status: 400, says: 'weightKg' },
    ],
    [
      'a NUL byte in the cargo description',
      {
        method: 'post',
        path: `${API}/bookings`,
        body: withCargo({ description: 'Rice\u0000bran' }),
        status: 400,
        says: 'description',
      },
    ],
    [
      'a NUL byte in the declaration number',
      {
        method: 'post',
        path: `${API}/bookings`,
        body: withCargo({ declarationNo: '5301\u00002026' }),
        status: 400,
        says: 'declarationNo',
      },
    ],
    [
      'perishable as a string',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ perishable: 'no' }), status: 400 },
    ],
    [
      'missing cargo',
      { method: 'post', path: `${API}/bookings`, body: booking({ cargo: undefined }), status: 400, says: 'cargo' },
    ],
    [
      'cargo as a string',
      { method: 'post', path: `${API}/bookings`, body: booking({ cargo: 'bananas' }), status: 400 },
    ],
    [
      'an unknown property inside cargo',
      { method: 'post', path: `${API}/bookings`, body: withCargo({ secret: 1 }), status: 400 },
    ],
    [
      'a slotId that is not a UUID',
      { method: 'post', path: `${API}/bookings`, body: booking({ slotId: 'slot-1' }), status: 400, says: 'slotId' },
    ],
    [
      'an unknown slot',
      { method: 'post', path: `${API}/bookings`, body: booking({ slotId: randomUUID() }), status: 404 },
    ],
    [
      'an Idempotency-Key of 300 characters',
      {
        method: 'post',
        path: `${API}/bookings`,
        body: booking({}),
        headers: { 'Idempotency-Key': 'k'.repeat(300) },
        status: 400,
        says: 'Idempotency-Key',
      },
    ],
    [
      'a reschedule without a slotId',
      { method: 'post', path: `${API}/bookings/:booking/reschedule`, body: {}, status: 400 },
    ],
    // schedule
    [
      "openTo '24:30'",
      {
        method: 'put',
        path: `${API}/ports/MOHAN/schedule`,
        who: 'admin',
        body: schedule({ openTo: '24:30' }),
        status: 400,
        says: 'openTo',
      },
    ],
    [
      'openFrom after openTo',
      {
        method: 'put',
        path: `${API}/ports/MOHAN/schedule`,
        who: 'admin',
        body: schedule({ openFrom: '18:00', openTo: '09:00' }),
        status: 422,
      },
    ],
    [
      'slotMinutes 0',
      {
        method: 'put',
        path: `${API}/ports/MOHAN/schedule`,
        who: 'admin',
        body: schedule({ slotMinutes: 0 }),
        status: 400,
        says: 'slotMinutes',
      },
    ],
    [
      'negative capacity',
      {
        method: 'put',
        path: `${API}/ports/MOHAN/schedule`,
        who: 'admin',
        body: schedule({ capacity: { export: -1, import: 6 } }),
        status: 400,
      },
    ],
    [
      'a missing schedule field',
      {
        method: 'put',
        path: `${API}/ports/MOHAN/schedule`,
        who: 'admin',
        body: schedule({ horizonDays: undefined }),
        status: 400,
        says: 'horizonDays',
      },
    ],
    // firms and users
    [
      'a firm without a name',
      {
        method: 'post',
        path: `${API}/firms`,
        who: 'admin',
        body: { country: 'CN', contactEmail: 'a@b.example' },
        status: 400,
        says: 'name',
      },
    ],
    [
      'a NUL byte in a firm name',
      {
        method: 'post',
        path: `${API}/firms`,
        who: 'admin',
        body: { name: 'Evil\u0000Corp', country: 'CN', contactEmail: 'a@b.example' },
        status: 400,
        says: 'name',
      },
    ],
    [
      'a firm user with a bad email',
      {
        method: 'post',
        path: `${API}/firms/FIRM/users`,
        who: 'admin',
        body: { email: 'nope', password: 'long-enough', role: 'dispatcher' },
        status: 400,
        says: 'email',
      },
    ],
    [
      'a firm user with the port_admin role',
      {
        method: 'post',
        path: `${API}/firms/FIRM/users`,
        who: 'admin',
        body: { email: 'a@b.example', password: 'long-enough', role: 'port_admin' },
        status: 400,
        says: 'role',
      },
    ],
    [
      'staff with an email already taken',
      {
        method: 'post',
        path: `${API}/ports/MOHAN/staff`,
        who: 'admin',
        body: { email: 'TAKEN@kouan.test', password: 'long-enough' },
        status: 409,
      },
    ],
    [
      'staff with a short password',
      {
        method: 'post',
        path: `${API}/ports/MOHAN/staff`,
        who: 'admin',
        body: { email: 'a@b.example', password: 'short' },
        status: 400,
        says: 'password',
      },
    ],
    // auth
    [
      'login without a password',
      {
        method: 'post',
        path: `${API}/auth/login`,
        who: 'none',
        body: { email: 'someone@firm.example' },
        status: 400,
        says: 'password',
      },
    ],
    [
      'login with a password that is an object',
      {
        method: 'post',
        path: `${API}/auth/login`,
        who: 'none',
        body: { email: 'someone@firm.example', password: { $ne: '' } },
        status: 400,
      },
    ],
    [
      'login with a wrong password',
      {
        method: 'post',
        path: `${API}/auth/login`,
        who: 'none',
        body: { email: 'nobody@firm.example', password: 'wrong-password' },
        status: 401,
      },
    ],
    [
      'driver session with a bad code format',
      {
        method: 'post',
        path: `${API}/driver/session`,
        who: 'none',
        body: { reference: 'MOHAN-20260101-ABCD', driverCode: '12ab' },
        status: 400,
        says: 'driverCode',
      },
    ],
    [
      'driver session with a bad reference',
      {
        method: 'post',
        path: `${API}/driver/session`,
        who: 'none',
        body: { reference: "' OR 1=1 --", driverCode: '123456' },
        status: 400,
        says: 'reference',
      },
    ],
    // live queue and parking
    [
      'the queue of an unknown port',
      { method: 'get', path: `${API}/ports/NOWHERE/queue`, who: 'none', query: { direction: 'export' }, status: 404 },
    ],
    [
      'the queue without a direction',
      { method: 'get', path: `${API}/ports/MOHAN/queue`, who: 'none', status: 400, says: 'direction' },
    ],
    [
      'the staff queue of an unknown port',
      {
        method: 'get',
        path: `${API}/ports/NOWHERE/queue/staff`,
        who: 'admin',
        query: { direction: 'export' },
        status: 404,
      },
    ],
    [
      'a check-in without a plate',
      { method: 'post', path: `${API}/ports/MOHAN/check-ins`, who: 'admin', body: {}, status: 400, says: 'plate' },
    ],
    [
      'call-next on a malformed lane id',
      { method: 'post', path: `${API}/ports/MOHAN/lanes/lane-1/call-next`, who: 'admin', status: 400, says: 'uuid' },
    ],
    [
      'call-next on an unknown lane',
      {
        method: 'post',
        path: `${API}/ports/MOHAN/lanes/00000000-0000-4000-8000-000000000000/call-next`,
        who: 'admin',
        status: 404,
      },
    ],
    [
      'a lane status that does not exist',
      {
        method: 'post',
        path: `${API}/ports/MOHAN/lanes/00000000-0000-4000-8000-000000000000/status`,
        who: 'admin',
        body: { status: 'shut' },
        status: 400,
        says: 'status',
      },
    ],
    [
      'a holding area outside the globe',
      {
        method: 'post',
        path: `${API}/ports/MOHAN/parking-areas`,
        who: 'admin',
        body: { name: 'Yard', lat: 91, lon: 200, radiusM: 0, bays: 1, reeferBays: 0 },
        status: 400,
        says: 'lat',
      },
    ],
    [
      'holding-area directions that are not texts',
      {
        method: 'post',
        path: `${API}/ports/MOHAN/parking-areas`,
        who: 'admin',
        body: { name: 'Yard', lat: 21, lon: 101, radiusM: 100, bays: 1, reeferBays: 0, directions: { en: { x: 1 } } },
        status: 400,
        says: 'directions',
      },
    ],
    [
      'holding-area directions in an unknown language',
      {
        method: 'put',
        path: `${API}/ports/MOHAN/parking-areas/00000000-0000-4000-8000-000000000000`,
        who: 'admin',
        body: { directions: { fr: 'Tout droit' } },
        status: 400,
        says: 'directions',
      },
    ],
    [
      'KPIs over more than 92 days',
      {
        method: 'get',
        path: `${API}/ports/MOHAN/kpis`,
        who: 'admin',
        query: { from: '2026-01-01', to: '2026-12-31' },
        status: 400,
      },
    ],
  ];

  it('has a broad table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map(([name, c]) => [name, c.status, c] as const))('%s → %i', async (_name, _status, c) => {
    const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
    const path = c.path.replace('FIRM', firm.id);
    expectContractError(await send({ ...c, path, body }), c.status, c.says);
  });

  it('no refused request booked, added or changed anything', async () => {
    const [counts] = await api.ds.query(
      `SELECT (SELECT count(*) FROM bookings)::int AS bookings, (SELECT count(*) FROM vehicles)::int AS vehicles,
              (SELECT count(*) FROM drivers)::int AS drivers,
              (SELECT open_from || '-' || open_to || '/' || slot_minutes FROM schedules WHERE port_code = 'MOHAN') AS plan`,
    );
    expect(counts).toMatchObject({ bookings: 1, vehicles: 3, drivers: 2 });
    const detail = await api.http.get(`${API}/ports/MOHAN`).expect(200);
    expect(detail.body.schedule).toMatchObject({
      slotMinutes: DEFAULT_SCHEDULE.slotMinutes,
      openFrom: '08:00',
      openTo: '20:00',
    });
  });

  it.each([
    ['云A·12345', '云A12345'],
    ['ກຂ 1234', 'ກຂ1234'],
    ['yn-a 8 8 8 8', 'YNA8888'],
  ])('accepts the plate %s and stores it as %s', async (plate, normalised) => {
    const res = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.adminToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    expect(res.body).toMatchObject({ id: expect.any(String), plate: normalised, firmId: firm.id });
    // and the normalised form is what makes a duplicate
    const again = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.adminToken))
      .send({ plate: normalised, country: 'CN' });
    expectContractError(again, 409);
    expect(again.body.code).toBe('duplicate_plate');
  });

  it('normalises a phone number with spaces and dashes to E.164', async () => {
    const res = await api.http
      .post(`${API}/drivers`)
      .set(bearer(firm.dispatcherToken))
      .send(driver({ phone: '+856 20-5551-2345' }))
      .expect(201);
    expect(res.body.phone).toBe('+8562055512345');
  });
});
