/**
 * `npm run outlook:check -- [simulate options] [--seeds 1-10] [--outlook-at 10:00,13:00,16:00] [--soak-bookings]
 * [--before] [--json]` (issue 23 item 5): the outlook's model judged fast, without the real system. For each seed,
 * the simulator's Kouan day (the day the soak plays, soak-plan.ts) is replayed action by action; at each instant the
 * queue is read as the API reads it (trucks waiting with their keys, held and green flags and bays, the lanes' called
 * trucks, the trucks booked still to come, today's served trucks and closed windows; a port with no history, as the
 * soak's fresh database) and the outlook is computed as the API computes it (`modelOf`, `buildScenario`, 100 runs),
 * then compared with what the day then did (soak-outlook.ts: the clear time, the line each hour, the trucks at risk).
 *
 * The soak plays the same day through the real system and finds it equal (the calls, their order, the waits), so this
 * is the soak's check without its quarter of an hour a day, over many seeds. Unlike the soak, the model's no-shows are
 * booked here, as on a real day (`--soak-bookings`: only the trucks that come, as the soak books). `--before`: without
 * the inputs added in issue 23 item 5 (no absent trucks, no show-up from today: the simulator's 92 % here); the rest of
 * the model is libs/sim's as built (docs/outlook.md says how its figures for "before" were made). Options of
 * `npm run simulate` set the day.
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { formatClock, parseClock } from '@kouan/calendar';
import {
  buildScenario,
  computeOutlook,
  hourStarts,
  modelOf,
  OUTLOOK_RUNS,
  OUTLOOK_SEED,
  OutlookBasisRow,
  OutlookStateRow,
} from '@kouan/outlook';
import {
  MergeState,
  parseOptions,
  population,
  PRODUCT_DEFAULTS,
  readmitBehindHead,
  SimParams,
  SimTruck,
  slotCapacities,
  takeHead,
  Waiting,
} from '@kouan/sim';
import { checkOutlook, LineLog, OutlookAnswer, OutlookCheck, summarize } from './soak-outlook';
import { plan, TruckAction } from './soak-plan';
import { fmt, log } from './support';

/** The at-risk trucks the API lists (the rest it only counts). */
const LISTED = 50;

interface Kept extends Waiting {
  truck: number;
  slot: number;
  bay: boolean;
}

/** The day replayed: the queue as the product keeps it, and the line as the soak logs it. */
class Replay {
  readonly line = new LineLog();
  private readonly queue: Kept[] = [];
  private readonly kept = new Map<number, Kept>();
  private readonly merge: MergeState;
  private readonly greens: number[];
  private readonly greenCaps: number[];
  private readonly capacities: number[];
  /** Trucks called and not yet done or put back: their lane and call. */
  private readonly calls = new Map<number, { lane: number; at: number }>();
  private readonly came = new Set<number>();
  private readonly served: number[] = [];
  private seq = 0;
  private holding = 0;
  /** Calls where the product's order took another truck than the model's (0 expected). */
  differences = 0;

  constructor(
    private readonly p: SimParams,
    private readonly trucks: SimTruck[],
    private readonly slotOf: Array<number | null>,
    private readonly slots: Array<{ start: number; end: number }>,
    /** The trucks booked (the soak books only those that come). */
    private readonly booked: (truck: number) => boolean,
  ) {
    this.merge = { ratio: p.priorityRatio, since: 0 };
    this.capacities = slotCapacities(slots, p);
    this.greenCaps = this.capacities.map((c) => Math.floor((c * p.priorityCapPercent + 99) / 100));
    this.greens = slots.map(() => 0);
  }

  play(a: TruckAction): void {
    if (a.kind === 'check-in') {
      const slot = this.slotOf[a.truck] as number;
      const green = this.trucks[a.truck].perishable && this.greens[slot] < this.greenCaps[slot];
      if (green) this.greens[slot]++;
      const bay = this.holding < this.p.bays;
      if (bay) this.holding++;
      const k: Kept = {
        truck: a.truck,
        slot,
        queueKey: ++this.seq,
        frontKey: null,
        priority: green,
        slotStart: this.slots[slot].start,
        bay,
      };
      this.queue.push(k);
      this.kept.set(a.truck, k);
      this.came.add(a.truck);
      this.line.set(a.truck, a.at, 'waiting');
    } else if (a.kind === 'call') {
      const k = takeHead(this.queue, a.at, this.merge) as Kept;
      if (k.truck !== a.truck) this.differences++;
      if (k.bay) this.holding--;
      k.bay = false;
      this.calls.set(k.truck, { lane: a.lane, at: a.at });
      this.line.set(k.truck, a.at, 'called');
    } else if (a.kind === 'complete') {
      this.served.push(a.at - (this.calls.get(a.truck) as { at: number }).at);
      this.calls.delete(a.truck);
    } else if (a.kind === 'skip' || (a.kind === 'timeout' && !a.final)) {
      const k = this.kept.get(a.truck) as Kept;
      if (k.priority) this.greens[k.slot]--;
      readmitBehindHead(this.queue, k, a.at, this.merge, () => ++this.seq);
      this.calls.delete(a.truck);
      this.line.set(a.truck, a.at, 'waiting');
    } else {
      this.calls.delete(a.truck);
      this.line.set(a.truck, a.at, 'no_show');
    }
  }

  /** The queue as the outlook's repository reads it at `at` (minutes after midnight; the instant's actions played). */
  read(at: number, midnight: number): { row: OutlookStateRow; basis: OutlookBasisRow } {
    const p = this.p;
    const iso = (m: number) => new Date(midnight + m * 60_000).toISOString();
    const waiting = new Set(this.queue.map((k) => k.truck));
    const trucks: OutlookStateRow['trucks'] = [];
    this.slotOf.forEach((slot, id) => {
      if (slot === null || !this.booked(id) || (this.came.has(id) && !waiting.has(id))) return;
      const k = this.kept.get(id);
      const w = waiting.has(id) && k !== undefined;
      trucks.push({
        id: String(id),
        plate: `SIM${id}`,
        slotId: `slot-${slot}`,
        waiting: w,
        queueKey: w ? k.queueKey : null,
        frontKey: w ? k.frontKey : null,
        priority: w && k.priority,
        perishable: this.trucks[id].perishable,
        bay: w && k.bay,
      });
    });
    const lanes = Array.from({ length: p.lanes }, (_, l) => {
      const called = [...this.calls.values()].filter((c) => c.lane === l).map((c) => c.at);
      return {
        id: `lane-${l}`,
        name: `export-${l + 1}`,
        status: 'open' as const,
        calledAt: called.length ? iso(Math.max(...called)) : null,
      };
    });
    const closed = this.slotOf.filter(
      (s, id) => s !== null && this.booked(id) && this.slots[s].end + p.checkInGraceMinutes <= at,
    ).length;
    const closedCame = [...this.came].filter(
      (id) => this.slots[this.slotOf[id] as number].end + p.checkInGraceMinutes <= at,
    ).length;
    const mean = this.served.reduce((a, b) => a + b, 0) / this.served.length;
    const sd =
      this.served.length > 1
        ? Math.sqrt(this.served.reduce((a, b) => a + (b - mean) ** 2, 0) / (this.served.length - 1))
        : null;
    const row: OutlookStateRow = {
      timeZone: p.timeZone,
      date: p.date,
      dayEnd: new Date(midnight + 1440 * 60_000),
      version: '0',
      since: this.merge.since,
      ratio: p.priorityRatio,
      capPercent: p.priorityCapPercent,
      earlyArrivalMinutes: p.earlyArrivalMinutes,
      checkInGraceMinutes: p.checkInGraceMinutes,
      calledTimeoutMinutes: p.calledTimeoutMinutes,
      defaultServiceMinutes: PRODUCT_DEFAULTS.defaultServiceMinutes,
      slotMinutes: p.slotMinutes,
      openFrom: p.openFrom,
      openTo: p.openTo,
      capacity: p.capacity,
      bays: p.bays,
      baysTaken: this.holding,
      lanes,
      slots: this.slots.map((s, k) => ({
        id: `slot-${k}`,
        startsAt: iso(s.start),
        endsAt: iso(s.end),
        capacity: this.capacities[k],
        greens: this.greens[k],
      })),
      trucks,
    };
    const basis: OutlookBasisRow = {
      served: this.served.length,
      serviceMean: this.served.length ? mean : null,
      serviceSd: sd,
      decided: 0,
      checkedIn: 0,
      offsetMean: null,
      offsetSd: null,
      decidedToday: closed,
      checkedInToday: closedCame,
      called: 0,
      skipped: 0,
      timedOut: 0,
    };
    return { row, basis };
  }
}

/** The outlook the API would answer at `at` from the queue read, as the soak reads it. */
function outlookOf(row: OutlookStateRow, basis: OutlookBasisRow, at: Date, before: boolean): OutlookAnswer {
  const m = modelOf(row, before ? { ...basis, decidedToday: 0, checkedInToday: 0 } : basis).model;
  const model = before ? { ...m, absence: undefined } : m;
  const built = buildScenario(row, at, {});
  const f = computeOutlook({ model, runs: OUTLOOK_RUNS, seed: OUTLOOK_SEED, plan: built.scenario, whatIf: null }).plan;
  const instant = (minutes: number | null) =>
    minutes === null ? null : new Date(at.getTime() + Math.round(minutes) * 60_000).toISOString();
  const hours = hourStarts(at, row.dayEnd, row.timeZone);
  return {
    asOf: at.toISOString(),
    version: 0,
    clearsAt: { p10: instant(f.clearsAt.p10), p50: instant(f.clearsAt.p50), p90: instant(f.clearsAt.p90) },
    atRisk: f.atRisk.slice(0, LISTED).map((r) => ({
      bookingId: row.trucks[built.rows[r.truck]].id,
      windowClosesAt: instant(built.scenario.windowCloses[r.truck]) as string,
      probability: r.probability,
    })),
    atRiskTotal: f.atRisk.length,
    hours: f.hours.map((h, k) => ({ hour: hours[k].hour.toISOString(), waiting: h.waiting })),
  };
}

/** One seed's day: the outlook at each instant against what the day then did. */
function checkDay(p: SimParams, instants: number[], o: { before: boolean; soak: boolean }) {
  const trucks = population(p);
  const { run, slotOf, actions } = plan(trucks, p);
  const midnight = DateTime.fromISO(p.date, { zone: p.timeZone }).toMillis();
  const come = new Set(actions.map((a) => a.truck));
  const replay = new Replay(p, trucks, slotOf, run.slots, (id) => !o.soak || come.has(id));
  const answers: OutlookAnswer[] = [];
  const pending = [...instants].sort((a, b) => a - b);
  for (const [i, a] of actions.entries()) {
    if (i > 0 && actions[i - 1].at !== a.at) replay.line.close(actions[i - 1].at);
    while (pending.length && pending[0] < a.at) {
      const at = pending.shift() as number;
      const { row, basis } = replay.read(at, midnight);
      answers.push(outlookOf(row, basis, new Date(midnight + at * 60_000), o.before));
    }
    replay.play(a);
  }
  const end = actions.length ? (actions.at(-1) as TruckAction).at : 0;
  replay.line.close(end);
  const minute = (iso: string) => (Date.parse(iso) - midnight) / 60_000;
  const checks: OutlookCheck[] = answers.map((x) => checkOutlook(x, replay.line, minute, (id) => Number(id), end + 1));
  return { checks, differences: replay.differences };
}

function seedsOf(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new RangeError(`--seeds must be N, N-M or a list of them: ${part}`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    return Array.from({ length: Math.max(b - a + 1, 0) }, (_, k) => a + k);
  });
}

function main(): void {
  const own = ['seeds', 'outlook-at', 'before', 'soak-bookings', 'json'];
  const argv = process.argv.slice(2);
  const sim: string[] = [];
  const mine: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '').split('=', 1)[0];
    const target = own.includes(name) ? mine : sim;
    target.push(argv[i]);
    if (!argv[i].includes('=') && !['before', 'soak-bookings', 'json'].includes(name) && i + 1 < argv.length)
      target.push(argv[++i]);
  }
  const { values } = parseArgs({
    args: mine,
    options: {
      seeds: { type: 'string', default: '1-10' },
      'outlook-at': { type: 'string', default: '10:00,13:00,16:00' },
      before: { type: 'boolean', default: false },
      'soak-bookings': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const instants = (values['outlook-at'] as string).split(',').map((v) => {
    const m = parseClock(v.trim());
    if (m === null) throw new RangeError(`--outlook-at must be HH:MM, …: ${v}`);
    return m;
  });
  const { p } = parseOptions(sim);
  const days = seedsOf(values.seeds as string).map((seed) => {
    const r = checkDay({ ...p, seed }, instants, {
      before: values.before as boolean,
      soak: values['soak-bookings'] as boolean,
    });
    return { seed, ...r };
  });
  const all = days.flatMap((d) => d.checks);
  const report = {
    port: p.port,
    trucks: p.trucks,
    lanes: p.lanes,
    capacity: p.capacity,
    before: values.before,
    soakBookings: values['soak-bookings'],
    seeds: days.map((d) => d.seed),
    at: instants.map(formatClock),
    orderDifferences: days.reduce((n, d) => n + d.differences, 0),
    days,
    ...summarize(all),
  };
  if (values.json) return void process.stdout.write(`${JSON.stringify(report)}\n`);
  const hm = (x: number | null) => (x === null ? 'not today' : formatClock(Math.round(x)));
  log(
    `### outlook against the simulator's day: ${p.port}, ${p.trucks} trucks, ${p.lanes} lane(s), ${p.capacity} a slot, ` +
      `seeds ${values.seeds}${values.before ? ', the model as before' : ''}` +
      `${values['soak-bookings'] ? ', only the trucks that come booked (as the soak books)' : ''}`,
  );
  log('');
  log(
    '| seed | as of | clears p50 (p10–p90) | really | error min | line each hour, mean abs error | at risk | decided | missed |',
  );
  log('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const d of days)
    for (const c of d.checks) {
      const asOf = (Date.parse(c.asOf) - DateTime.fromISO(p.date, { zone: p.timeZone }).toMillis()) / 60_000;
      const errs = c.hours.filter((h) => h.p50 !== null).map((h) => Math.abs((h.p50 as number) - h.actual));
      log(
        `| ${d.seed} | ${hm(asOf)} | ${hm(c.predicted.p50)} (${hm(c.predicted.p10)}–${hm(c.predicted.p90)}) | ${hm(c.actual)} | ` +
          `${c.errorMinutes === null ? '–' : fmt(c.errorMinutes, 1)} | ${errs.length ? fmt(errs.reduce((a, b) => a + b, 0) / errs.length, 1) : '–'} | ` +
          `${c.atRisk.total} | ${c.atRisk.decided} | ${c.atRisk.missed} |`,
      );
    }
  const s = report;
  log('');
  log(
    `Clear time: median |error| ${s.clearErrorMedianMinutes === null ? '–' : `${fmt(s.clearErrorMedianMinutes, 1)} min`}, ` +
      `within p10–p90 ${s.withinBand} of ${s.answered}. The line each hour: |p50 − real| median ` +
      `${s.hourErrorMedian === null ? '–' : fmt(s.hourErrorMedian, 1)}, mean ${s.hourErrorMean === null ? '–' : fmt(s.hourErrorMean, 2)} trucks ` +
      `(above the p50 ${s.hoursAboveP50}, below ${s.hoursBelowP50}), ` +
      `within p10–p90 ${s.hoursWithinBand} of ${s.hours}. At risk: ${s.atRiskMissed} of ${s.atRiskDecided} really missed` +
      `${s.atRiskMissedShare === null ? '' : ` (${fmt(s.atRiskMissedShare * 100)} %)`}. Calls where the product's order ` +
      `differed from the model's: ${s.orderDifferences}.`,
  );
}

main();
