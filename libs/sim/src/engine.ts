import { parseLocalDate, slotGrid } from '@kouan/calendar';
import { AcceptanceWindow, acceptanceWindows, followingCapacities } from './acceptance';
import { IndexHeap } from './index-heap';
import type { SimParams } from './params';
import type { SimTruck } from './population';
import { MergeState, readmitBehindHead, takeHead } from './queue-order';

/** The simulated day ends at the next local midnight: what is still waiting then is reported as such. */
export const DAY_END = 1440;

export type Fate = 'served' | 'no_show' | 'later_days' | 'waiting';

export interface Outcome {
  id: number;
  /** When the truck reached the border (null: it never came). */
  arrivedAt: number | null;
  /** Start of the call it was served on. */
  calledAt: number | null;
  /** When it left: served (call + service) or made a no-show. */
  leftAt: number | null;
  fate: Fate;
  /** Kouan: its slot's start, when it got one. */
  slotStart: number | null;
  /** With a far side: when it took the truck (null: still on the road between, or never served). */
  crossedAt: number | null;
}

/** A lane busy with one truck: serving it, or waiting for it to turn up. */
export interface LaneSpan {
  lane: number;
  truck: number;
  from: number;
  to: number;
  serving: boolean;
}

/** A count that changes over the day, as (time, value) after each change. */
export type Step = Array<[number, number]>;

export interface Run {
  scenario: 'fcfs' | 'kouan';
  outcomes: Outcome[];
  spans: LaneSpan[];
  /** Trucks waiting on the road (Kouan: too early for check-in, or checked in without a bay). */
  roadside: Step;
  /** Kouan: trucks in a holding-area bay. */
  holding: Step;
  /** Kouan: trucks checked in without a bay (the holding area was full), part of `roadside`. */
  overflow: Step;
  /** With a far side: trucks served by our lanes and waiting on the road between for the far side to take them. */
  between: Step;
  /** Kouan: the day's slots, minutes after local midnight. */
  slots: Array<{ start: number; end: number }>;
  /** Every arrival, departure (at its service's end) and no-show, in the order the run decided them. */
  journal: Array<{ at: number; truck: number; what: 'arrive' | 'leave' | 'no_show' }>;
  /** Lane-minutes open over the day, and when each lane is open. */
  laneMinutes: number;
  laneHours: Array<[number, number]>;
}

/** Events by time, ties in the order they were scheduled, so a seed gives one history. */
class Agenda {
  private readonly times: number[] = [];
  private readonly runs: Array<() => void> = [];
  private readonly heap = new IndexHeap(
    (a, b) => this.times[a] < this.times[b] || (this.times[a] === this.times[b] && a < b),
  );

  at(at: number, run: () => void): void {
    this.times.push(at);
    this.runs.push(run);
    this.heap.push(this.times.length - 1);
  }

  /** Runs the events up to and including `end`, in order. */
  runUntil(end: number): void {
    while (this.heap.size && this.times[this.heap.peek() as number] <= end) this.runs[this.heap.pop()]();
  }
}

class Counter {
  readonly step: Step = [[0, 0]];
  private value = 0;

  get now(): number {
    return this.value;
  }

  add(at: number, by: number): void {
    this.value += by;
    const last = this.step[this.step.length - 1];
    if (last[0] === at) last[1] = this.value;
    else this.step.push([at, this.value]);
  }
}

/** Lanes that open and close with `laneHours`; `idle` is called whenever one may take a truck. */
class Lanes {
  readonly spans: LaneSpan[] = [];
  private readonly open: boolean[];
  private readonly busyUntil: number[];

  constructor(
    private readonly agenda: Agenda,
    p: Pick<SimParams, 'lanes' | 'laneHours'>,
    private readonly idle: (now: number) => void,
  ) {
    this.open = Array.from({ length: p.lanes }, () => false);
    this.busyUntil = Array.from({ length: p.lanes }, () => -Infinity);
    for (let lane = 0; lane < p.lanes; lane++) {
      for (const [from, to] of p.laneHours) {
        agenda.at(from, () => {
          this.open[lane] = true;
          idle(from);
        });
        agenda.at(to, () => (this.open[lane] = false));
      }
    }
  }

  /** An open lane free at `now`, lowest number first. */
  free(now: number): number | null {
    const lane = this.open.findIndex((o, i) => o && this.busyUntil[i] <= now);
    return lane < 0 ? null : lane;
  }

  occupy(lane: number, truck: number, from: number, minutes: number, serving: boolean): void {
    this.busyUntil[lane] = from + minutes;
    this.spans.push({ lane, truck, from, to: from + minutes, serving });
    this.agenda.at(from + minutes, () => this.idle(from + minutes));
  }
}

const laneMinutes = (p: SimParams) => p.lanes * p.laneHours.reduce((s, [a, b]) => s + Math.min(b, DAY_END) - a, 0);

const blank = (t: SimTruck): Outcome => ({
  id: t.id,
  arrivedAt: null,
  calledAt: null,
  leftAt: null,
  fate: 'waiting',
  slotStart: null,
  crossedAt: null,
});

/** The far side's acceptance over its opening hours, in windows of the slot grid's length. */
export function farWindows(p: SimParams): AcceptanceWindow[] {
  const c = p.counterpart;
  return c ? acceptanceWindows(daySlots({ ...p, openFrom: c.hours[0], openTo: c.hours[1] }), c.daily) : [];
}

/**
 * The far side (Boten for Mohan) taking the trucks our lanes served, modelled as one more lane open in the
 * windows with acceptance, taking a truck every window ÷ quota minutes, so never more than the window's quota.
 * Our lanes call a truck only while the road between has a place for it (the trucks on it and those being served
 * count), so a full road stops them: the "cannot release the next truck" of issue 20. Without a far side
 * everything passes.
 */
class FarSide {
  readonly between = new Counter();
  private readonly windows: AcceptanceWindow[];
  private readonly gate: Lanes;
  private readonly road: Outcome[] = [];
  private places = 0;

  constructor(
    private readonly agenda: Agenda,
    private readonly p: SimParams,
    private readonly released: (now: number) => void,
  ) {
    this.windows = farWindows(p).filter((w) => w.quota > 0);
    this.gate = new Lanes(agenda, { lanes: 1, laneHours: this.windows.map((w) => [w.start, w.end]) }, (now) =>
      this.enter(now),
    );
  }

  /** Whether our lanes may call one more truck. */
  get room(): boolean {
    return !this.p.counterpart || this.places < this.p.counterpart.space;
  }

  /** A truck called to be served takes its place on the road ahead; it drives onto it at `leaves`. */
  served(o: Outcome, leaves: number): void {
    if (!this.p.counterpart) return;
    this.places++;
    this.agenda.at(leaves, () => {
      this.road.push(o);
      this.between.add(leaves, 1);
      this.enter(leaves);
    });
  }

  private enter(now: number): void {
    for (let gate = this.gate.free(now); gate !== null && this.road.length; gate = this.gate.free(now)) {
      const o = this.road.shift() as Outcome;
      o.crossedAt = now;
      this.between.add(now, -1);
      this.places--;
      const w = this.windows.find((x) => x.start <= now && now < x.end) as AcceptanceWindow;
      this.gate.occupy(gate, o.id, now, (w.end - w.start) / w.quota, true);
      this.released(now);
    }
  }
}

/** First come, first served on the road, as today: one line in arrival order, no booking, no holding area. */
export function runFcfs(trucks: readonly SimTruck[], p: SimParams): Run {
  const agenda = new Agenda();
  const roadside = new Counter();
  const outcomes = trucks.map(blank);
  const journal: Run['journal'] = [];
  const line: SimTruck[] = [];
  const call = (now: number) => {
    for (let lane = lanes.free(now); lane !== null && line.length && far.room; lane = lanes.free(now)) {
      const t = line.shift() as SimTruck;
      roadside.add(now, -1);
      Object.assign(outcomes[t.id], { calledAt: now, leftAt: now + t.service, fate: 'served' });
      journal.push({ at: now + t.service, truck: t.id, what: 'leave' });
      far.served(outcomes[t.id], now + t.service);
      lanes.occupy(lane, t.id, now, t.service, true);
    }
  };
  const far = new FarSide(agenda, p, call);
  const lanes = new Lanes(agenda, p, call);
  for (const t of trucks) {
    agenda.at(t.arrival, () => {
      outcomes[t.id].arrivedAt = t.arrival;
      journal.push({ at: t.arrival, truck: t.id, what: 'arrive' });
      line.push(t);
      roadside.add(t.arrival, 1);
      call(t.arrival);
    });
  }
  agenda.runUntil(DAY_END);
  return {
    scenario: 'fcfs',
    outcomes,
    spans: lanes.spans,
    roadside: roadside.step,
    holding: [[0, 0]],
    overflow: [[0, 0]],
    between: far.between.step,
    slots: [],
    journal,
    laneMinutes: laneMinutes(p),
    laneHours: p.laneHours,
  };
}

/** The day's slots from the product's grid, in minutes after local midnight. */
export function daySlots(p: SimParams): Array<{ start: number; end: number }> {
  const midnight = (parseLocalDate(p.date, p.timeZone) as NonNullable<ReturnType<typeof parseLocalDate>>).toMillis();
  return slotGrid(p.date, { slotMinutes: p.slotMinutes, openFrom: p.openFrom, openTo: p.openTo }, p.timeZone).map(
    (s) => ({ start: (s.startsAt.getTime() - midnight) / 60000, end: (s.endsAt.getTime() - midnight) / 60000 }),
  );
}

/** ⌈capacity × percent / 100⌉ as the product's SQL writes it (integer arithmetic). */
const share = (capacity: number, percent: number) => Math.floor((capacity * percent + 99) / 100);

/** Places per slot: the schedule's capacity, or, following a far side's acceptance, at most its share of it. */
export function slotCapacities(slots: ReadonlyArray<{ start: number }>, p: SimParams): number[] {
  return p.counterpart?.follow ? followingCapacities(slots, farWindows(p), p.capacity) : slots.map(() => p.capacity);
}

/**
 * Bookings made before the day: in id order (random), each truck takes the first slot from the one its firm
 * wants (the slot holding its FCFS arrival time, or the first slot) with a free place and room in the firm's
 * quota (⌈capacity × firmQuotaPercent / 100⌉). A truck that finds none is booked on a later day: it does not
 * come to the border today. Slot index per truck id, or null.
 */
export function book(
  trucks: readonly SimTruck[],
  slots: ReadonlyArray<{ start: number; end: number }>,
  p: SimParams,
  capacities = slotCapacities(slots, p),
): Array<number | null> {
  const taken = slots.map(() => 0);
  const byFirm = slots.map(() => new Map<number, number>());
  const quotas = capacities.map((c) => share(c, p.firmQuotaPercent));
  const result: Array<number | null> = trucks.map(() => null);
  for (const t of trucks) {
    for (let s = slots.findIndex((x) => x.end > t.arrival); s >= 0 && s < slots.length; s++) {
      const firm = byFirm[s].get(t.firm) ?? 0;
      if (taken[s] < capacities[s] && firm < quotas[s]) {
        taken[s]++;
        byFirm[s].set(t.firm, firm + 1);
        result[t.id] = s;
        break;
      }
    }
  }
  return result;
}

interface Booked extends SimTruck {
  queueKey: number;
  frontKey: number | null;
  priority: boolean;
  slotStart: number;
  slot: number;
  bay: boolean;
  overflow: boolean;
  skipped: boolean;
  timeouts: number;
}

/**
 * Kouan: trucks come around their booked slot, check in inside the window (too early: they wait on the road
 * until it opens; too late: a no-show), take a bay or overflow to the road, and are called by the product's
 * order; absent trucks are skipped or time out as the worker would.
 */
export function runKouan(trucks: readonly SimTruck[], p: SimParams): Run {
  const agenda = new Agenda();
  const roadside = new Counter();
  const holding = new Counter();
  const overflow = new Counter();
  const outcomes = trucks.map(blank);
  const journal: Run['journal'] = [];
  const slots = daySlots(p);
  const capacities = slotCapacities(slots, p);
  const slotOf = book(trucks, slots, p, capacities);
  const greenCaps = capacities.map((c) => share(c, p.priorityCapPercent));
  const greens = slots.map(() => 0);
  const merge: MergeState = { ratio: p.priorityRatio, since: 0 };
  let seq = 0;
  const waiting: Booked[] = [];

  const noShow = (k: Booked, at: number) => {
    Object.assign(outcomes[k.id], { leftAt: at, fate: 'no_show' });
    journal.push({ at, truck: k.id, what: 'no_show' });
  };

  const readmit = (k: Booked, now: number) => {
    if (k.priority) greens[k.slot]--;
    readmitBehindHead(waiting, k, now, merge, () => ++seq);
    call(now);
  };

  const call = (now: number) => {
    for (let lane = lanes.free(now); lane !== null && waiting.length && far.room; lane = lanes.free(now)) {
      const k = takeHead(waiting, now, merge) as Booked;
      if (k.bay) holding.add(now, -1);
      if (k.overflow) {
        roadside.add(now, -1);
        overflow.add(now, -1);
      }
      k.bay = k.overflow = false;
      if (k.absence === 'skip' && !k.skipped) {
        k.skipped = true;
        agenda.at(now + p.absentWaitMinutes, () => readmit(k, now + p.absentWaitMinutes));
        lanes.occupy(lane, k.id, now, p.absentWaitMinutes, false);
      } else if (k.absence === 'gone') {
        const timeout = now + p.calledTimeoutMinutes;
        agenda.at(timeout, () => (k.timeouts++ === 0 ? readmit(k, timeout) : noShow(k, timeout)));
        lanes.occupy(lane, k.id, now, p.absentWaitMinutes, false);
      } else {
        Object.assign(outcomes[k.id], { calledAt: now, leftAt: now + k.service, fate: 'served' });
        journal.push({ at: now + k.service, truck: k.id, what: 'leave' });
        far.served(outcomes[k.id], now + k.service);
        lanes.occupy(lane, k.id, now, k.service, true);
      }
    }
  };
  const far = new FarSide(agenda, p, call);
  const lanes = new Lanes(agenda, p, call);

  const checkIn = (k: Booked, now: number) => {
    k.queueKey = ++seq;
    k.priority = k.perishable && greens[k.slot] < greenCaps[k.slot];
    if (k.priority) greens[k.slot]++;
    k.bay = holding.now < p.bays;
    k.overflow = !k.bay;
    if (k.bay) holding.add(now, 1);
    else {
      roadside.add(now, 1);
      overflow.add(now, 1);
    }
    waiting.push(k);
    call(now);
  };

  for (const t of trucks) {
    const s = slotOf[t.id];
    if (s === null) {
      outcomes[t.id].fate = 'later_days';
      continue;
    }
    const { start, end } = slots[s];
    const k: Booked = {
      ...t,
      queueKey: 0,
      frontKey: null,
      priority: false,
      slotStart: start,
      slot: s,
      bay: false,
      overflow: false,
      skipped: false,
      timeouts: 0,
    };
    outcomes[t.id].slotStart = start;
    const opens = start - p.earlyArrivalMinutes;
    const closes = end + p.checkInGraceMinutes;
    const at = Math.max(start + t.offset, 0);
    if (t.noShow) {
      agenda.at(closes, () => noShow(k, closes));
      continue;
    }
    agenda.at(at, () => {
      outcomes[t.id].arrivedAt = at;
      journal.push({ at, truck: t.id, what: 'arrive' });
      if (at > closes) return noShow(k, at);
      if (at >= opens) return checkIn(k, at);
      roadside.add(at, 1);
      agenda.at(opens, () => {
        roadside.add(opens, -1);
        checkIn(k, opens);
      });
    });
  }
  agenda.runUntil(DAY_END);
  return {
    scenario: 'kouan',
    outcomes,
    spans: lanes.spans,
    roadside: roadside.step,
    holding: holding.step,
    overflow: overflow.step,
    between: far.between.step,
    slots,
    journal,
    laneMinutes: laneMinutes(p),
    laneHours: p.laneHours,
  };
}
