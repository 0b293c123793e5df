import { DEFAULT_NO_SHOW } from '@kouan/sim/params';

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
export const DEFAULT_ARRIVAL_OFFSETS: readonly ArrivalOffset[] = [{ hours: -1, share: 0.75 }, { hours: 0, share: 0.25 }];

/** A share of the trucks that came checked in `hours` whole hours after their slot's start (-1: in the hour before). */
export interface ArrivalOffset {
  hours: number;
  share: number;
}

export interface MeasuredBasis {
  /** Bookings of the window checked in or marked no-show (cancelled ones and those still open are not decided). */
  decided: number;
  /** Of those, the ones that checked in (a truck checked in and later a no-show at its lane still came). */
  checkedIn: number;
  /** Checked-in bookings by whole hours from their slot's start to their check-in. */
  offsets: Array<{ hours: number; count: number }>;
  /** Mean lane service time (call to complete) per direction over the window; null without any completed truck. */
  serviceMinutes: Record<Direction, number | null>;
}

export interface ForecastInput {
  measured: MeasuredBasis;
  /** The schedule's assumed service time, for a direction without a measured one. */
  defaultServiceMinutes: number;
  /**
   * Places booked (not cancelled) by direction and the hour their slot starts, counted from the forecast day's local
   * midnight: 0-23 are the day's hours; -24..-1 and 24..47 (the days around it) bring early and late arrivals over midnight.
   */
  booked: Array<{ direction: Direction; hour: number; count: number }>;
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

/** The basis the day is forecast on: the measured rates when enough bookings were decided, else the defaults. */
export function forecastBasis(m: MeasuredBasis, defaultServiceMinutes: number): ForecastBasis {
  const measured = m.decided >= MIN_DECIDED && m.checkedIn > 0;
  const serviceMinutes = {
    export: round(m.serviceMinutes.export ?? defaultServiceMinutes, 1),
    import: round(m.serviceMinutes.import ?? defaultServiceMinutes, 1),
  };
  if (!measured) {
    return { decided: m.decided, checkedIn: m.checkedIn, measured, showUpRate: DEFAULT_SHOW_UP_RATE, arrivalOffsets: [...DEFAULT_ARRIVAL_OFFSETS], serviceMinutes };
  }
  return {
    decided: m.decided,
    checkedIn: m.checkedIn,
    measured,
    showUpRate: m.checkedIn / m.decided,
    arrivalOffsets: [...m.offsets].sort((a, b) => a.hours - b.hours).map((o) => ({ hours: o.hours, share: o.count / m.checkedIn })),
    serviceMinutes,
  };
}

/**
 * Per hour of the day and direction: expected arrivals = Σ over slot hours s of booked(s) × show-up rate ×
 * share(h − s), and the lanes that serve them at the service time (a lane gives 60 service minutes an hour).
 * Rates are kept unrounded for the arithmetic; the answer rounds arrivals to 0.1 and rates to 0.001.
 */
export function forecast(input: ForecastInput): { basis: ForecastBasis; hours: ForecastHour[] } {
  const basis = forecastBasis(input.measured, input.defaultServiceMinutes);
  const hours: ForecastHour[] = [];
  for (let h = 0; h < 24; h++) {
    for (const direction of DIRECTIONS) {
      let expected = 0;
      let booked = 0;
      for (const b of input.booked) {
        if (b.direction !== direction) continue;
        if (b.hour === h) booked += b.count;
        const share = basis.arrivalOffsets.find((o) => o.hours === h - b.hour)?.share ?? 0;
        expected += b.count * basis.showUpRate * share;
      }
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
