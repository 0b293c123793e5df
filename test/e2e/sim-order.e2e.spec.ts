import { DataSource, EntityManager } from 'typeorm';
import { BookingTransitions } from '@kouan/booking';
import { dataSourceOptions } from '@kouan/db';
import { HEAD, HEAD_N, type Head, leaveMerge, readmitBehindHead as productReadmit, WAITING_ORDER } from '@kouan/queue';
import { MergeState, Random, readmitBehindHead, takeHead, waitingOrder, Waiting } from '@kouan/sim';
import { cloneTemplate } from '../support/db';

/**
 * The simulator calls trucks in its own model of the queue order (libs/sim/src/queue-order.ts). These prove it
 * orders the same trucks the same way as the product: random queues written as rows of a real database and read
 * back through WAITING_ORDER, and random sequences of check-ins, calls and skips made by the product's own
 * statements (BookingTransitions, HEAD, leaveMerge, readmitBehindHead) against the model's takeHead and
 * readmitBehindHead, comparing the whole line and the green channel's count after every step.
 */

const PORT = 'MOHAN';
const DIRECTION = 'export';
/** Slot starts relative to the transaction's now(), minutes: earlier, current (0 has started), later. */
const SLOT_OFFSETS = [-180, -60, 0, 60, 120];
const STATIC_CASES = 400;
const DAYS = 25;
const STEPS = 60;

interface Truck extends Waiting {
  id: string;
}

let ds: DataSource;
let drop: () => Promise<void>;
let firmId: string;
let driverId: string;
let vehicleIds: string[];
let laneId: string;
let references = 0;

beforeAll(async () => {
  const db = await cloneTemplate();
  drop = db.drop;
  ds = await new DataSource(dataSourceOptions({ databaseUrl: db.url, dbPoolSize: 2 })).initialize();
  [{ id: firmId }] = await ds.query(
    `INSERT INTO firms (name, country, contact_email) VALUES ('Sim firm', 'CN', 'sim@example.cn') RETURNING id`,
  );
  [{ id: driverId }] = await ds.query(
    `INSERT INTO drivers (firm_id, name, phone, licence_no, language) VALUES ($1, 'Li Wei', '+8613900000000', 'L-1', 'zh') RETURNING id`,
    [firmId],
  );
  vehicleIds = (
    await ds.query(
      `INSERT INTO vehicles (firm_id, plate, country) SELECT $1, '云K' || lpad(n::text, 5, '0'), 'CN' FROM generate_series(1, 80) n RETURNING id`,
      [firmId],
    )
  ).map((r: { id: string }) => r.id);
  [{ id: laneId }] = await ds.query(`SELECT id FROM lanes WHERE port_code = $1 AND direction = $2`, [PORT, DIRECTION]);
});

afterAll(async () => {
  await ds?.destroy();
  await drop?.();
});

/** Work inside one transaction that is rolled back: every case starts from the template's empty queue. */
async function rolledBack(work: (em: EntityManager) => Promise<void>): Promise<void> {
  const qr = ds.createQueryRunner();
  await qr.startTransaction();
  try {
    await work(qr.manager);
  } finally {
    await qr.rollbackTransaction();
    await qr.release();
  }
}

/** Slots at now() + SLOT_OFFSETS minutes (now() is fixed for the transaction): offset → slot id. */
async function makeSlots(em: EntityManager): Promise<Map<number, string>> {
  const made: Array<{ id: string; offset: number }> = await em.query(
    `INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity)
     SELECT $1, $2, now() + make_interval(mins => o), now() + make_interval(mins => o + 60), 1000 FROM unnest($3::int[]) o
     RETURNING id, round(extract(epoch FROM starts_at - now()) / 60)::int AS offset`,
    [PORT, DIRECTION, SLOT_OFFSETS],
  );
  return new Map(made.map((s) => [s.offset, s.id]));
}

async function setGreen(em: EntityManager, ratio: number, since: number): Promise<void> {
  await em.query('UPDATE schedules SET priority_ratio = $2 WHERE port_code = $1', [PORT, ratio]);
  await em.query(
    `INSERT INTO queue_state (port_code, direction, regular_since_priority) VALUES ($1, $2, $3)
     ON CONFLICT (port_code, direction) DO UPDATE SET regular_since_priority = EXCLUDED.regular_since_priority`,
    [PORT, DIRECTION, since],
  );
}

/** Bookings with the given status and keys (each its own vehicle: one active booking a vehicle a day); ids in order. */
async function insertBookings(
  em: EntityManager,
  slots: Map<number, string>,
  status: 'checked_in' | 'booked',
  trucks: Array<Omit<Waiting, 'queueKey'> & { queueKey: number | null; perishable?: boolean }>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const t of trucks) {
    const [{ id }] = await em.query(
      `INSERT INTO bookings (reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id, status,
         driver_code_hash, cargo_description, hs_code, weight_kg, perishable, queue_key, front_key, priority, checked_in_at)
       VALUES ($1, $2, $3, $4, $5, current_date, $6, $7, $8::varchar, 'x', 'Cassava chips', '071410', 20000, $9, $10, $11, $12,
               CASE WHEN $8::varchar = 'checked_in' THEN now() END)
       RETURNING id`,
      [
        `SIM-${++references}`,
        firmId,
        slots.get(t.slotStart),
        PORT,
        DIRECTION,
        vehicleIds[references % vehicleIds.length],
        driverId,
        status,
        t.perishable ?? t.priority,
        t.queueKey,
        t.frontKey,
        t.priority,
      ],
    );
    ids.push(id);
  }
  return ids;
}

/**
 * The instant the product's statements judge the line at: the transaction's now(), as text (a Date would cut its
 * microseconds, and the slot at offset 0, which starts at that very now(), would not have started yet).
 */
const txNow = async (em: EntityManager): Promise<Date> => (await em.query('SELECT now()::text AS at'))[0].at;

const productOrder = async (em: EntityManager): Promise<string[]> =>
  (
    await em.query(`SELECT id, position FROM (${WAITING_ORDER}) q ORDER BY position`, [
      PORT,
      DIRECTION,
      await txNow(em),
    ])
  ).map((r: { id: string }) => r.id);

const since = async (em: EntityManager): Promise<number> =>
  (
    await em.query('SELECT regular_since_priority AS since FROM queue_state WHERE port_code = $1 AND direction = $2', [
      PORT,
      DIRECTION,
    ])
  )[0].since;

describe("the simulator's queue order is the product's", () => {
  it(`orders ${STATIC_CASES} random queues (held, green, later slots, any ratio and count) as WAITING_ORDER does`, async () => {
    const rnd = new Random(20261201);
    let compared = 0;
    for (let c = 0; c < STATIC_CASES; c++) {
      const n = rnd.int(30);
      const keys = Array.from({ length: 3 * n }, (_, i) => i + 1).sort(() => rnd.next() - 0.5);
      const trucks: Array<Omit<Truck, 'id'>> = Array.from({ length: n }, (_, i) => ({
        queueKey: keys[i],
        frontKey: rnd.chance(0.15) ? keys[n + i] : null,
        priority: rnd.chance(0.35),
        slotStart: SLOT_OFFSETS[rnd.int(SLOT_OFFSETS.length)],
      }));
      const merge: MergeState = { ratio: 1 + rnd.int(5), since: rnd.int(7) };
      await rolledBack(async (em) => {
        await setGreen(em, merge.ratio, merge.since);
        const ids = await insertBookings(em, await makeSlots(em), 'checked_in', trucks);
        const model = waitingOrder(
          trucks.map((t, i) => ({ ...t, id: ids[i] })),
          0,
          merge,
        ).map((t) => t.id);
        expect({ case: c, order: await productOrder(em) }).toEqual({ case: c, order: model });
        // The yard's head read (HEAD_N, from group firsts and kept counts) is the same line's first places.
        const head = (await em.query(HEAD_N, [PORT, DIRECTION, await txNow(em), 7])).map(
          (r: { id: string; position: number }) => [r.id, r.position],
        );
        expect({ case: c, head }).toEqual({ case: c, head: model.slice(0, 7).map((id, i) => [id, i + 1]) });
        compared += n;
      });
    }
    expect(compared).toBeGreaterThan(STATIC_CASES * 10);
  });

  it(`moves the line as the product's check-in, call-next and skip do, over ${DAYS} random days of ${STEPS} steps`, async () => {
    const rnd = new Random(7);
    const transitions = new BookingTransitions();
    let checks = 0;
    for (let day = 0; day < DAYS; day++) {
      const merge: MergeState = { ratio: 1 + rnd.int(4), since: 0 };
      await rolledBack(async (em) => {
        await setGreen(em, merge.ratio, 0);
        const slots = await makeSlots(em);
        const line: Truck[] = [];
        const called: Truck[] = [];
        let frontKeys = 0;
        for (let step = 0; step < STEPS; step++) {
          const move = rnd.next();
          if (move < 0.45) {
            // Check-in: the product decides the key and the green channel (cap 2 a slot); the model takes both.
            const slotStart = SLOT_OFFSETS[rnd.int(SLOT_OFFSETS.length)];
            const perishable = rnd.chance(0.4);
            const [id] = await insertBookings(em, slots, 'booked', [
              { queueKey: null, frontKey: null, priority: false, slotStart, perishable },
            ]);
            await transitions.checkIn(
              em,
              id,
              {
                perishable,
                port: PORT,
                needsPower: false,
                preferAreaId: null,
                language: 'en',
                instructions: 'Wait in bay {bay} of {area}.',
                slotId: slots.get(slotStart) as string,
                priorityCap: 2,
              },
              new Date(),
            );
            const [row] = await em.query('SELECT queue_key, priority FROM bookings WHERE id = $1', [id]);
            line.push({ id, queueKey: Number(row.queue_key), frontKey: null, priority: row.priority, slotStart });
          } else if (move < 0.8) {
            // call-next as LanesService does it: HEAD, call, leaveMerge.
            const head = (await em.query(HEAD, [PORT, DIRECTION, await txNow(em)]))[0] as Head | undefined;
            const modelHead = takeHead(line, 0, merge);
            expect(head?.id).toBe(modelHead?.id);
            if (head && modelHead) {
              await transitions.call(em, head.id, laneId, {}, new Date());
              await leaveMerge(em, PORT, DIRECTION, head);
              called.push(modelHead);
            }
          } else if (called.length) {
            // A skip (or a first called timeout): back behind the head of the moment.
            const t = called.splice(rnd.int(called.length), 1)[0];
            expect(
              await productReadmit(em, transitions, PORT, DIRECTION, await txNow(em), () =>
                transitions.requeue(em, t.id, {}, 'skipped', new Date()),
              ),
            ).toBe(true);
            readmitBehindHead(line, t, 0, merge, () => ++frontKeys);
          }
          expect({ day, step, order: await productOrder(em), since: await since(em) }).toEqual({
            day,
            step,
            order: waitingOrder(line, 0, merge).map((t) => t.id),
            since: merge.since,
          });
          checks++;
        }
      });
    }
    expect(checks).toBe(DAYS * STEPS);
  });
});
