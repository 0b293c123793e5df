import { IndexHeap } from './index-heap';
import { LiveLine, LineTruck } from './live-line';
import { itemDraw, normalCdf, normalQuantile, Random } from './random';

/**
 * The rest of one port day in one direction from a live queue (issue 23): the simulator's Kouan model (engine.ts:
 * check-in window, bays or overflow, green channel, the product's order) started from the trucks that wait, are
 * called and are booked now instead of from a drawn population. Times are minutes after the as-of instant (0).
 * docs/outlook.md describes the inputs and what is assumed.
 */
export interface LiveDayTruck extends LineTruck {
  /** Checked in now (in line); false: booked, not arrived yet. */
  waiting: boolean;
  /** Waiting: has a bay (false: checked in without one, on the road). */
  bay: boolean;
  /** Booked: perishable cargo, asks for the green channel at check-in (within its slot's cap). */
  perishable: boolean;
}

export interface LiveDaySlot {
  start: number;
  end: number;
  /** Green-channel trucks of the slot so far (waiting, called or done) and its cap (⌈capacity × cap % / 100⌉). */
  greens: number;
  greenCap: number;
}

export interface LiveDayLane {
  /** Open now (closed and paused lanes do not call). */
  working: boolean;
  /** When the truck called to it was called (≤ 0), or null when it is free. */
  calledAt: number | null;
}

export interface LiveDayState {
  /** Minutes from the as-of instant to the end of the port's day. */
  end: number;
  trucks: LiveDayTruck[];
  slots: LiveDaySlot[];
  lanes: LiveDayLane[];
  /** `priorityRatio` and `queue_state.regular_since_priority`. */
  merge: { ratio: number; since: number };
  /** Bays free now in the port's holding areas (both directions' trucks hold them). */
  freeBays: number;
  earlyArrivalMinutes: number;
  checkInGraceMinutes: number;
  /** When to count the line, holding area and road (the hours' starts; 0 for the current hour). */
  samples: number[];
}

/** How the trucks and lanes behave: measured at the port or assumed (docs/outlook.md). */
export interface LiveDayModel {
  serviceMinutes: number;
  /** Spread of service times (lognormal's coefficient of variation); 0: every truck takes `serviceMinutes`. */
  serviceCv: number;
  /** Share of booked trucks that come. */
  showUp: number;
  /** Arrival around the slot's start, normal (minutes; negative = early); sd 0: all at the mean. */
  arrivalMean: number;
  arrivalSd: number;
  /** Called trucks not at their lane (none when absent): see `LiveDayAbsence`. */
  absence?: LiveDayAbsence;
}

/**
 * As the simulator's day has them (engine.ts, `skip` and `gone`): a share of the trucks is skipped on its first call
 * (it comes back behind the head and is served on the next), a share has left (each call times out after
 * `timeoutMinutes`: the first puts it back behind the head, the second makes it a no-show); either way its lane
 * waits `waitMinutes` for it, then calls again.
 */
export interface LiveDayAbsence {
  skip: number;
  gone: number;
  waitMinutes: number;
  timeoutMinutes: number;
}

/** What the officer may change: working lanes from a time, the service time, a pause of every lane. */
export interface LiveDayChange {
  lanes?: { count: number; from: number };
  serviceMinutes?: number;
  pause?: { from: number; minutes: number };
}

export interface LiveDayRun {
  /** First instant nobody waits in line (null: not before the day ends). */
  clearsAt: number | null;
  /** At each sample: trucks in line, in bays, and on the road (too early for the window, or without a bay). */
  waiting: number[];
  holding: number[];
  roadside: number[];
  roadsideMax: number;
  /** Per truck: the call it was served on (Infinity: not that day, or it had left), or NaN when it never came. */
  calledAt: Float64Array;
  /** Per truck: the minute it reached the border, NaN when it never came (a no-show). */
  arrivedAt: Float64Array;
}

/** Event kinds, in the order they run at one instant: a slot starts before a call may take its trucks. */
const SLOT = 0;
const LANE_ON = 1;
const LANE_OFF = 2;
const ARRIVE = 3;
const CHECK_IN = 4;
/** A skipped or timed-out truck back in line: before the lane that waited for it calls again. */
const READMIT = 5;
const FREE = 6;
const SAMPLE = 7;

class Events {
  private readonly at: number[] = [];
  private readonly kind: number[] = [];
  private readonly arg: number[] = [];
  private readonly heap = new IndexHeap(
    (a, b) => this.at[a] < this.at[b] || (this.at[a] === this.at[b] && (this.kind[a] - this.kind[b] || a - b) < 0),
  );

  get size(): number {
    return this.heap.size;
  }

  push(at: number, kind: number, arg: number): void {
    this.at.push(at);
    this.kind.push(kind);
    this.arg.push(arg);
    this.heap.push(this.at.length - 1);
  }

  peekAt(): number {
    return this.at[this.heap.peek() as number];
  }

  pop(): [number, number, number] {
    const top = this.heap.pop();
    return [this.at[top], this.kind[top], this.arg[top]];
  }
}

const draw = (rnd: Random, mean: number, cv: number) => (cv > 0 ? rnd.lognormal(mean, cv) : mean);

/**
 * A service time for a truck already `elapsed` minutes at its lane: drawn from the service times longer than that
 * (the lognormal's upper part), so a lane is never taken as free while its truck is still there. Two draws, as `draw`.
 */
function drawLonger(rnd: Random, mean: number, cv: number, elapsed: number): number {
  const u = rnd.next();
  rnd.next();
  if (cv <= 0) return Math.max(mean, elapsed);
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const from = elapsed > 0 ? normalCdf((Math.log(elapsed) - mu) / sigma) : 0;
  return Math.exp(mu + sigma * normalQuantile(from + u * (1 - from)));
}

/** What every run of one state starts from: the line sorted once, the keys, green flags and bays. */
export interface PreparedLiveDay {
  line: LiveLine;
  keys: Float64Array;
  priority: Uint8Array;
  bay: Uint8Array;
  /** A key above every waiting truck's, for the first truck that checks in. */
  nextKey: number;
  /** Waiting trucks in bays and on the road. */
  holding: number;
  roadside: number;
}

export function prepareLiveDay(s: LiveDayState): PreparedLiveDay {
  const n = s.trucks.length;
  const keys = new Float64Array(n);
  const priority = new Uint8Array(n);
  const bay = new Uint8Array(n);
  const waiting: number[] = [];
  let nextKey = 0;
  let holding = 0;
  for (let i = 0; i < n; i++) {
    const t = s.trucks[i];
    keys[i] = t.queueKey;
    if (!t.waiting) continue;
    waiting.push(i);
    priority[i] = t.priority ? 1 : 0;
    bay[i] = t.bay ? 1 : 0;
    holding += bay[i];
    if (keys[i] >= nextKey) nextKey = keys[i] + 1;
  }
  const line = new LiveLine(
    s.trucks,
    keys,
    priority,
    s.slots.map((x) => x.start),
    { ...s.merge },
    0,
  );
  line.seed(waiting);
  return { line, keys, priority, bay, nextKey, holding, roadside: waiting.length - holding };
}

/**
 * One run of the rest of the day for `seed`. Arrivals (show-up, time) come from one stream drawn per truck in
 * order, service times from another drawn per call in order, so two runs of one seed differ only by the change:
 * one more lane can only call each truck earlier (common random numbers). Runs of one state share `prepared`.
 */
export function runLiveDay(
  s: LiveDayState,
  m: LiveDayModel,
  seed: number,
  change: LiveDayChange = {},
  prepared: PreparedLiveDay = prepareLiveDay(s),
): LiveDayRun {
  const n = s.trucks.length;
  const arrivals = new Random(seed);
  const services = new Random(seed ^ 0x5bd1e995);
  const serviceMinutes = change.serviceMinutes ?? m.serviceMinutes;
  const keys = prepared.keys.slice();
  const priority = prepared.priority.slice();
  const bay = prepared.bay.slice();
  let nextKey = prepared.nextKey;
  const line = prepared.line.copy(keys, priority, { ...s.merge });
  const greens = s.slots.map((x) => x.greens);
  const calledAt = new Float64Array(n).fill(Infinity);
  const arrivedAt = new Float64Array(n).fill(NaN);
  const events = new Events();
  const absence = m.absence;
  /** Per truck, calls it was not at its lane for (absent trucks only). */
  const missed = new Uint8Array(absence ? n : 0);
  let freeBays = s.freeBays;
  let holding = prepared.holding;
  let roadside = prepared.roadside;
  let roadsideMax = roadside;
  // A booked truck whose window is open and has not checked in has not come yet: it comes later or not at all. Per
  // slot: the share of the trucks that come which come after now (all, before the window opens), and that share's
  // lower end on the arrival's distribution.
  const later = s.slots.map((x) => {
    if (x.start - s.earlyArrivalMinutes > 0) return { share: 1, from: 0 };
    if (m.arrivalSd <= 0) return { share: x.start + m.arrivalMean > 0 ? 1 : 0, from: 0 };
    const from = normalCdf((-x.start - m.arrivalMean) / m.arrivalSd);
    return { share: 1 - from, from };
  });
  for (let i = 0; i < n; i++) {
    const t = s.trucks[i];
    if (t.waiting) {
      arrivedAt[i] = 0;
      continue;
    }
    const slot = s.slots[t.slot];
    // Drawn for every booked truck, whatever the change, so each truck keeps its fate across a what-if.
    const fate = arrivals.next();
    const x = arrivals.next();
    // Comes, given that it has not yet: showUp × share ÷ (1 − showUp + showUp × share).
    const { share, from } = later[t.slot];
    if (fate * (1 - m.showUp + m.showUp * share) >= m.showUp * share) continue;
    const offset = m.arrivalSd > 0 ? m.arrivalMean + m.arrivalSd * normalQuantile(from + x * share) : m.arrivalMean;
    const at = Math.max(slot.start + offset, 0);
    if (at > slot.end + s.checkInGraceMinutes || at >= s.end) continue;
    events.push(at, ARRIVE, i);
  }

  // Lanes: busy until their called truck is done; working from/to (a change opens or stops some from a time).
  const laneCount = Math.max(s.lanes.length, change.lanes ? change.lanes.count : 0);
  const busyUntil = new Float64Array(laneCount).fill(-Infinity);
  const working = new Uint8Array(laneCount);
  const workingAtStart = s.lanes.filter((l) => l.working).length;
  const pauseFrom = change.pause ? change.pause.from : Infinity;
  const pausedUntil = change.pause ? change.pause.from + change.pause.minutes : -Infinity;
  s.lanes.forEach((l, i) => {
    working[i] = l.working ? 1 : 0;
    if (l.calledAt !== null) busyUntil[i] = l.calledAt + drawLonger(services, serviceMinutes, m.serviceCv, -l.calledAt);
  });
  if (change.lanes) {
    const { count, from } = change.lanes;
    let more = count - workingAtStart;
    for (let i = 0; i < laneCount && more !== 0; i++) {
      if (more > 0 && !working[i]) {
        events.push(from, LANE_ON, i);
        more--;
      } else if (more < 0 && working[i]) {
        events.push(from, LANE_OFF, i);
        more++;
      }
    }
  }
  // The pause's end: no lane changes (-1), the lanes call again.
  if (change.pause) events.push(pausedUntil, LANE_ON, -1);
  for (let k = 0; k < s.slots.length; k++) if (s.slots[k].start > 0) events.push(s.slots[k].start, SLOT, k);
  s.samples.forEach((at, k) => events.push(at, SAMPLE, k));
  for (let i = 0; i < laneCount; i++) if (busyUntil[i] > 0) events.push(busyUntil[i], FREE, i);

  let clearsAt: number | null = line.size === 0 ? 0 : null;
  const waiting: number[] = [];
  const holdingAt: number[] = [];
  const roadsideAt: number[] = [];

  const call = (at: number) => {
    if (at >= pauseFrom && at < pausedUntil) return;
    for (let lane = 0; lane < laneCount && line.size; lane++) {
      if (!working[lane] || busyUntil[lane] > at) continue;
      const i = line.take() as number;
      if (bay[i]) {
        holding--;
        freeBays++;
      } else if (!missed.length || !missed[i]) roadside--;
      bay[i] = 0;
      const absent = absence && absentOnCall(absence, i);
      if (absent) {
        busyUntil[lane] = at + absent.wait;
        if (absent.back !== null) events.push(at + absent.back, READMIT, i);
      } else {
        calledAt[i] = at;
        busyUntil[lane] = at + draw(services, serviceMinutes, m.serviceCv);
      }
      events.push(busyUntil[lane], FREE, lane);
      if (!line.size && clearsAt === null) clearsAt = at;
    }
  };

  /**
   * Whether truck i, called, is not at its lane: how long the lane waits, and when it is back in line (null: never,
   * a no-show). Its fate is drawn per truck, so a what-if that calls it at another time keeps it.
   */
  const absentOnCall = (a: LiveDayAbsence, i: number): { wait: number; back: number | null } | null => {
    const u = itemDraw(seed, i);
    if (u < a.skip && missed[i] === 0) {
      missed[i] = 1;
      return { wait: a.waitMinutes, back: a.waitMinutes };
    }
    if (u < a.skip || u >= a.skip + a.gone) return null;
    missed[i]++;
    return { wait: a.waitMinutes, back: missed[i] === 1 ? a.timeoutMinutes : null };
  };

  const checkIn = (i: number) => {
    const t = s.trucks[i];
    priority[i] = t.perishable && greens[t.slot] < s.slots[t.slot].greenCap ? 1 : 0;
    greens[t.slot] += priority[i];
    keys[i] = nextKey++;
    bay[i] = freeBays > 0 ? 1 : 0;
    if (bay[i]) {
      freeBays--;
      holding++;
    } else roadside++;
    line.add(i);
  };

  call(0);
  while (events.size && events.peekAt() < s.end) {
    const [at, kind, arg] = events.pop();
    if (kind === SLOT) line.start(arg);
    else if (kind === LANE_ON) {
      if (arg >= 0) working[arg] = 1;
    } else if (kind === LANE_OFF) working[arg] = 0;
    else if (kind === ARRIVE) {
      arrivedAt[arg] = at;
      const opens = s.slots[s.trucks[arg].slot].start - s.earlyArrivalMinutes;
      if (at >= opens) checkIn(arg);
      else {
        roadside++;
        events.push(opens, CHECK_IN, arg);
      }
    } else if (kind === CHECK_IN) {
      roadside--;
      checkIn(arg);
    } else if (kind === READMIT) {
      // Back without the green channel, neither in a bay nor on the road (it waits by the lane, as the product says).
      if (priority[arg]) greens[s.trucks[arg].slot]--;
      priority[arg] = 0;
      line.readmit(arg);
    } else if (kind === SAMPLE) {
      waiting[arg] = line.size;
      holdingAt[arg] = holding;
      roadsideAt[arg] = roadside;
      continue;
    }
    if (roadside > roadsideMax) roadsideMax = roadside;
    call(at);
  }
  return { clearsAt, waiting, holding: holdingAt, roadside: roadsideAt, roadsideMax, calledAt, arrivedAt };
}
