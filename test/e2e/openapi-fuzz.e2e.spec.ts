import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  startApi,
  TestApi,
} from '../support/harness';
import { OpenApiChecker, Operation } from '../support/openapi';

type Schema = Record<string, unknown>;
type Role = 'none' | 'port_admin' | 'port_staff' | 'firm_admin' | 'dispatcher' | 'driver' | 'device';
const ROLES: Role[] = ['none', 'port_admin', 'port_staff', 'firm_admin', 'dispatcher', 'driver', 'device'];

/** Fixed, so a failure found once is found again; bounded, so the file ends within about a minute on 2 cores. */
const SEED = 20_260_601;
const RUNS_PER_OPERATION = 150;

/** Values no client should send, which must still be answered with a 4xx in the contract's shape. */
const nested = fc.integer({ min: 1, max: 10 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { deeper: v };
  return v;
});
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'x'.repeat(5000),
    '云A·12345',
    'ກຂ 1234',
    '💣'.repeat(300),
    "'; drop table bookings; --",
    '../../etc/passwd',
    '2026-02-30',
    '24:00',
    '1e308',
    '-0',
    'NaN',
    '__proto__',
    '<script>alert(1)</script>',
    '\u202e\u0301',
  ),
);
const hostile = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, { $ne: '' }, [
    1,
    'a',
    null,
  ]),
  fc.integer(),
  fc.double({ noNaN: true }),
  nested,
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/**
 * Answers checked against the document for every operation, every role and generated bodies, queries and path
 * parameters: mostly values the document's schemas allow (and real ids, so requests get past validation), mixed
 * with hostile ones. Nothing may answer 5xx, and nothing may answer outside the document.
 */
describe('fuzzing every operation of the OpenAPI document', () => {
  let api: TestApi;
  let oa: OpenApiChecker;
  let tokens: Record<Role, string | undefined>;
  /** A gate camera's key (the `device` role): of a device the fuzzed routes never name, so nobody removes it. */
  let deviceKey: string;
  /** Real values found in this database, by the name of the field or parameter that takes them. */
  let known: Record<string, string[]>;

  // The API runs from 10:00 port time: the day's open slots, and the booking in one of them, are the clock's.
  const clock = portDayClock();

  beforeAll(async () => {
    api = await startApi({}, { clock });
    oa = await OpenApiChecker.load(api);
    const firm = await createFirm(api, 'Fuzz Freight', 2);
    await putSchedule(api, 'MOHAN', {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    const date = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const slots = (await api.http.get(`${API}/ports/MOHAN/slots`).query({ date, direction: 'export' }).expect(200))
      .body as Array<{ id: string; endsAt: string }>;
    const open = slots.filter((s) => Date.parse(s.endsAt) > clock.now().getTime()).map((s) => s.id);
    const booking = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: open[0], vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);
    const session = await api.http
      .post(`${API}/driver/session`)
      .send({ reference: booking.body.reference, driverCode: booking.body.driverCode })
      .expect(200);
    const staff = await api.http
      .post(`${API}/ports/MOHAN/staff`)
      .set(bearer(api.adminToken))
      .send({ email: `staff-${randomBytes(3).toString('hex')}@port.example`, password: 'correct-horse-battery' })
      .expect(201);
    const port = (await api.http.get(`${API}/ports/MOHAN`).expect(200)).body as {
      lanes: Array<{ id: string }>;
      parkingAreas: Array<{ id: string }>;
    };
    tokens = {
      none: undefined,
      port_admin: api.adminToken,
      port_staff: api.tokens.sign({ sub: staff.body.id, role: 'port_staff', portCode: 'MOHAN' }),
      firm_admin: firm.adminToken,
      dispatcher: firm.dispatcherToken,
      driver: session.body.accessToken,
      device: undefined,
    };
    const addDevice = async (name: string) =>
      (
        await api.http
          .post(`${API}/ports/MOHAN/devices`)
          .set(bearer(api.adminToken))
          .send({ name, position: 'holding_entry', areaId: port.parkingAreas[0].id })
          .expect(201)
      ).body as { id: string; key: string };
    deviceKey = (await addDevice('fuzz camera')).key;
    const named = await addDevice('named camera');
    const read = await api.http
      .post(`${API}/gate/reads`)
      .set('Authorization', `Device ${named.key}`)
      .send({ plate: '云K54321', confidence: 0.5 })
      .expect(202);
    const uuids = ['00000000-0000-0000-0000-000000000000', randomUUID()];
    known = {
      code: ['MOHAN', 'mohan', 'KMG', 'HEKOU', 'NOWHERE', 'MOHAN-RAIL'],
      id: [booking.body.id, firm.id, port.parkingAreas[0].id, named.id, read.body.readId, ...uuids],
      laneId: [...port.lanes.map((l) => l.id), ...uuids],
      slotId: [...open.slice(0, 3), ...uuids],
      vehicleId: [...firm.vehicleIds, ...uuids],
      driverId: [...firm.driverIds, ...uuids],
      reference: [booking.body.reference, 'MOHAN-20260101-ABCD'],
      driverCode: [booking.body.driverCode, '000000'],
      plate: ['云K12345', 'ກຂ 1234'],
      email: ['dispatch@firm.example', `admin-${api.redisPrefix}@kouan.test`],
      date: [date, '2026-02-30', '1900-01-01', '9999-12-31'],
      from: [date],
      to: [date],
    };
  });
  afterAll(() => api.close());

  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref as string | undefined;
    return ref ? resolve(oa.doc.components.schemas[ref.split('/').pop() as string]) : schema;
  };

  /** Values the schema allows (or nearly: bounds and lengths are pushed on), seeded with the document's examples. */
  const fromSchema = (raw: Schema, name: string, depth: number, dirty: boolean): fc.Arbitrary<unknown> => {
    const schema = resolve(raw);
    const choices = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    if (choices) return fc.oneof(...choices.map((c) => fromSchema(c, name, depth, dirty)));
    if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
    const seeds = [...(known[name] ?? []), ...(schema.example !== undefined ? [schema.example] : [])];
    const seeded = (arb: fc.Arbitrary<unknown>) =>
      seeds.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...seeds) }, { weight: 1, arbitrary: arb }) : arb;
    switch (schema.type) {
      case 'integer':
      case 'number': {
        const min = (schema.minimum as number | undefined) ?? -100_000;
        const max = (schema.maximum as number | undefined) ?? 100_000;
        return seeded(
          dirty
            ? fc.oneof(
                fc.integer({ min, max }),
                fc.constantFrom(min - 1, max + 1),
                fc.double({ min, max, noNaN: true }),
              )
            : fc.integer({ min, max }),
        );
      }
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 3
          ? fc.constant([])
          : fc.array(value(schema.items as Schema, name, depth + 1, dirty), { maxLength: 3 });
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        if (depth > 3 || Object.keys(properties).length === 0)
          return seeded(fc.dictionary(fc.string({ maxLength: 5 }), hostileString, { maxKeys: 3 }));
        const model = Object.fromEntries(
          Object.entries(properties).map(([k, s]) => [k, value(s, k, depth + 1, dirty)]),
        );
        const required = (schema.required ?? []) as string[];
        // Mostly bodies with every required field, so requests reach the rules behind validation; some lack
        // fields, some carry one the DTO does not know.
        if (!dirty) return fc.record(model, { requiredKeys: required });
        return fc
          .tuple(
            fc.oneof(
              { weight: 4, arbitrary: fc.record(model, { requiredKeys: required }) },
              { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
            ),
            fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), hostile, { minKeys: 1, maxKeys: 2 }), {
              freq: 4,
            }),
          )
          .map(([record, extra]) => (extra ? { ...record, ...extra } : record));
      }
      default:
        return seeded(fc.oneof(fc.string({ maxLength: 30 }), fc.uuid()));
    }
  };

  /** A clean draw keeps to the schema; a dirty one mixes hostile values into it. */
  const value = (schema: Schema, name: string, depth: number, dirty: boolean) =>
    dirty
      ? fc.oneof({ weight: 3, arbitrary: fromSchema(schema, name, depth, dirty) }, { weight: 1, arbitrary: hostile })
      : fromSchema(schema, name, depth, dirty);

  const pathValue = (name: string, dirty: boolean) =>
    dirty
      ? fc.constantFrom(
          'not-a-uuid',
          '0',
          'x'.repeat(300),
          '云南',
          '..',
          ' ',
          '%',
          'MOHAN;DROP',
          '💣',
          ...(known[name] ?? []),
        )
      : fc.constantFrom(...(known[name] ?? ['x']));

  const queryValue = (schema: Schema, name: string, dirty: boolean) =>
    value(schema, name, 0, dirty).map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)));

  interface Draw {
    role: Role;
    path: Record<string, string>;
    query: Record<string, string>;
    body: unknown;
    header?: string;
  }

  const drawFor = (o: Operation, dirty: boolean): fc.Arbitrary<Draw> => {
    const params = o.op.parameters ?? [];
    const pathArb = fc.record(
      Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(p.name, dirty)])),
    );
    const queries = params.filter((p) => p.in === 'query');
    const queryArb = fc
      .tuple(
        fc.record(Object.fromEntries(queries.map((p) => [p.name, queryValue(p.schema ?? {}, p.name, dirty)])), {
          requiredKeys: dirty ? [] : queries.filter((p) => p.required).map((p) => p.name),
        }),
        dirty
          ? fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), hostileString), { freq: 3 })
          : fc.constant(null),
      )
      .map(([q, extra]) => (extra ? { ...q, [extra[0]]: extra[1] } : q) as Record<string, string>);
    const bodySchema = o.op.requestBody?.content['application/json']?.schema;
    const bodyArb = bodySchema
      ? dirty
        ? fc.oneof({ weight: 4, arbitrary: fromSchema(bodySchema, 'body', 0, true) }, { weight: 1, arbitrary: hostile })
        : fromSchema(bodySchema, 'body', 0, false)
      : fc.constant(undefined);
    const header = params.some((p) => p.in === 'header')
      ? fc.option(
          fc.oneof(
            fc.constant(randomUUID()),
            fc.string({ unit: fc.constantFrom(...'abcXYZ-_:0 ~!'.split('')), maxLength: 250 }),
          ),
          { freq: 2 },
        )
      : fc.constant(null);
    return fc
      .record({ role: fc.constantFrom(...ROLES), path: pathArb, query: queryArb, body: bodyArb, header })
      .map((d) => ({ ...d, header: d.header ?? undefined }));
  };

  it('no operation answers 5xx or outside the document, whoever asks and whatever they send', async () => {
    const failures: string[] = [];
    const pastGuard = new Set<string>();
    for (const o of oa.operations) {
      const result = await fc.check(
        fc.asyncProperty(fc.oneof(drawFor(o, false), drawFor(o, true)), async (d) => {
          const url = o.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(d.path[name]));
          let req = api.http[o.method.toLowerCase() as 'get' | 'post' | 'put'](url).query(d.query);
          if (tokens[d.role]) req = req.set(bearer(tokens[d.role] as string));
          if (d.role === 'device') req = req.set('Authorization', `Device ${deviceKey}`);
          if (d.header !== undefined) req = req.set('Idempotency-Key', d.header);
          const res = await (d.body === undefined
            ? req
            : req.set('Content-Type', 'application/json').send(JSON.stringify(d.body) ?? 'null'));
          if (res.status !== 401 && res.status !== 403) pastGuard.add(o.id);
          const problems = oa.problems(o.method, url, res);
          if (res.status >= 500 || problems.length) {
            throw new Error(
              `${o.method} ${url} as ${d.role} → ${res.status} ${res.text.slice(0, 300)}\n${problems.join('\n')}`,
            );
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
      if (result.failed)
        failures.push(
          `${o.id}: ${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}\n  with ${JSON.stringify(result.counterexample)?.slice(0, 500)}`,
        );
    }
    expect(failures).toEqual([]);
    // The roles drawn were not all refused at the door: every operation's own checks were reached.
    expect(oa.operations.map((o) => o.id).filter((id) => !pastGuard.has(id))).toEqual([]);
    // A fixed number of runs over every operation (more with each round of routes): its length is the work, not a
    // budget, so the limit is only there to stop a hung run.
  }, 600_000);
});
