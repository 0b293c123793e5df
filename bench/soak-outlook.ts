/**
 * The soak's outlook check (issue 23 item 5): what the line really did as the soak played it, and each outlook
 * read during the day compared with it. Times are minutes after the port's midnight on the simulated day.
 */
/** Where a truck is: not yet checked in, in line, called (at or past its lane), or a no-show. */
export type TruckState = 'booked' | 'waiting' | 'called' | 'no_show';

/** The outlook's answer, as far as the check reads it. */
export interface OutlookAnswer {
  asOf: string;
  version: number;
  clearsAt: { p10: string | null; p50: string | null; p90: string | null };
  atRisk: Array<{ bookingId: string; windowClosesAt: string; probability: number }>;
  atRiskTotal: number;
  /** The line each hour (the first: at the as-of instant). */
  hours: Array<{ hour: string; waiting: { p10: number | null; p50: number | null; p90: number | null } }>;
}

/**
 * The line as played: trucks waiting (checked in, not called) after each instant's actions, and each truck's
 * states over the day.
 */
export class LineLog {
  private readonly waiting = new Set<number>();
  private readonly counts: Array<{ at: number; waiting: number }> = [];
  private readonly states = new Map<number, Array<{ at: number; state: TruckState }>>();

  set(truck: number, at: number, state: TruckState): void {
    if (state === 'waiting') this.waiting.add(truck);
    else this.waiting.delete(truck);
    this.states.set(truck, [...(this.states.get(truck) ?? []), { at, state }]);
  }

  /** The instant's actions are all played: the line after them is what the instant leaves. */
  close(at: number): void {
    const last = this.counts.at(-1);
    if (last?.at === at) last.waiting = this.waiting.size;
    else this.counts.push({ at, waiting: this.waiting.size });
  }

  /** Trucks waiting after the last instant played at or before `at`. */
  waitingAt(at: number): number {
    return this.counts.filter((c) => c.at <= at).at(-1)?.waiting ?? 0;
  }

  /** The first instant from `from` on at which nobody waits (as the outlook's `clearsAt`); null: not within `end`. */
  clearsAt(from: number): number | null {
    const before = this.counts.filter((c) => c.at <= from).at(-1);
    if (!before || before.waiting === 0) return from;
    return this.counts.find((c) => c.at > from && c.waiting === 0)?.at ?? null;
  }

  /** The truck's state at `at` (its last change at or before it). */
  stateAt(truck: number, at: number): TruckState {
    return (
      this.states
        .get(truck)
        ?.filter((s) => s.at <= at)
        .at(-1)?.state ?? 'booked'
    );
  }
}

/** One outlook read compared with what happened after it. */
export interface OutlookCheck {
  asOf: string;
  version: number;
  /** Predicted clear time in minutes after midnight: p10, p50, p90 (null: not before the day ends). */
  predicted: { p10: number | null; p50: number | null; p90: number | null };
  /** When the line really cleared; null: not within the played window. */
  actual: number | null;
  /** Predicted p50 − actual, minutes; null when either is null. */
  errorMinutes: number | null;
  /** The actual clear time within p10–p90 (a null p90 is "after the day's end"). */
  withinBand: boolean | null;
  /**
   * Each hour of the answer within the played window (the first at the as-of instant, as the outlook counts it):
   * the line predicted (p10, p50, p90) and really there then.
   */
  hours: Array<{ at: number; p10: number | null; p50: number | null; p90: number | null; actual: number }>;
  atRisk: {
    total: number;
    listed: number;
    /** Listed trucks whose window closed within the played window. */
    decided: number;
    /** Of those, still not called when it closed: waiting, never checked in, or a no-show. */
    missed: number;
    share: number | null;
  };
}

const MISSED: readonly TruckState[] = ['booked', 'waiting', 'no_show'];

/**
 * The outlook read at its instant against the line as played. `minute` turns an ISO instant into minutes after
 * the day's midnight, `truckOf` a booking id into the soak's truck, `end` is the last instant played.
 */
export function checkOutlook(
  answer: OutlookAnswer,
  line: LineLog,
  minute: (iso: string) => number,
  truckOf: (bookingId: string) => number | undefined,
  end: number,
): OutlookCheck {
  const asOf = minute(answer.asOf);
  const m = (iso: string | null) => (iso === null ? null : minute(iso));
  const predicted = { p10: m(answer.clearsAt.p10), p50: m(answer.clearsAt.p50), p90: m(answer.clearsAt.p90) };
  const actual = line.clearsAt(asOf);
  const decided = answer.atRisk.filter((r) => minute(r.windowClosesAt) <= end);
  const missed = decided.filter((r) => {
    const truck = truckOf(r.bookingId);
    return truck !== undefined && MISSED.includes(line.stateAt(truck, minute(r.windowClosesAt)));
  });
  const hours = answer.hours
    .map((h, k) => ({ at: k === 0 ? asOf : minute(h.hour), ...h.waiting }))
    .filter((h) => h.at <= end)
    .map((h) => ({ ...h, actual: line.waitingAt(h.at) }));
  return {
    asOf: answer.asOf,
    version: answer.version,
    predicted,
    actual,
    hours,
    errorMinutes: predicted.p50 === null || actual === null ? null : predicted.p50 - actual,
    withinBand:
      actual === null || predicted.p10 === null
        ? null
        : actual >= predicted.p10 && (predicted.p90 === null || actual <= predicted.p90),
    atRisk: {
      total: answer.atRiskTotal,
      listed: answer.atRisk.length,
      decided: decided.length,
      missed: missed.length,
      share: decided.length ? missed.length / decided.length : null,
    },
  };
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
const median = (sorted: number[]) => {
  const n = sorted.length;
  if (!n) return null;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
};

/**
 * The day's figures over its checks: the median absolute clear-time error, the hourly line's (p50 against the line
 * then: median and mean absolute error, how often above and below the p50, how often within p10–p90) and the share of at-risk trucks that missed.
 */
export function summarize(checks: OutlookCheck[]) {
  const hours = checks.flatMap((c) => c.hours);
  const predicted = hours.filter((h) => h.p50 !== null);
  const hourErrors = predicted.map((h) => Math.abs((h.p50 as number) - h.actual)).sort((a, b) => a - b);
  const errors = checks
    .map((c) => c.errorMinutes)
    .filter((e): e is number => e !== null)
    .map(Math.abs)
    .sort((a, b) => a - b);
  const decided = checks.reduce((n, c) => n + c.atRisk.decided, 0);
  const missed = checks.reduce((n, c) => n + c.atRisk.missed, 0);
  return {
    answered: checks.length,
    clearErrorMedianMinutes: median(errors),
    withinBand: checks.filter((c) => c.withinBand).length,
    hours: hours.length,
    hourErrorMedian: median(hourErrors),
    hourErrorMean: hourErrors.length ? hourErrors.reduce((a, b) => a + b, 0) / hourErrors.length : null,
    /** Hours the real line was above the p50, and below it: about as many if the median is right. */
    hoursAboveP50: predicted.filter((h) => h.actual > (h.p50 as number)).length,
    hoursBelowP50: predicted.filter((h) => h.actual < (h.p50 as number)).length,
    hoursWithinBand: hours.filter((h) => h.p10 !== null && h.p90 !== null && h.actual >= h.p10 && h.actual <= h.p90)
      .length,
    atRiskDecided: decided,
    atRiskMissed: missed,
    atRiskMissedShare: decided ? missed / decided : null,
  };
}
