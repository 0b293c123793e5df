import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DemoDay } from './demo-day';

/**
 * `npm run demo`: a realistic day at Mohan loaded into the running system through its own API (so every page,
 * socket and rule sees it as it would see real work): three firms with dispatchers, trucks and drivers speaking
 * zh, lo, th, vi, my and en; bookings across today's export and import slots; the trucks whose slots have begun
 * checked in at the gate, and the oldest of them called and through the lanes; the yard has confirmed all of those
 * but the last of each direction, which it still awaits. The port publishes its fees, the firms file customs
 * declarations (customs accepts most, inspects a few), and a regulator can read and verify the audit trail of it
 * all. Half the trucks are booked for tomorrow too, so the lane console's forecast of tomorrow has something to
 * show. One gate camera per position (the holding area's entry, the export lane, the yard gate) is registered for
 * `npm run camera`. Prints the logins, the cameras' ids and keys, and returns the day as the camera plays it.
 */

const PORT = 'MOHAN';
const ZONE = 'Asia/Shanghai';
const PASSWORD = {
  staff: 'demo-staff-password',
  yard: 'demo-yard-password',
  regulator: 'demo-regulator-password',
  firmAdmin: 'demo-firm-password',
  dispatcher: 'demo-dispatch-password',
};
/**
 * Mohan's fees as the demo publishes them (illustrative amounts, not the port's real tariff), named in every language
 * its drivers read: a name missing in one is shown in English.
 */
const FEES = {
  currency: 'CNY',
  items: [
    {
      code: 'inspection',
      name: { zh: '查验费', en: 'Inspection', lo: 'ຄ່າກວດກາ', vi: 'Phí kiểm tra', my: 'စစ်ဆေးခ', th: 'ค่าตรวจสอบ' },
      amount: 100,
      unit: 'per_truck',
    },
    {
      code: 'yard',
      name: {
        zh: '场地费',
        en: 'Yard handling',
        lo: 'ຄ່າບໍລິການລານ',
        vi: 'Phí bốc xếp bãi',
        my: 'ကွင်းဝန်ဆောင်ခ',
        th: 'ค่าบริการลาน',
      },
      amount: 3.5,
      unit: 'per_tonne',
    },
  ],
};
const FIRMS = [
  { name: 'Xishuangbanna Cold Chain', country: 'CN', languages: ['zh', 'zh', 'zh', 'en'] },
  { name: 'Lao Cargo Express', country: 'LA', languages: ['lo', 'lo', 'th', 'vi'] },
  { name: 'Mekong Fruit Logistics', country: 'TH', languages: ['th', 'my', 'lo', 'zh'] },
];
const CARGO = [
  { description: 'Fresh bananas, 1,200 cartons', hsCode: '080390', weightKg: 18000, perishable: true },
  { description: 'Natural rubber, smoked sheets', hsCode: '400121', weightKg: 24000, perishable: false },
  { description: 'Cassava chips', hsCode: '071410', weightKg: 26000, perishable: false },
  { description: 'Durians, frozen', hsCode: '081090', weightKg: 15000, perishable: true },
];

export interface DemoOptions {
  url: string;
  adminEmail: string;
  adminPassword: string;
  say: (line: string) => void;
  /** The time the demo's day is judged at: the system's; a test gives the API's Clock. */
  now?: () => Date;
}

interface Booked {
  id: string;
  reference: string;
  driverCode: string;
  plate: string;
  startsAt: number;
  direction: string;
}

export interface DemoCamera {
  id: string;
  name: string;
  position: 'holding_entry' | 'lane' | 'yard_gate';
  laneId: string | null;
  areaId: string | null;
  /** Shown once, as the API shows it. */
  key: string;
}

export async function runDemo(o: DemoOptions): Promise<{
  bookings: number;
  tomorrow: number;
  declared: number;
  checkedIn: number;
  completed: number;
  yardArrived: number;
  cameras: DemoCamera[];
  day: DemoDay;
}> {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<Record<string, unknown>> => {
    const res = await fetch(`${o.url}/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (res.status === 204 ? {} : await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  const login = async (email: string, password: string) =>
    (await call('POST', '/auth/login', { email, password })).accessToken as string;
  const tag = randomBytes(2).toString('hex');

  const admin = await login(o.adminEmail, o.adminPassword);
  await call(
    'PUT',
    `/ports/${PORT}/schedule`,
    {
      slotMinutes: 60,
      capacity: { export: 12, import: 8 },
      openFrom: '06:00',
      openTo: '22:00',
      firmQuotaPercent: 60,
      horizonDays: 7,
      earlyArrivalMinutes: 60,
      checkInGraceMinutes: 30,
      calledTimeoutMinutes: 15,
    },
    admin,
  );
  const staffEmail = `staff.mohan.${tag}@demo.kouan`;
  await call('POST', `/ports/${PORT}/staff`, { email: staffEmail, password: PASSWORD.staff }, admin);
  const staff = await login(staffEmail, PASSWORD.staff);
  const yardEmail = `yard.mohan.${tag}@demo.kouan`;
  await call('POST', `/ports/${PORT}/staff`, { email: yardEmail, password: PASSWORD.yard, role: 'yard_staff' }, admin);
  const yard = await login(yardEmail, PASSWORD.yard);
  const regulatorEmail = `regulator.${tag}@demo.kouan`;
  await call('POST', '/regulators', { email: regulatorEmail, password: PASSWORD.regulator }, admin);

  const clockNow = () => (o.now ? o.now() : new Date());
  const today = DateTime.fromJSDate(clockNow()).setZone(ZONE).toISODate() as string;
  await call('PUT', `/ports/${PORT}/fees`, { effectiveFrom: today, ...FEES }, admin);
  const slots: Record<string, Array<{ id: string; startsAt: string; bookable: boolean; available: number }>> = {};
  for (const direction of ['export', 'import']) {
    slots[direction] = (await call(
      'GET',
      `/ports/${PORT}/slots?date=${today}&direction=${direction}`,
    )) as unknown as (typeof slots)[string];
  }
  const tomorrow = DateTime.fromJSDate(clockNow()).setZone(ZONE).plus({ days: 1 }).toISODate() as string;
  const ahead: Record<string, Array<{ id: string }>> = {};
  for (const direction of ['export', 'import']) {
    ahead[direction] = (await call(
      'GET',
      `/ports/${PORT}/slots?date=${tomorrow}&direction=${direction}`,
    )) as unknown as (typeof ahead)[string];
  }
  let bookedAhead = 0;
  /** A booking of tomorrow's: still open whatever the hour the demo runs at. */
  let aheadLogin: { reference: string; driverCode: string } | undefined;
  // Slots still bookable today (a booking can be made until its slot ends), in time order.
  const open = (direction: string) => slots[direction].filter((s) => s.bookable);

  const logins: string[] = [];
  const booked: Booked[] = [];
  for (const [f, firm] of FIRMS.entries()) {
    const created = await call(
      'POST',
      '/firms',
      { name: `${firm.name} ${tag}`, country: firm.country, contactEmail: `ops${f}.${tag}@demo.kouan` },
      admin,
    );
    const adminEmail = `admin${f}.${tag}@demo.kouan`;
    const dispatchEmail = `dispatch${f}.${tag}@demo.kouan`;
    await call(
      'POST',
      `/firms/${created.id as string}/users`,
      { email: adminEmail, password: PASSWORD.firmAdmin, role: 'firm_admin' },
      admin,
    );
    await call(
      'POST',
      `/firms/${created.id as string}/users`,
      { email: dispatchEmail, password: PASSWORD.dispatcher, role: 'dispatcher' },
      admin,
    );
    logins.push(
      `  ${firm.name}: firm admin ${adminEmail} / ${PASSWORD.firmAdmin}, dispatcher ${dispatchEmail} / ${PASSWORD.dispatcher}`,
    );
    const dispatcher = await login(dispatchEmail, PASSWORD.dispatcher);
    for (let i = 0; i < 8; i++) {
      const prefix = firm.country === 'CN' ? '云K' : firm.country === 'LA' ? 'ນວ' : 'กข';
      const v = await call(
        'POST',
        '/vehicles',
        { plate: `${prefix}${tag.toUpperCase()}${f}${i}`, country: firm.country, reefer: i % 3 === 0 },
        dispatcher,
      );
      const d = await call(
        'POST',
        '/drivers',
        {
          name: `Driver ${f}-${i}`,
          phone: `+8613${String(800000000 + f * 100 + i)}`,
          licenceNo: `DL-${tag}-${f}${i}`,
          language: firm.languages[i % firm.languages.length],
        },
        dispatcher,
      );
      const direction = i % 3 === 2 ? 'import' : 'export';
      const choices = open(direction);
      if (!choices.length) continue;
      const slot = choices[Math.min(choices.length - 1, (i * 2 + f) % choices.length)];
      try {
        const b = await call(
          'POST',
          '/bookings',
          { slotId: slot.id, vehicleId: v.id, driverId: d.id, cargo: CARGO[(i + f) % CARGO.length] },
          dispatcher,
        );
        booked.push({
          id: b.id as string,
          reference: b.reference as string,
          driverCode: b.driverCode as string,
          plate: v.plate as string,
          startsAt: Date.parse(slot.startsAt),
          direction,
        });
        // Most firms file the declaration with the booking; one truck in four still has its papers to come.
        if (i % 4 !== 3)
          await call(
            'PUT',
            `/bookings/${b.id as string}/declaration`,
            { declarationNo: `5301${tag}${f}${i}`, customsOffice: 'Mohan Customs' },
            dispatcher,
          );
      } catch {
        // The slot filled up or the firm's share of it is taken: this truck is not booked today, as happens.
      }
      if (i % 2 === 0) {
        // Tomorrow, in the morning peak: a slot between 08:00 and 11:00 (06:00 is the first).
        const next = ahead[direction][2 + ((i + f) % 4)];
        const t = await call(
          'POST',
          '/bookings',
          { slotId: next.id, vehicleId: v.id, driverId: d.id, cargo: CARGO[(i + f + 1) % CARGO.length] },
          dispatcher,
        );
        aheadLogin ??= { reference: t.reference as string, driverCode: t.driverCode as string };
        bookedAhead += 1;
      }
    }
  }

  // Customs answers what was filed: accepted, and one in six sent for inspection.
  let declared = 0;
  for (const [k, b] of booked.entries()) {
    const status = k % 4 === 3 ? null : k % 6 === 5 ? 'inspection' : 'accepted';
    if (!status) continue;
    await call(
      'POST',
      `/bookings/${b.id}/declaration/status`,
      { status, ...(status === 'inspection' ? { note: 'open the doors at the inspection bay' } : {}) },
      staff,
    );
    declared += 1;
  }

  // The gate: trucks whose check-in window is open arrive, in slot order.
  let checkedIn = 0;
  const now = clockNow().getTime();
  const arrived = new Set<string>();
  for (const b of [...booked].sort((x, y) => x.startsAt - y.startsAt)) {
    if (b.startsAt - 60 * 60_000 > now) continue;
    try {
      await call('POST', `/ports/${PORT}/check-ins`, { plate: b.plate }, staff);
      checkedIn += 1;
      arrived.add(b.id);
    } catch {
      // Too late for its slot: it stays booked and the worker will mark it a no-show.
    }
  }
  // The lanes: the first half of the waiting trucks have been called and are through; one is on its way now.
  const port = (await call('GET', `/ports/${PORT}`)) as unknown as {
    timeZone: string;
    lanes: Array<{ id: string; direction: string }>;
    parkingAreas: Array<{ id: string }>;
  };
  const lanes = port.lanes;
  const plateOf = new Map(booked.map((b) => [b.id, b]));
  const calledNow: DemoDay['called'] = [];
  const through: DemoDay['completed'] = [];
  let completed = 0;
  let yardArrived = 0;
  for (const direction of ['export', 'import']) {
    const lane = lanes.find((l) => l.direction === direction);
    if (!lane) continue;
    const queue = await call('GET', `/ports/${PORT}/queue?direction=${direction}`);
    const waiting = (queue.entries as unknown[]).length;
    const done: string[] = [];
    for (let k = 0; k < Math.floor(waiting / 2); k++) {
      const called = await call('POST', `/ports/${PORT}/lanes/${lane.id}/call-next`, undefined, staff);
      await call('POST', `/bookings/${called.bookingId as string}/complete`, undefined, staff);
      done.push(called.bookingId as string);
      completed += 1;
    }
    // The yard has seen all but the last one through its gate: /yard shows that one still on its way.
    for (const [k, id] of done.entries()) {
      const last = k === done.length - 1;
      if (!last) {
        await call('POST', `/bookings/${id}/yard-arrival`, undefined, yard);
        yardArrived += 1;
      }
      through.push({ plate: plateOf.get(id)?.plate ?? '', bookingId: id, direction, yardArrived: !last });
    }
    if (waiting > 1) {
      const called = await call('POST', `/ports/${PORT}/lanes/${lane.id}/call-next`, undefined, staff);
      const id = called.bookingId as string;
      calledNow.push({ plate: plateOf.get(id)?.plate ?? '', bookingId: id, direction, laneId: lane.id });
    }
  }

  // The gate cameras: one at the holding area's entry, one over the export lane, one at the yard gate.
  const exportLane = lanes.find((l) => l.direction === 'export');
  const cameras: DemoCamera[] = [];
  for (const [name, body] of [
    [`Holding area entry (demo ${tag})`, { position: 'holding_entry', areaId: port.parkingAreas[0]?.id }],
    [`Export lane (demo ${tag})`, { position: 'lane', laneId: exportLane?.id }],
    [`Yard gate (demo ${tag})`, { position: 'yard_gate' }],
  ] as const) {
    if ('areaId' in body && !body.areaId) continue;
    if ('laneId' in body && !body.laneId) continue;
    cameras.push((await call('POST', `/ports/${PORT}/devices`, { name, ...body }, admin)) as unknown as DemoCamera);
  }
  const stillBooked: DemoDay['booked'] = { export: [], import: [] };
  for (const b of [...booked].sort((x, y) => x.startsAt - y.startsAt)) {
    if (!arrived.has(b.id))
      stillBooked[b.direction].push({
        plate: b.plate,
        bookingId: b.id,
        startsAt: new Date(b.startsAt).toISOString(),
      });
  }
  const day: DemoDay = {
    port: PORT,
    date: today,
    timeZone: port.timeZone,
    booked: stillBooked,
    called: calledNow,
    completed: through,
    devices: cameras.map(({ id, name, position, laneId, areaId }) => ({ id, name, position, laneId, areaId })),
  };

  // A login that works: a truck of today's still to come, or (late in the day, every slot begun) one of tomorrow's.
  const driver = booked.find((b) => b.startsAt > now) ?? aheadLogin;
  o.say(
    `Demo day at ${PORT} (${today}): ${booked.length} bookings (${declared} declarations answered by customs), ${checkedIn} checked in, ${completed} through the lanes, ${yardArrived} at the yard; fees published; ${bookedAhead} booked for tomorrow.`,
  );
  o.say(`Open ${o.url}/board/${PORT}  (public board)`);
  o.say(`     ${o.url}/staff  as ${staffEmail} / ${PASSWORD.staff}`);
  o.say(`     ${o.url}/yard  as ${yardEmail} / ${PASSWORD.yard}`);
  o.say(
    `     ${o.url}/api/v1/audit/verify  as regulator ${regulatorEmail} / ${PASSWORD.regulator} (POST /api/v1/auth/login for the token)`,
  );
  o.say(`     ${o.url}/firm  as one of:`);
  for (const line of logins) o.say(line);
  if (driver) o.say(`     ${o.url}/d  with reference ${driver.reference} and driver code ${driver.driverCode}`);
  o.say(`Gate cameras at ${PORT} (each key is shown only now):`);
  for (const c of cameras) o.say(`  ${c.position.padEnd(13)} ${c.name}: device ${c.id}, key ${c.key}`);
  const entry = cameras.find((c) => c.position === 'holding_entry');
  if (entry)
    o.say(
      `Play the day's reads with a camera (add --xml for Hikvision ISAPI): npm run camera -- --port ${PORT} --device ${entry.id} --key ${entry.key} --url ${o.url}`,
    );
  return {
    bookings: booked.length + bookedAhead,
    tomorrow: bookedAhead,
    declared,
    checkedIn,
    completed,
    yardArrived,
    cameras,
    day,
  };
}
