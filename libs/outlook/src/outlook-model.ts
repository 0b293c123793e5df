import { LiveDayChange, LiveDayModel, LiveDayRun, LiveDayState, prepareLiveDay, runLiveDay } from '@kouan/sim';

/**
 * The outlook's arithmetic, free of Nest and the database so that it runs in the worker thread (outlook.worker.ts)
 * and in unit tests alike: `runs` runs of the live day (libs/sim's `runLiveDay`) from seeds `seed`, `seed + 1`, …,
 * summed up as percentiles. Minutes are after the as-of instant.
 */
export interface OutlookScenario {
  state: LiveDayState;
  /** Per truck of `state.trucks`: when its check-in window closes (minutes), and whether it is a real booking. */
  windowCloses: number[];
  real: boolean[];
  change: LiveDayChange;
}

export interface OutlookJob {
  model: LiveDayModel;
  runs: number;
  seed: number;
  plan: OutlookScenario;
  /** The officer's change; the same seeds, so the same trucks come at the same times (a capacity change adds some). */
  whatIf: OutlookScenario | null;
}

export interface Spread {
  p10: number | null;
  p50: number | null;
  p90: number | null;
}

export interface OutlookFigures {
  /** First instant nobody waits; null: not before the day ends. */
  clearsAt: Spread;
  /** Per sample (`state.samples`). */
  hours: Array<{ waiting: Spread; holding: Spread; roadside: Spread }>;
  /** The most trucks on the road at once over the rest of the day. */
  roadsideMax: Spread;
  /** Trucks (index into `state.trucks`) still waiting when their window closes in at least half the runs. */
  atRisk: Array<{ truck: number; probability: number }>;
}

export interface OutlookResult {
  plan: OutlookFigures;
  whatIf: OutlookFigures | null;
}

/** Nearest-rank percentile of ascending values (Infinity: never; reported as null). */
function rank(sorted: Float64Array, q: number): number | null {
  const v = sorted[Math.max(Math.ceil(q * sorted.length) - 1, 0)];
  return Number.isFinite(v) ? v : null;
}

function spread(values: Float64Array): Spread {
  const sorted = values.slice().sort();
  return { p10: rank(sorted, 0.1), p50: rank(sorted, 0.5), p90: rank(sorted, 0.9) };
}

/** A truck likely to miss its window: at least this share of the runs has it still waiting when the window closes. */
export const AT_RISK_PROBABILITY = 0.5;

export function summarise(job: OutlookScenario, runs: LiveDayRun[]): OutlookFigures {
  const n = runs.length;
  const column = (pick: (r: LiveDayRun) => number | null) =>
    spread(Float64Array.from(runs, (r) => pick(r) ?? Infinity));
  const hours = job.state.samples.map((_, k) => ({
    waiting: column((r) => r.waiting[k]),
    holding: column((r) => r.holding[k]),
    roadside: column((r) => r.roadside[k]),
  }));
  const misses = new Uint32Array(job.state.trucks.length);
  for (const r of runs) {
    for (let i = 0; i < misses.length; i++) {
      const closes = job.windowCloses[i];
      if (closes > 0 && closes <= job.state.end && !Number.isNaN(r.arrivedAt[i]) && r.calledAt[i] > closes) misses[i]++;
    }
  }
  const atRisk: OutlookFigures['atRisk'] = [];
  misses.forEach((count, truck) => {
    if (job.real[truck] && count / n >= AT_RISK_PROBABILITY) atRisk.push({ truck, probability: count / n });
  });
  atRisk.sort((a, b) => job.windowCloses[a.truck] - job.windowCloses[b.truck] || b.probability - a.probability);
  return { clearsAt: column((r) => r.clearsAt), hours, roadsideMax: column((r) => r.roadsideMax), atRisk };
}

/** The plan as it stands and, with a change, the what-if on the same seeds (the same trucks and draws). */
export function computeOutlook(job: OutlookJob): OutlookResult {
  const figures = (x: OutlookScenario) => {
    const prepared = prepareLiveDay(x.state);
    return summarise(
      x,
      Array.from({ length: job.runs }, (_, k) => runLiveDay(x.state, job.model, job.seed + k, x.change, prepared)),
    );
  };
  return { plan: figures(job.plan), whatIf: job.whatIf && figures(job.whatIf) };
}
