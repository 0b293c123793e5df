import holdingAreas from '@kouan/parking/data/holding-areas.json';
import portList from '@kouan/ports/data/yunnan-ports.json';
import { formatClock, parseClock } from '@kouan/calendar';

/**
 * The schedule a road port gets from the seed (`DEFAULT_SCHEDULE` in libs/ports/src/port-seed.service.ts) and
 * the column defaults of `Schedule` (priority ratio and cap, service minutes). Copied here so the simulator loads
 * without Nest or TypeORM; test/unit/sim-defaults.spec.ts fails when they drift apart.
 */
export const PRODUCT_DEFAULTS = {
  slotMinutes: 60,
  capacity: 6,
  openFrom: 8 * 60,
  openTo: 20 * 60,
  firmQuotaPercent: 30,
  earlyArrivalMinutes: 60,
  checkInGraceMinutes: 30,
  calledTimeoutMinutes: 15,
  priorityRatio: 3,
  priorityCapPercent: 25,
  defaultServiceMinutes: 8,
} as const;

/**
 * The far side of the border (`--counterpart-daily`): it takes at most `daily` of our trucks a day, spread over
 * its opening hours in slot-length windows; a truck our lane served waits on the road between until it is taken,
 * and the road between holds `space` trucks.
 */
export interface Counterpart {
  name: string;
  daily: number;
  hours: [number, number];
  space: number;
  /** Kouan's slots take at most their share of the acceptance (issue 20, item 2); FCFS ignores it. */
  follow: boolean;
}

/**
 * With a far side the day changes, or the far side would never be what limits it: demand as the Boten reports
 * in issue 20 put it (400–450 trucks a day), Mohan's lane at the 3 minutes its throughput suggests (the "How
 * much rests on the 8 minutes" section of docs/simulation.md) and the slot capacity the rule gives at that
 * speed (1 × 60 / 3 / 0.92 → 20). The road between holds 30 trucks (600 m): an assumption, no measurement.
 */
export const COUNTERPART_DEFAULTS = { trucks: 425, serviceMinutes: 3, capacity: 20, space: 30 } as const;

/** A share of the day's FCFS arrivals spread evenly over [from, to) (minutes after local midnight). */
export interface ProfilePiece {
  from: number;
  to: number;
  share: number;
}

export interface SimParams {
  port: string;
  /** The day's demand in the simulated direction. */
  trucks: number;
  lanes: number;
  /** Places per slot. */
  capacity: number;
  /** Share of booked trucks that never come. */
  noShow: number;
  seed: number;
  slotMinutes: number;
  openFrom: number;
  openTo: number;
  /** When the lanes work, as [from, to) windows; by default the schedule's opening hours. */
  laneHours: Array<[number, number]>;
  firmQuotaPercent: number;
  earlyArrivalMinutes: number;
  checkInGraceMinutes: number;
  calledTimeoutMinutes: number;
  priorityRatio: number;
  priorityCapPercent: number;
  /** Mean lane service time (call to complete) and its coefficient of variation (lognormal). */
  serviceMinutes: number;
  serviceCv: number;
  bays: number;
  /** FCFS arrival profile (shares sum to 1) and convoy size (trucks one minute apart). */
  profile: ProfilePiece[];
  convoy: number;
  firms: number;
  perishable: number;
  /** Kouan arrival around slot start: normal, minutes (negative = early). */
  arrivalMean: number;
  arrivalSd: number;
  /** Called trucks not at the lane: staff skip them (they come next time), or they left (two called timeouts). */
  skip: number;
  gone: number;
  /** How long a lane waits for a called truck that does not come before staff act. */
  absentWaitMinutes: number;
  /** Road taken by one waiting truck, for the queue in km. */
  truckMetres: number;
  /** The simulated local date and zone (slot grid from libs/calendar/src/slot-grid.ts). */
  date: string;
  timeZone: string;
  /** The far side, when the run models it. */
  counterpart: Counterpart | null;
}

/** Before the border opens the overnight convoys, then the morning peak, then the rest of the day. */
export const DEFAULT_PROFILE = '03:00-08:00=0.30,08:00-11:00=0.40,11:00-18:00=0.30';

export function parseProfile(text: string): ProfilePiece[] {
  const pieces = text.split(',').map((part) => {
    const m = /^(\d\d:\d\d)-(\d\d:\d\d)=([\d.]+)$/.exec(part.trim());
    const from = m ? parseClock(m[1]) : null;
    const to = m ? parseClock(m[2]) : null;
    if (!m || from === null || to === null || from >= to)
      throw new RangeError(`profile piece not HH:MM-HH:MM=share: ${part}`);
    return { from, to, share: Number(m[3]) };
  });
  const total = pieces.reduce((s, p) => s + p.share, 0);
  if (Math.abs(total - 1) > 1e-6) throw new RangeError(`profile shares sum to ${total}, not 1`);
  return pieces;
}

export const formatProfile = (p: ProfilePiece[]): string =>
  p.map((x) => `${formatClock(x.from)}-${formatClock(x.to)}=${x.share.toFixed(2)}`).join(',');

/** "HH:MM-HH:MM" windows separated by commas. */
export function parseHours(text: string): Array<[number, number]> {
  return text.split(',').map((part) => {
    const [a, b] = part.trim().split('-').map(parseClock);
    if (a === null || b === null || a === undefined || b === undefined || a >= b)
      throw new RangeError(`not HH:MM-HH:MM: ${part}`);
    return [a, b];
  });
}

type PortFacts = { code: string; mode: string; counterpart?: string };
const portFacts = (port: string) => (portList as { ports: PortFacts[] }).ports.find((p) => p.code === port);

/** The port across the border (libs/ports/src/data/yunnan-ports.json), or the code's when the data names none. */
export const portCounterpart = (port: string): string => portFacts(port)?.counterpart ?? `${port}'s counterpart`;

/** The port's holding-area bays (libs/parking/src/data/holding-areas.json); throws for a port that is not a road port. */
export function portBays(port: string): number {
  const facts = portFacts(port);
  if (!facts || facts.mode !== 'road') throw new RangeError(`not a road port: ${port}`);
  return (holdingAreas as { areas: Array<{ portCode: string; bays: number }> }).areas
    .filter((a) => a.portCode === port)
    .reduce((s, a) => s + a.bays, 0);
}

/**
 * How booked trucks behave by default: the share that never comes, and when the others arrive, normally around their
 * slot's start (minutes). Also the forecast's assumptions where a port has too little history (libs/insights).
 */
export const DEFAULT_NO_SHOW = 0.08;
export const DEFAULT_ARRIVAL = { mean: -20, sd: 30 } as const;

/**
 * Called trucks not at their lane by default: the share staff skip (they come next time), the share that left (two
 * called timeouts), and how long a lane waits for one before staff act (minutes).
 */
export const DEFAULT_ABSENCE = { skip: 0.03, gone: 0.01, waitMinutes: 2 } as const;

/** The spread of lane service times (lognormal's coefficient of variation) until a port has measured its own. */
export const DEFAULT_SERVICE_CV = 0.5;

export function defaultParams(port = 'MOHAN'): SimParams {
  const d = PRODUCT_DEFAULTS;
  return {
    port,
    trucks: 950,
    lanes: 1,
    capacity: d.capacity,
    noShow: DEFAULT_NO_SHOW,
    seed: 42,
    slotMinutes: d.slotMinutes,
    openFrom: d.openFrom,
    openTo: d.openTo,
    laneHours: [[d.openFrom, d.openTo]],
    firmQuotaPercent: d.firmQuotaPercent,
    earlyArrivalMinutes: d.earlyArrivalMinutes,
    checkInGraceMinutes: d.checkInGraceMinutes,
    calledTimeoutMinutes: d.calledTimeoutMinutes,
    priorityRatio: d.priorityRatio,
    priorityCapPercent: d.priorityCapPercent,
    serviceMinutes: d.defaultServiceMinutes,
    serviceCv: DEFAULT_SERVICE_CV,
    bays: portBays(port),
    profile: parseProfile(DEFAULT_PROFILE),
    convoy: 5,
    firms: 20,
    perishable: 0.2,
    arrivalMean: DEFAULT_ARRIVAL.mean,
    arrivalSd: DEFAULT_ARRIVAL.sd,
    skip: DEFAULT_ABSENCE.skip,
    gone: DEFAULT_ABSENCE.gone,
    absentWaitMinutes: DEFAULT_ABSENCE.waitMinutes,
    truckMetres: 20,
    date: '2026-12-01',
    timeZone: 'Asia/Shanghai',
    counterpart: null,
  };
}
