import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { createKouanClient, ok, signIn } from '@kouan/client';
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
 * Every call goes through the typed client (`@kouan/client`), as a firm's system would make it: a path or field the
 * API no longer has fails the type check.
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
      unit: 'per_truck' as const,
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
      unit: 'per_tonne' as const,
    },
  ],
};
const FIRMS = [
  { name: 'Xishuangbanna Cold Chain', country: 'CN', languages: ['zh', 'zh', 'zh', 'en'] },
  { name: 'Lao Cargo Express', country: 'LA', languages: ['lo', 'lo', 'th', 'vi'] },
  { name: 'Mekong Fruit Logistics', country: 'TH', languages: ['th', 'my', 'lo', 'zh'] },
] as const;
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

type Direction = 'export' | 'import';

interface Booked {
  id: string;
  reference: string;
  driverCode: string;
  plate: string;
  startsAt: number;
  direction: Direction;
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
  const kouan = createKouanClient({ baseUrl: o.url });
  const login = (email: string, password: string) => signIn(o.url, email, password);
  const tag = randomBytes(2).toString('hex');

  const admin = await login(o.adminEmail, o.adminPassword);
  const port = { params: { path: { code: PORT } } };
  ok(
    await admin.PUT('/api/v1/ports/{code}/schedule', {
      ...port,
      body: {
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
    }),
  );
  const staffEmail = `staff.mohan.${tag}@demo.kouan`;
  ok(
    await admin.POST('/api/v1/ports/{code}/staff', { ...port, body: { email: staffEmail, password: PASSWORD.staff } }),
  );
  const staff = await login(staffEmail, PASSWORD.staff);
  const yardEmail = `yard.mohan.${tag}@demo.kouan`;
  ok(
    await admin.POST('/api/v1/ports/{code}/staff', {
      ...port,
      body: { email: yardEmail, password: PASSWORD.yard, role: 'yard_staff' },
    }),
  );
  const yard = await login(yardEmail, PASSWORD.yard);
  const regulatorEmail = `regulator.${tag}@demo.kouan`;
  ok(await admin.POST('/api/v1/regulators', { body: { email: regulatorEmail, password: PASSWORD.regulator } }));

  const clockNow = () => (o.now ? o.now() : new Date());
  const today = DateTime.fromJSDate(clockNow()).setZone(ZONE).toISODate() as string;
  ok(await admin.PUT('/api/v1/ports/{code}/fees', { ...port, body: { effectiveFrom: today, ...FEES } }));
  const slotsOf = async (date: string, direction: Direction) =>
    ok(await kouan.GET('/api/v1/ports/{code}/slots', { params: { path: { code: PORT }, query: { date, direction } } }));
  const slots = { export: await slotsOf(today, 'export'), import: await slotsOf(today, 'import') };
  const tomorrow = DateTime.fromJSDate(clockNow()).setZone(ZONE).plus({ days: 1 }).toISODate() as string;
  const ahead = { export: await slotsOf(tomorrow, 'export'), import: await slotsOf(tomorrow, 'import') };
  let bookedAhead = 0;
  /** A booking of tomorrow's: still open whatever the hour the demo runs at. */
  let aheadLogin: { reference: string; driverCode: string } | undefined;
  // Slots still bookable today (a booking can be made until its slot ends), in time order.
  const open = (direction: Direction) => slots[direction].filter((s) => s.bookable);

  const logins: string[] = [];
  const booked: Booked[] = [];
  for (const [f, firm] of FIRMS.entries()) {
    const created = ok(
      await admin.POST('/api/v1/firms', {
        body: { name: `${firm.name} ${tag}`, country: firm.country, contactEmail: `ops${f}.${tag}@demo.kouan` },
      }),
    );
    const firmPath = { params: { path: { id: created.id } } };
    const adminEmail = `admin${f}.${tag}@demo.kouan`;
    const dispatchEmail = `dispatch${f}.${tag}@demo.kouan`;
    ok(
      await admin.POST('/api/v1/firms/{id}/users', {
        ...firmPath,
        body: { email: adminEmail, password: PASSWORD.firmAdmin, role: 'firm_admin' },
      }),
    );
    ok(
      await admin.POST('/api/v1/firms/{id}/users', {
        ...firmPath,
        body: { email: dispatchEmail, password: PASSWORD.dispatcher, role: 'dispatcher' },
      }),
    );
    logins.push(
      `  ${firm.name}: firm admin ${adminEmail} / ${PASSWORD.firmAdmin}, dispatcher ${dispatchEmail} / ${PASSWORD.dispatcher}`,
    );
    const dispatcher = await login(dispatchEmail, PASSWORD.dispatcher);
    for (let i = 0; i < 8; i++) {
      const prefix = firm.country === 'CN' ? '云K' : firm.country === 'LA' ? 'ນວ' : 'กข';
      const v = ok(
        await dispatcher.POST('/api/v1/vehicles', {
          body: { plate: `${prefix}${tag.toUpperCase()}${f}${i}`, country: firm.country, reefer: i % 3 === 0 },
        }),
      );
      const d = ok(
        await dispatcher.POST('/api/v1/drivers', {
          body: {
            name: `Driver ${f}-${i}`,
            phone: `+8613${String(800000000 + f * 100 + i)}`,
            licenceNo: `DL-${tag}-${f}${i}`,
            language: firm.languages[i % firm.languages.length],
          },
        }),
      );
      const direction: Direction = i % 3 === 2 ? 'import' : 'export';
      const choices = open(direction);
      if (!choices.length) continue;
      const slot = choices[Math.min(choices.length - 1, (i * 2 + f) % choices.length)];
      try {
        const b = ok(
          await dispatcher.POST('/api/v1/bookings', {
            body: { slotId: slot.id, vehicleId: v.id, driverId: d.id, cargo: CARGO[(i + f) % CARGO.length] },
          }),
        );
        booked.push({
          id: b.id,
          reference: b.reference,
          driverCode: b.driverCode,
          plate: v.plate,
          startsAt: Date.parse(slot.startsAt),
          direction,
        });
        // Most firms file the declaration with the booking; one truck in four still has its papers to come.
        if (i % 4 !== 3)
          ok(
            await dispatcher.PUT('/api/v1/bookings/{id}/declaration', {
              params: { path: { id: b.id } },
              body: { declarationNo: `5301${tag}${f}${i}`, customsOffice: 'Mohan Customs' },
            }),
          );
      } catch {
        // The slot filled up or the firm's share of it is taken: this truck is not booked today, as happens.
      }
      if (i % 2 === 0) {
        // Tomorrow, in the morning peak: a slot between 08:00 and 11:00 (06:00 is the first).
        const next = ahead[direction][2 + ((i + f) % 4)];
        const t = ok(
          await dispatcher.POST('/api/v1/bookings', {
            body: { slotId: next.id, vehicleId: v.id, driverId: d.id, cargo: CARGO[(i + f + 1) % CARGO.length] },
          }),
        );
        aheadLogin ??= { reference: t.reference, driverCode: t.driverCode };
        bookedAhead += 1;
      }
    }
  }

  // Customs answers what was filed: accepted, and one in six sent for inspection.
  let declared = 0;
  for (const [k, b] of booked.entries()) {
    const status = k % 4 === 3 ? null : k % 6 === 5 ? 'inspection' : 'accepted';
    if (!status) continue;
    ok(
      await staff.POST('/api/v1/bookings/{id}/declaration/status', {
        params: { path: { id: b.id } },
        body: { status, ...(status === 'inspection' ? { note: 'open the doors at the inspection bay' } : {}) },
      }),
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
      ok(await staff.POST('/api/v1/ports/{code}/check-ins', { ...port, body: { plate: b.plate } }));
      checkedIn += 1;
      arrived.add(b.id);
    } catch {
      // Too late for its slot: it stays booked and the worker will mark it a no-show.
    }
  }
  // The lanes: the first half of the waiting trucks have been called and are through; one is on its way now.
  const mohan = ok(await kouan.GET('/api/v1/ports/{code}', port));
  const lanes = mohan.lanes;
  const plateOf = new Map(booked.map((b) => [b.id, b]));
  const calledNow: DemoDay['called'] = [];
  const through: DemoDay['completed'] = [];
  let completed = 0;
  let yardArrived = 0;
  for (const direction of ['export', 'import'] as const) {
    const lane = lanes.find((l) => l.direction === direction);
    if (!lane) continue;
    const queue = ok(
      await kouan.GET('/api/v1/ports/{code}/queue', { params: { path: { code: PORT }, query: { direction } } }),
    );
    const waiting = queue.entries.length;
    const done: string[] = [];
    const callNext = async () =>
      ok(
        await staff.POST('/api/v1/ports/{code}/lanes/{laneId}/call-next', {
          params: { path: { code: PORT, laneId: lane.id } },
          body: {},
        }),
      ).bookingId;
    for (let k = 0; k < Math.floor(waiting / 2); k++) {
      const id = await callNext();
      ok(await staff.POST('/api/v1/bookings/{id}/complete', { params: { path: { id } } }));
      done.push(id);
      completed += 1;
    }
    // The yard has seen all but the last one through its gate: /yard shows that one still on its way.
    for (const [k, id] of done.entries()) {
      const last = k === done.length - 1;
      if (!last) {
        ok(await yard.POST('/api/v1/bookings/{id}/yard-arrival', { params: { path: { id } } }));
        yardArrived += 1;
      }
      through.push({ plate: plateOf.get(id)?.plate ?? '', bookingId: id, direction, yardArrived: !last });
    }
    if (waiting > 1) {
      const id = await callNext();
      calledNow.push({ plate: plateOf.get(id)?.plate ?? '', bookingId: id, direction, laneId: lane.id });
    }
  }

  // The gate cameras: one at the holding area's entry, one over the export lane, one at the yard gate.
  const exportLane = lanes.find((l) => l.direction === 'export');
  const cameras: DemoCamera[] = [];
  for (const [name, body] of [
    [`Holding area entry (demo ${tag})`, { position: 'holding_entry', areaId: mohan.parkingAreas[0]?.id }],
    [`Export lane (demo ${tag})`, { position: 'lane', laneId: exportLane?.id }],
    [`Yard gate (demo ${tag})`, { position: 'yard_gate' }],
  ] as const) {
    if ('areaId' in body && !body.areaId) continue;
    if ('laneId' in body && !body.laneId) continue;
    cameras.push(ok(await admin.POST('/api/v1/ports/{code}/devices', { ...port, body: { name, ...body } })));
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
    timeZone: mohan.timeZone,
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
