import { threadId } from 'node:worker_threads';
import fc from 'fast-check';
import { computeOutlook, OutlookJob, OutlookPool, OutlookScenario } from '@kouan/outlook';
import {
  LiveDayModel,
  LiveDayState,
  LiveDayTruck,
  LiveLine,
  normalCdf,
  normalQuantile,
  readmitBehindHead,
  runLiveDay,
  takeHead,
  Waiting,
} from '@kouan/sim';

/** The outlook's model (libs/sim live-day, libs/outlook outlook-model) against hand calculations and its own rules. */

const exact: LiveDayModel = { serviceMinutes: 10, serviceCv: 0, showUp: 1, arrivalMean: -20, arrivalSd: 0 };

const waitingTruck = (key: number, slot = 0, over: Partial<LiveDayTruck> = {}): LiveDayTruck => ({
  waiting: true,
  queueKey: key,
  frontKey: null,
  priority: false,
  perishable: false,
  bay: true,
  slot,
  ...over,
});
const bookedTruck = (slot: number, perishable = false): LiveDayTruck => ({
  waiting: false,
  queueKey: 0,
  frontKey: null,
  priority: false,
  perishable,
  bay: false,
  slot,
});

function state(trucks: LiveDayTruck[], over: Partial<LiveDayState> = {}): LiveDayState {
  return {
    end: 14 * 60,
    trucks,
    // 09:00–10:00 (started: as of 10:00 it is -60..0), 10:00–11:00, 11:00–12:00.
    slots: [
      { start: -60, end: 0, greens: 0, greenCap: 2 },
      { start: 0, end: 60, greens: 0, greenCap: 2 },
      { start: 60, end: 120, greens: 0, greenCap: 2 },
    ],
    lanes: [
      { working: true, calledAt: null },
      { working: false, calledAt: null },
    ],
    merge: { ratio: 3, since: 0 },
    freeBays: 100,
    earlyArrivalMinutes: 60,
    checkInGraceMinutes: 30,
    samples: [0, 60, 120, 180],
    ...over,
  };
}

const scenario = (s: LiveDayState, change: OutlookScenario['change'] = {}): OutlookScenario => ({
  state: s,
  windowCloses: s.trucks.map((t) => s.slots[t.slot].end + s.checkInGraceMinutes),
  real: s.trucks.map(() => true),
  change,
});

describe('outlook model', () => {
  it('equals the hand calculation with service spread 0 and no no-shows', () => {
    // 10:00: ten trucks wait (slot 09:00, window closed at 10:30), one lane, 10 min a truck; two trucks booked at
    // 11:00 come at 10:40 (20 min early, no spread) and join behind the ten. Calls at 0, 10, …, 110: the line is
    // empty when the last is called, at 110 (11:50).
    const trucks = [...Array.from({ length: 10 }, (_, k) => waitingTruck(k + 1)), bookedTruck(2), bookedTruck(2)];
    const s = state(trucks);
    const run = runLiveDay(s, exact, 7);
    expect(run.clearsAt).toBe(110);
    expect(Array.from(run.calledAt)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    // At 10:00 after the first call: 9; at 11:00 (calls 0..60 made: 7, and 2 joined at 40): 3 + 2; at 12:00 none.
    expect(run.waiting).toEqual([9, 5, 0, 0]);
    expect(run.holding).toEqual([9, 5, 0, 0]);

    const outlook = computeOutlook({ model: exact, runs: 20, seed: 1, plan: scenario(s), whatIf: null });
    expect(outlook.plan.clearsAt).toEqual({ p10: 110, p50: 110, p90: 110 });
    expect(outlook.plan.hours.map((h) => h.waiting.p50)).toEqual([9, 5, 0, 0]);
    // Windows close at 30 (the 09:00 slot) and 150 (11:00): trucks 5..10 are called after 30; none else.
    expect(outlook.plan.atRisk).toEqual([4, 5, 6, 7, 8, 9].map((truck) => ({ truck, probability: 1 })));
  });

  it('opens a second lane at a time, pauses every lane, and takes a slower service time', () => {
    const s = state(Array.from({ length: 10 }, (_, k) => waitingTruck(k + 1)));
    // Lane 2 from 30: calls at 0, 10, 20, 30 (both), 40 (both), 50 (both), 60: the tenth at 60.
    expect(runLiveDay(s, exact, 1, { lanes: { count: 2, from: 30 } }).clearsAt).toBe(60);
    // A 25-minute pause from 20: calls 0, 10, then 45 … 105.
    expect(runLiveDay(s, exact, 1, { pause: { from: 20, minutes: 25 } }).clearsAt).toBe(115);
    expect(runLiveDay(s, exact, 1, { serviceMinutes: 12 }).clearsAt).toBe(108);
    // Closing the only lane at 0: nobody is called today.
    expect(runLiveDay(s, exact, 1, { lanes: { count: 0, from: 0 } }).clearsAt).toBeNull();
  });

  it('takes a skipped truck back behind the head and a gone one twice, the lane waiting for each', () => {
    // Four trucks wait, one lane, 10 min a truck, the lane waits 2 min for an absent truck, timeouts 15 min.
    const s = state(Array.from({ length: 4 }, (_, k) => waitingTruck(k + 1)));
    const skipAll = { ...exact, absence: { skip: 1, gone: 0, waitMinutes: 2, timeoutMinutes: 15 } };
    // Everybody is skipped once. 0: truck 0 absent. 2: it is back behind the head (1), held; 1 is called, absent.
    // 4: 1 back behind the head (0, held), 0 is served. 14: 1 served. 24: 2 absent. 26: 2 back behind 3; 3 absent.
    // 28: 3 back behind 2; 2 served. 38: 3 served, the line is empty.
    const skipped = runLiveDay(s, skipAll, 1);
    expect(Array.from(skipped.calledAt)).toEqual([4, 14, 28, 38]);
    expect(skipped.clearsAt).toBe(38);
    expect(skipped.waiting[0]).toBe(3);
    const goneAll = { ...exact, absence: { skip: 0, gone: 1, waitMinutes: 2, timeoutMinutes: 15 } };
    const gone = runLiveDay(s, goneAll, 1);
    // Nobody is served: each truck is called, the lane waits 2 min; the line is empty at 6 (the fourth call), and
    // each is back at its call + 15 to be called once more and time out for good.
    expect(Array.from(gone.calledAt)).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(gone.clearsAt).toBe(6);
    // Without absences the run is the plain one.
    const none = { ...exact, absence: { skip: 0, gone: 0, waitMinutes: 2, timeoutMinutes: 15 } };
    expect(runLiveDay(s, none, 1)).toEqual(runLiveDay(s, exact, 1));
  });

  it('has the normal distribution function to 1e-6 and its inverse to 1e-3 (for |z| ≤ 5)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.326348)).toBeCloseTo(0.01, 6);
    for (const z of [-5, -3, -1.5, -0.2, 0, 0.7, 2.1, 4]) expect(normalQuantile(normalCdf(z))).toBeCloseTo(z, 3);
  });

  it('takes a booked truck not checked in while its window is open as late or not coming, and a lane as still busy', () => {
    // 10:00; slots 09:00 (window open until 10:30), 10:00, and 11:00 (its window opens now); arrivals −20 ± 30 min.
    const model = { serviceMinutes: 8, serviceCv: 0.5, showUp: 0.92, arrivalMean: -20, arrivalSd: 30 };
    const s = state([bookedTruck(0), bookedTruck(1), bookedTruck(2), waitingTruck(1)], {
      lanes: [{ working: true, calledAt: -20 }],
    });
    const runs = Array.from({ length: 4000 }, (_, k) => runLiveDay(s, model, k + 1));
    const came = (i: number) => runs.filter((r) => !Number.isNaN(r.arrivedAt[i]));
    // Of the trucks that come, those of 09:00 come after 10:00 with 1 − Φ(80 / 30) ≈ 0.4 %: one not come yet comes
    // with 0.92 × 0.004 ÷ (0.08 + 0.92 × 0.004) ≈ 4 %; of 10:00: 1 − Φ(2/3) ≈ 25 %, so ≈ 74 %; of 11:00 (after
    // 09:00): Φ(4/3) ≈ 91 %, so ≈ 91 %. All after now.
    expect(came(0).length / runs.length).toBeCloseTo(0.04, 1);
    expect(came(1).length / runs.length).toBeCloseTo(0.74, 1);
    expect(came(2).length / runs.length).toBeCloseTo(0.91, 1);
    for (const i of [0, 1, 2]) expect(came(i).every((r) => r.arrivedAt[i] > 0)).toBe(true);
    // The truck at the lane for 20 minutes is not done before now: the waiting truck is never called at 10:00.
    expect(runs.every((r) => r.calledAt[3] > 0)).toBe(true);
    // Without spread, all coming: 09:00's trucks come at 08:40 and 10:00's at 09:40, so ones not checked in by 10:00
    // do not come; 11:00's come at 10:40. The lane's truck takes its 8 minutes: it is done, the lane calls now.
    const certain = runLiveDay(s, { ...model, showUp: 1, arrivalSd: 0, serviceCv: 0 }, 1);
    expect(certain.arrivedAt[0]).toBeNaN();
    expect(certain.arrivedAt[1]).toBeNaN();
    expect(certain.arrivedAt[2]).toBe(40);
    expect(certain.calledAt[3]).toBe(0);
  });

  it('gives the same answer for the same state and seed', () => {
    const trucks = [...Array.from({ length: 40 }, (_, k) => waitingTruck(k + 1, k % 3)), bookedTruck(2, true)];
    const job: OutlookJob = {
      model: { serviceMinutes: 8, serviceCv: 0.5, showUp: 0.9, arrivalMean: -20, arrivalSd: 30 },
      runs: 50,
      seed: 3,
      plan: scenario(state(trucks)),
      whatIf: scenario(state(trucks), { lanes: { count: 2, from: 0 } }),
    };
    expect(computeOutlook(job)).toEqual(computeOutlook(job));
    expect(computeOutlook({ ...job, seed: 4 })).not.toEqual(computeOutlook(job));
  });

  it('never clears later with one more lane (any queue, lanes, service, absences and seed)', () => {
    const truck = fc.record({
      waiting: fc.boolean(),
      held: fc.boolean(),
      priority: fc.boolean(),
      perishable: fc.boolean(),
      bay: fc.boolean(),
      slot: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(truck, { maxLength: 60 }),
        fc.array(fc.record({ working: fc.boolean(), busy: fc.option(fc.integer({ min: -30, max: 0 })) }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 1, max: 30, noNaN: true }),
        fc.constantFrom(0, 0.5, 1.5),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(0, 0.04, 0.4),
        (ts, lanes, from, serviceMinutes, serviceCv, seed, ratio, since, absent) => {
          const trucks = ts.map((t, k) =>
            t.waiting
              ? waitingTruck(k + 1, t.slot, {
                  frontKey: t.held && k % 5 === 0 ? k : null,
                  priority: t.priority,
                  bay: t.bay,
                })
              : bookedTruck(t.slot, t.perishable),
          );
          const s = state(trucks, {
            lanes: lanes.map((l) => ({ working: l.working, calledAt: l.busy ?? null })),
            merge: { ratio, since },
            freeBays: 10,
          });
          // Absent trucks (skipped, gone) take their fate with them: a lane more still never clears later.
          const absence = { skip: (absent * 3) / 4, gone: absent / 4, waitMinutes: 2, timeoutMinutes: 15 };
          const model = { serviceMinutes, serviceCv, showUp: 0.9, arrivalMean: -20, arrivalSd: 30, absence };
          const working = lanes.filter((l) => l.working).length;
          const more = { lanes: { count: working + 1, from } };
          const never = (x: number | null) => x ?? Infinity;
          const plan = runLiveDay(s, model, seed);
          const wider = runLiveDay(s, model, seed, more);
          expect(never(wider.clearsAt)).toBeLessThanOrEqual(never(plan.clearsAt));
          wider.waiting.forEach((w, k) => expect(w).toBeLessThanOrEqual(plan.waiting[k]));
          const o = computeOutlook({ model, runs: 5, seed, plan: scenario(s), whatIf: scenario(s, more) });
          for (const q of ['p10', 'p50', 'p90'] as const)
            expect(never(o.whatIf!.clearsAt[q])).toBeLessThanOrEqual(never(o.plan.clearsAt[q]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('calls trucks in the order takeHead gives (held, merge of started slots with greens, later slots, skips)', () => {
    interface T extends Waiting {
      slot: number;
    }
    const starts = [-30, 0, 30, 60];
    fc.assert(
      fc.property(
        fc.array(fc.record({ held: fc.boolean(), priority: fc.boolean(), slot: fc.integer({ min: 0, max: 3 }) }), {
          maxLength: 40,
        }),
        fc.array(
          fc.oneof(
            fc.constant('call' as const),
            fc.constant('skip' as const),
            fc.constant('tick' as const),
            fc.integer({ min: 0, max: 3 }),
          ),
          { maxLength: 80 },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 6 }),
        (initial, ops, ratio, since) => {
          const make = (k: number, x: { held: boolean; priority: boolean; slot: number }, held: boolean): T => ({
            queueKey: k + 1,
            frontKey: held ? 1000 + k : null,
            priority: x.priority,
            slot: x.slot,
            slotStart: starts[x.slot],
          });
          const all: T[] = initial.map((x, k) => make(k, x, x.held && k % 4 === 0));
          const model: T[] = all.map((t) => ({ ...t }));
          const keys = new Float64Array(all.length + ops.length + 1);
          all.forEach((t, i) => (keys[i] = t.queueKey));
          const reference = all.map((t) => ({ ...t }));
          const refMerge = { ratio, since };
          let now = -1;
          const priority = new Uint8Array(keys.length);
          all.forEach((t, i) => (priority[i] = t.priority ? 1 : 0));
          const line = new LiveLine(model, keys, priority, starts, { ratio, since }, now);
          line.seed(model.map((_, i) => i));
          let key = all.length + 1;
          let front = 10_000;
          for (const op of ops) {
            if (op === 'call' || op === 'skip') {
              const expected = takeHead(reference, now, refMerge);
              const got = line.take();
              expect(got === undefined ? undefined : model[got].queueKey).toBe(expected?.queueKey);
              // A skip: the called truck comes back behind the head, without the green channel.
              if (op === 'skip' && expected && got !== undefined) {
                readmitBehindHead(reference, expected, now, refMerge, () => ++front);
                priority[got] = 0;
                line.readmit(got);
              }
            } else if (op === 'tick') {
              now += 15;
              starts.forEach((s, k) => s <= now && line.start(k));
            } else {
              const t: T = { queueKey: key, frontKey: null, priority: key % 3 === 0, slot: op, slotStart: starts[op] };
              keys[model.length] = key++;
              priority[model.length] = t.priority ? 1 : 0;
              model.push({ ...t });
              reference.push({ ...t });
              line.add(model.length - 1);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('runs the model in a worker thread, from the sources too, with the same answer as in this thread', async () => {
    const pool = new OutlookPool();
    try {
      const job: OutlookJob = {
        model: { serviceMinutes: 8, serviceCv: 0.5, showUp: 0.9, arrivalMean: -20, arrivalSd: 30 },
        runs: 10,
        seed: 1,
        plan: scenario(state([...Array.from({ length: 30 }, (_, k) => waitingTruck(k + 1)), bookedTruck(2)])),
        whatIf: null,
      };
      const { result, threadId: worker } = await pool.run(job);
      expect(worker).not.toBe(threadId);
      expect(result).toEqual(computeOutlook(job));
    } finally {
      await pool.onModuleDestroy();
    }
  });
});
