import type { StageSecondsDto } from '@kouan/ports';
import type { BookingStages } from '@kouan/realtime';

/** A booking's stamps, one per stage of its visit (columns of `bookings`). */
export interface StageStamps {
  checked_in_at: Date | null;
  called_at: Date | null;
  at_lane_at: Date | null;
  completed_at: Date | null;
  yard_arrived_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** When the truck reached each stage (`stages` of GET /bookings/:id): arrived is its check-in. */
export const stagesOf = (r: StageStamps): BookingStages => ({
  arrivedAt: iso(r.checked_in_at),
  calledAt: iso(r.called_at),
  atLaneAt: iso(r.at_lane_at),
  completedAt: iso(r.completed_at),
  yardArrivedAt: iso(r.yard_arrived_at),
});

/**
 * The stages measured, each from one stamp to the next. A stage counts the trucks that have both its stamps: one
 * no lane camera saw (no at_lane_at) has neither call → lane nor lane service (its call → complete is not a lane's
 * service time, it includes the drive to the lane), one put back in line has its latest call only.
 */
const STAGES: Record<keyof StageSecondsDto, [keyof StageStamps, keyof StageStamps]> = {
  holdingWait: ['checked_in_at', 'called_at'],
  callToLane: ['called_at', 'at_lane_at'],
  laneService: ['at_lane_at', 'completed_at'],
  laneToYard: ['completed_at', 'yard_arrived_at'],
  turnTime: ['checked_in_at', 'yard_arrived_at'],
};

/** Columns STAGE_SECONDS adds: `<stage>_p50`, `<stage>_p90` (seconds, float8) and `<stage>_count` per stage. */
export interface StageSecondsColumns {
  [column: string]: unknown;
}

/**
 * Aggregate columns over the bookings `b` of a GROUP BY: p50 and p90 (percentile_cont, which like count skips the
 * trucks without both stamps) and the count of each stage, in seconds. The KPIs and the performance report embed it.
 */
export const STAGE_SECONDS = (b: string): string =>
  Object.entries(STAGES)
    .map(([stage, [from, to]]) => {
      const seconds = `extract(epoch FROM ${b}.${to} - ${b}.${from})::float8`;
      return `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}) AS "${stage}_p50",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ${seconds}) AS "${stage}_p90",
              count(${seconds})::int AS "${stage}_count"`;
    })
    .join(',\n');

/** The names STAGE_SECONDS' columns have, for a SELECT that passes them on (`COALESCE`-free: null without any). */
export const STAGE_SECONDS_NAMES = (alias: string): string =>
  Object.keys(STAGES)
    .flatMap((stage) => [`${alias}."${stage}_p50"`, `${alias}."${stage}_p90"`, `${alias}."${stage}_count"`])
    .join(', ');

const tenth = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/** STAGE_SECONDS' columns as the answer's `stageSeconds` (tenths of a second; counts 0 for a row without bookings). */
export const toStageSeconds = (r: StageSecondsColumns): StageSecondsDto =>
  Object.fromEntries(
    Object.keys(STAGES).map((stage) => [
      stage,
      { p50: tenth(r[`${stage}_p50`]), p90: tenth(r[`${stage}_p90`]), count: Number(r[`${stage}_count`] ?? 0) },
    ]),
  ) as unknown as StageSecondsDto;
