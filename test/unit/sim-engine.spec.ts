import {
  book,
  daySlots,
  defaultParams,
  figures,
  parseOptions,
  population,
  Run,
  runFcfs,
  runKouan,
  SimParams,
  SimTruck,
  simulate,
  stepMean,
} from '@kouan/sim';

const at = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const truck = (id: number, over: Partial<SimTruck>): SimTruck => ({
  id,
  firm: id,
  perishable: false,
  service: 10,
  arrival: at('08:00'),
  offset: 0,
  noShow: false,
  absence: 'none',
  ...over,
});

/** A day where everyone can be served, with every path of the model taken often: skips, timeouts, no-shows, overflow. */
const busy = (): SimParams => ({
  ...defaultParams(),
  trucks: 400,
  lanes: 4,
  capacity: 12,
  bays: 3,
  skip: 0.1,
  gone: 0.05,
  noShow: 0.1,
  seed: 3,
  openFrom: at('06:00'),
  openTo: at('22:00'),
  laneHours: [
    [at('06:00'), at('12:00')],
    [at('13:00'), at('23:59')],
  ],
});

function expectConservation(run: Run, trucks: SimTruck[]): void {
  for (const t of trucks) {
    const o = run.outcomes[t.id];
    const mine = run.journal.filter((j) => j.truck === t.id).map((j) => j.what);
    if (o.fate === 'later_days') expect(mine).toEqual([]);
    else if (o.fate === 'no_show') expect([['no_show'], ['arrive', 'no_show']]).toContainEqual(mine);
    else expect(mine).toEqual(['arrive', 'leave']);
    if (o.fate === 'served') expect(o.arrivedAt as number).toBeLessThanOrEqual(o.calledAt as number);
  }
  expect(run.outcomes.filter((o) => o.fate === 'waiting')).toEqual([]);
  // Nobody is left on the road or in a bay once everyone has gone.
  expect(run.roadside[run.roadside.length - 1][1]).toBe(0);
  expect(run.holding[run.holding.length - 1][1]).toBe(0);
}

function expectOneTruckPerLane(run: Run, p: SimParams): void {
  for (let lane = 0; lane < p.lanes; lane++) {
    const spans = run.spans.filter((s) => s.lane === lane).sort((a, b) => a.from - b.from);
    spans.forEach((s, i) => {
      if (i) expect(s.from).toBeGreaterThanOrEqual(spans[i - 1].to);
      // A lane takes a truck only while open.
      expect(p.laneHours.some(([a, b]) => s.from >= a && s.from < b)).toBe(true);
    });
  }
}

describe('capacity simulator: the event loop', () => {
  it('every truck arrives once and leaves once or is a no-show (FCFS and Kouan)', () => {
    const p = busy();
    const trucks = population(p);
    const fcfs = runFcfs(trucks, p);
    const kouan = runKouan(trucks, p);
    expectConservation(fcfs, trucks);
    expectConservation(kouan, trucks);
    expect(fcfs.outcomes.every((o) => o.fate === 'served')).toBe(true);
    const f = figures(kouan);
    // The paths the check is about were taken: later days, no-shows (booked and timed out), overflow.
    expect(f.laterDays).toBe(400 - 16 * 12);
    expect(kouan.journal.filter((j) => j.what === 'no_show').length).toBeGreaterThan(16 * 12 * 0.1 * 0.5);
    expect(f.overflowMax).toBeGreaterThan(0);
    expect(kouan.spans.some((s) => !s.serving)).toBe(true);
  });

  it('a lane never serves two trucks at once, and only while open', () => {
    const p = busy();
    const trucks = population(p);
    expectOneTruckPerLane(runFcfs(trucks, p), p);
    expectOneTruckPerLane(runKouan(trucks, p), p);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const { p, sweep } = parseOptions(['--trucks', '300', '--sweep-capacity', '4,8']);
    const a = simulate(p, sweep);
    const b = simulate(p, sweep);
    expect(b.markdown).toBe(a.markdown);
    expect(b.svg).toBe(a.svg);
    expect(simulate({ ...p, seed: 43 }, sweep).markdown).not.toBe(a.markdown);
  });

  it('FCFS, 3 trucks, one lane, 10-minute services: the figures of a hand calculation', () => {
    const p = { ...defaultParams(), lanes: 1 };
    // A waits from 07:00, B from 07:30; the lane opens at 08:00; C comes at 08:02.
    const trucks = [
      truck(0, { arrival: at('07:00') }),
      truck(1, { arrival: at('07:30') }),
      truck(2, { arrival: at('08:02') }),
    ];
    const run = runFcfs(trucks, p);
    expect(run.outcomes.map((o) => [o.calledAt, o.leftAt])).toEqual([
      [480, 490],
      [490, 500],
      [500, 510],
    ]);
    const f = figures(run);
    expect(f).toMatchObject({ atBorder: 3, served: 3, waitingAtEnd: 0, roadsideMax: 2, holdingPeak: 0 });
    // Waits 60, 40, 18 min; nearest rank: p50 the 2nd, p90 the 3rd.
    expect([f.waitP50, f.waitP90, f.waitMax]).toEqual([40, 60, 60].map((minutes) => ({ minutes, censored: false })));
    // Road: 1 truck 07:00-07:30, 2 until 08:00, 1 until 08:02, 2 until 08:10, 1 until 08:20 = 30+60+2+16+10.
    expect(f.roadsideMean * 1440).toBeCloseTo(118, 9);
    expect(f.utilisation).toBeCloseTo(30 / 720, 12);
  });

  it('Kouan, 4 trucks, 2 bays, ratio 1: check-in window, green turn, later slot and overflow as calculated by hand', () => {
    const p: SimParams = {
      ...defaultParams(),
      lanes: 1,
      capacity: 3,
      bays: 2,
      priorityRatio: 1,
      priorityCapPercent: 100,
      noShow: 0,
      openFrom: at('08:00'),
      openTo: at('10:00'),
      laneHours: [[at('08:00'), at('10:00')]],
    };
    const trucks = [
      truck(0, { offset: -30, service: 10 }), // A: slot 08:00, in at 07:30
      truck(1, { offset: -20, service: 5, perishable: true }), // B: green, in at 07:40
      truck(2, { offset: -10, service: 10 }), // C: in at 07:50, no bay left
      truck(3, { arrival: at('09:00'), offset: -90, service: 10 }), // D: slot 09:00, at 07:30, window opens 08:00
    ];
    const run = runKouan(trucks, p);
    expect(run.outcomes.map((o) => o.slotStart)).toEqual([480, 480, 480, 540]);
    // 08:00 A (first green after max(1 - 0, 0) = 1 regular), then B's green turn, C, then D of the later slot.
    expect(run.outcomes.map((o) => [o.arrivedAt, o.calledAt])).toEqual([
      [450, 480],
      [460, 490],
      [470, 495],
      [450, 505],
    ]);
    const f = figures(run);
    expect(f).toMatchObject({
      atBorder: 4,
      served: 4,
      noShows: 0,
      laterDays: 0,
      holdingPeak: 2,
      overflowMax: 1,
      roadsideMax: 2,
    });
    expect([f.waitP50.minutes, f.waitP90.minutes, f.waitMax.minutes]).toEqual([30, 55, 55]);
    // Road: D 07:30-08:00, C (overflow) 07:50-08:15: 30 + 25 truck-minutes.
    expect(stepMean(run.roadside) * 1440).toBeCloseTo(55, 9);
    expect(f.utilisation).toBeCloseTo(35 / 120, 12);
  });

  it('books within capacity and the firm quota, from the slot the firm wants, else on a later day', () => {
    const p = { ...defaultParams(), capacity: 4 };
    const slots = daySlots(p);
    expect(slots).toHaveLength(12);
    // ⌈4 × 30 / 100⌉ = 2 places a firm a slot: firm 0's third truck goes to the next slot.
    const trucks = [0, 1, 2, 3, 4].map((id) => truck(id, { firm: id < 3 ? 0 : id, arrival: at('08:30') }));
    expect(book(trucks, slots, p)).toEqual([0, 0, 1, 0, 0]);
    const late = [
      truck(0, { arrival: at('19:30') }),
      truck(1, { arrival: at('19:30'), firm: 1 }),
      truck(2, { arrival: at('19:30'), firm: 2 }),
      truck(3, { arrival: at('19:30'), firm: 3 }),
      truck(4, { arrival: at('19:30'), firm: 4 }),
    ];
    expect(book(late, slots, p)).toEqual([11, 11, 11, 11, null]);
  });
});
