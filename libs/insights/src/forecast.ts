import { DEFAULT_NO_SHOW } from '@kouan/sim';

/**
 * The forecast of one local day at one port, from what was measured there before it and what is booked: a pure
 * function, so the arithmetic is tested without a database (test/unit/forecast.spec.ts). docs/forecast.md explains it.
 */

export const DIRECTIONS = ['export', 'import'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Fewer decided bookings (checked in or no-show) than this in the basis window: too few to trust, use the defaults. */
export const MIN_DECIDED = 20;

/**
 * What the simulator assumes (libs/sim/src/params.ts): DEFAULT_NO_SHOW of booked trucks never come, and the others
 * arrive normally around their slot's start, DEFAULT_ARRIVAL (mean 20 min early, sd 30 min). P(-60 <= x < 0) =
 * Φ(0.67) - Φ(-1.33) ≈ 0.66, and the ≈ 0.09 who come earlier wait and check in when check-in opens, 60 min before the
 * start (earlyArrivalMinutes; libs/sim/src/engine.ts): ≈ 0.75 in the hour before the start; P(0 <= x < 60) ≈ 0.25 in
 * the slot's first hour; later, ≈ 0.004, is dropped. test/unit/forecast.spec.ts checks the shares against Φ.
 */
export const DEFAULT_SHOW_UP_RATE = 1 - DEFAULT_NO_SHOW;
export const DEFAULT_ARRIVAL_OFFSETS: readonly ArrivalOffset[] = [
  { hours: -1, share: 0.75 },
  { hours: 0, share: 0.25 },
];

/** A share of the trucks that came checked in `hours` whole hours after their slot's start (-1: in the hour before). */
export interface ArrivalOffset {
  hours: number;
  share: number;
}

/** The same, to the minute: what the arithmetic uses, so a slot starting at 10:30 spreads its trucks from 09:30 on. */
interface MinuteShare {
  minutes: number;
  share: number;
}

export interface MeasuredBasis {
  /** Bookings of the window checked in or marked no-show (cancelled ones and those still open are not decided). */
  decided: number;
  /** Of those, the ones that checked in (a truck checked in and later a no-show at its lane still came). */
  checkedIn: number;
  /** Checked-in bookings by whole minutes from their slot's start to their check-in (floor: -1 = the minute before). */
  offsets: Array<{ minutes: number; count: number }>;
  /** Mean lane service time (call to complete) per direction over the window; null without any completed truck. */
  serviceMinutes: Record<Direction, number | null>;
}

export interface ForecastInput {
  measured: MeasuredBasis;
  /** The schedule's assumed service time, for a direction without a measured one. */
  defaultServiceMinutes: number;
  /**
   * Places booked (not cancelled) by direction and the minute their slot starts, counted from the forecast day's
   * local midnight: 0-1439 are the day's; -1440..-1 and 1440..2879 (the days around it) bring early and late
   * arrivals over midnight.
   */
  booked: Array<{ direction: Direction; minute: number; count: number }>;
  /** The port's lanes per direction. */
  lanes: Record<Direction, number>;
}

export interface ForecastBasis {
  decided: number;
  checkedIn: number;
  measured: boolean;
  showUpRate: number;
  arrivalOffsets: ArrivalOffset[];
  serviceMinutes: Record<Direction, number>;
}

export interface ForecastHour {
  hour: string;
  direction: Direction;
  booked: number;
  expectedArrivals: number;
  lanesNeeded: number;
  lanes: number;
  short: boolean;
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/**
 * The basis the day is forecast on: the measured rates when enough bookings were decided, else the defaults. The
 * arrival shares come to the minute; `arrivalOffsets` sums them by whole hours for the answer.
 */
export function forecastBasis(
  m: MeasuredBasis,
  defaultServiceMinutes: number,
): ForecastBasis & { minuteShares: MinuteShare[] } {
  const measured = m.decided >= MIN_DECIDED && m.checkedIn > 0;
  const serviceMinutes = {
    export: round(m.serviceMinutes.export ?? defaultServiceMinutes, 1),
    import: round(m.serviceMinutes.import ?? defaultServiceMinutes, 1),
  };
  if (!measured) {
    // The defaults are shares of whole hours: spread evenly over each hour's minutes.
    const minuteShares = DEFAULT_ARRIVAL_OFFSETS.flatMap((o) =>
      Array.from({ length: 60 }, (_, i) => ({ minutes: o.hours * 60 + i, share: o.share / 60 })),
    );
    return {
      decided: m.decided,
      checkedIn: m.checkedIn,
      measured,
      showUpRate: DEFAULT_SHOW_UP_RATE,
      arrivalOffsets: [...DEFAULT_ARRIVAL_OFFSETS],
      serviceMinutes,
      minuteShares,
    };
  }
  const minuteShares = m.offsets.map((o) => ({ minutes: o.minutes, share: o.count / m.checkedIn }));
  const byHour = new Map<number, number>();
  for (const o of minuteShares)
    byHour.set(Math.floor(o.minutes / 60), (byHour.get(Math.floor(o.minutes / 60)) ?? 0) + o.share);
  return {
    decided: m.decided,
    checkedIn: m.checkedIn,
    measured,
    showUpRate: m.checkedIn / m.decided,
    arrivalOffsets: [...byHour].sort(([a], [b]) => a - b).map(([hours, share]) => ({ hours, share })),
    serviceMinutes,
    minuteShares,
  };
}

/**
 * Per hour of the day and direction: expected arrivals = Σ over slots s and offsets m of booked(s) × show-up rate ×
 * share(m), counted in the hour that s's start + m falls in; and the lanes that serve them at the service time (a lane
 * gives 60 service minutes an hour). Rates are kept unrounded for the arithmetic; the answer rounds arrivals to 0.1
 * and rates to 0.001.
 */
export function forecast(input: ForecastInput): { basis: ForecastBasis; hours: ForecastHour[] } {
  const { minuteShares, ...basis } = forecastBasis(input.measured, input.defaultServiceMinutes);
  const perHour = () => Array.from({ length: 24 }, () => 0);
  const arrivals = { export: perHour(), import: perHour() };
  const bookedIn = { export: perHour(), import: perHour() };
  const inDay = (h: number) => h >= 0 && h < 24;
  for (const b of input.booked) {
    const start = Math.floor(b.minute / 60);
    if (inDay(start)) bookedIn[b.direction][start] += b.count;
    for (const o of minuteShares) {
      const h = Math.floor((b.minute + o.minutes) / 60);
      if (inDay(h)) arrivals[b.direction][h] += b.count * basis.showUpRate * o.share;
    }
  }
  const hours: ForecastHour[] = [];
  for (let h = 0; h < 24; h++) {
    for (const direction of DIRECTIONS) {
      const expected = arrivals[direction][h];
      const booked = bookedIn[direction][h];
      // The tolerance keeps float dust (3.0000000000000004 trucks) from asking for one lane more.
      const lanesNeeded = Math.max(0, Math.ceil((expected * basis.serviceMinutes[direction]) / 60 - 1e-9));
      hours.push({
        hour: `${String(h).padStart(2, '0')}:00`,
        direction,
        booked,
        expectedArrivals: round(expected, 1),
        lanesNeeded,
        lanes: input.lanes[direction],
        short: lanesNeeded > input.lanes[direction],
      });
    }
  }
  return {
    basis: {
      ...basis,
      showUpRate: round(basis.showUpRate, 3),
      arrivalOffsets: basis.arrivalOffsets.map((o) => ({ hours: o.hours, share: round(o.share, 3) })),
    },
    hours,
  };
}
