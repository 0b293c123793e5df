import { randomBytes } from 'node:crypto';
import { RenormalisePlates1796009120007 } from '../../migrations/1796009120007-RenormalisePlates';
import { RenormalisePlatesSkeleton1796036100000 } from '../../migrations/1796036100000-RenormalisePlatesSkeleton';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

/** Plates typed with full-width digits, look-alikes of any alphabet or invisible characters are the plates they look like. */
describe('plates as people and cameras type them', () => {
  let api: TestApi;
  let firm: TestFirm;
  const clock = portDayClock();

  const addVehicle = (plate: string, token = firm.dispatcherToken) =>
    api.http.post(`${API}/vehicles`).set(bearer(token)).send({ plate, country: 'CN' });

  beforeAll(async () => {
    // At 10:00 port time: the slot holding "now" is open for the check-in test whatever the hour the suite runs at.
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Jinghong Haulage', 1);
  });
  afterAll(() => api.close());

  it('registers 云K７７７７７ (full-width digits) as 云K77777: a duplicate of it in the same firm → 409', async () => {
    const first = await addVehicle('云K77777').expect(201);
    expect(first.body.plate).toBe('云K77777');
    const again = await addVehicle('云K７７７７７').expect(409);
    expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'duplicate_plate' });
    const cyrillic = await addVehicle('云KА7777').expect(201); // Cyrillic А
    expect(cyrillic.body.plate).toBe('云KA7777');
    expect((await addVehicle('云KA7777').expect(409)).body.code).toBe('duplicate_plate');
    // Another firm may hold the same plate (plates are unique within a firm only).
    const other = await createFirm(api, 'Other Haulage', 0);
    await addVehicle('云K７７７７７', other.dispatcherToken).expect(201);
  });

  it.each([
    ['only combining marks', '\u0301\u0301\u0301'],
    ['only Thai marks', '\u0e31\u0e34'],
    ['a mark before any letter', '\u0301云K1234'],
  ])('refuses a plate of %s with 400 in the contract error shape', async (_what, plate) => {
    const res = await addVehicle(plate).expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: [expect.stringMatching(/^plate /)] });
  });

  it('checks in by plate whatever look-alikes the gate typed, and refuses bare marks there too', async () => {
    await putSchedule(api, 'MOHAN', {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
    const staff = await api.http
      .post(`${API}/ports/MOHAN/staff`)
      .set(bearer(api.adminToken))
      .send({ email: `staff-${randomBytes(3).toString('hex')}@port.example`, password: 'staff-password' })
      .expect(201);
    const staffToken = api.tokens.sign({ sub: staff.body.id, role: 'port_staff', portCode: 'MOHAN' });
    const slot = await slotAt(api, 'MOHAN');
    const v = await addVehicle('云KEM88').expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId: slot.id, vehicleId: v.body.id, driverId: firm.driverIds[0], cargo: cargo() })
      .expect(201);

    const marks = await api.http
      .post(`${API}/ports/MOHAN/check-ins`)
      .set(bearer(staffToken))
      .send({ plate: '\u0e48\u0e49' })
      .expect(400);
    expect(marks.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    // Cyrillic К, Cherokee Ꭼ, Greek Μ, full-width ８ and a variation selector.
    const res = await api.http
      .post(`${API}/ports/MOHAN/check-ins`)
      .set(bearer(staffToken))
      .send({ plate: '云К\u13ACΜ８\uFE0F8' })
      .expect(201);
    expect(res.body.bookingId).toBe(b.body.id);
  });

  it('the migration re-normalises stored plates and never breaks the firm-plate unique index', async () => {
    const insert = async (plate: string, daysAgo: number, trailer: string | null = null) =>
      (
        await api.ds.query(
          `INSERT INTO vehicles (firm_id, plate, country, trailer_plate, created_at)
           VALUES ($1, $2, 'CN', $3, $5::timestamptz - make_interval(days => $4)) RETURNING id`,
          [firm.id, plate, trailer, daysAgo, clock.now()],
        )
      )[0].id as string;
    const fullWidth = await insert('云K５５５５５', 5, 'ТР１２'); // Cyrillic Т and Р in the trailer plate
    const alone = await insert('云KВ6661', 5); // Cyrillic В, nothing to collide with
    const plainFirst = await insert('云KAB666', 4); // already normal
    const cyrillicLater = await insert('云KАВ666', 3); // would become 云KAB666: taken
    const cyrillicOlder = await insert('云KАВ777', 2); // Cyrillic, older of two spellings that both change
    const greekNewer = await insert('云KΑΒ777', 1); // Greek

    const runner = api.ds.createQueryRunner();
    try {
      await new RenormalisePlates1796009120007().up(runner);
    } finally {
      await runner.release();
    }
    const plateOf = async (id: string) =>
      (await api.ds.query('SELECT plate, trailer_plate FROM vehicles WHERE id = $1', [id]))[0] as {
        plate: string;
        trailer_plate: string | null;
      };
    expect(await plateOf(fullWidth)).toEqual({ plate: '云K55555', trailer_plate: 'TP12' });
    expect((await plateOf(alone)).plate).toBe('云KB6661');
    expect((await plateOf(plainFirst)).plate).toBe('云KAB666');
    expect((await plateOf(cyrillicLater)).plate).toBe('云KАВ666');
    expect((await plateOf(cyrillicOlder)).plate).toBe('云KAB777');
    expect((await plateOf(greekNewer)).plate).toBe('云KΑΒ777');
  });

  it('a plate with a variation selector, a grapheme joiner or Cherokee and Coptic look-alikes is a duplicate of the plain one', async () => {
    expect((await addVehicle('云K12345').expect(201)).body.plate).toBe('云K12345');
    for (const variant of [
      '云K1\uFE0F2345',
      '云K1\u034F2345',
      '云K1\u180B2345',
      '云K1\u17B42345',
      '云K1\u{E0100}2345',
      '云\u13E612345',
      '云\u2C9412345',
    ]) {
      const res = await addVehicle(variant).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'duplicate_plate' });
    }
  });

  it('the skeleton migration folds stored invisible characters and look-alikes, keeping the unique index', async () => {
    const insert = async (plate: string, daysAgo: number) =>
      (
        await api.ds.query(
          `INSERT INTO vehicles (firm_id, plate, country, created_at)
           VALUES ($1, $2, 'CN', $4::timestamptz - make_interval(days => $3)) RETURNING id`,
          [firm.id, plate, daysAgo, clock.now()],
        )
      )[0].id as string;
    const selector = await insert('云K7\uFE0F1234', 3); // alone: becomes 云K71234
    const cherokee = await insert('云\u13E671235', 3); // alone: becomes 云K71235
    const plain = await insert('云K71236', 3);
    const coptic = await insert('云\u2C9471236', 2); // would be 云K71236: taken, keeps its spelling
    const lao = await insert('ບ1234', 3); // a plate script: unchanged

    const runner = api.ds.createQueryRunner();
    try {
      await new RenormalisePlatesSkeleton1796036100000().up(runner);
    } finally {
      await runner.release();
    }
    const plateOf = async (id: string) =>
      (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [id]))[0].plate as string;
    expect(await plateOf(selector)).toBe('云K71234');
    expect(await plateOf(cherokee)).toBe('云K71235');
    expect(await plateOf(plain)).toBe('云K71236');
    expect(await plateOf(coptic)).toBe('云\u2C9471236');
    expect(await plateOf(lao)).toBe('ບ1234');
  });
});
