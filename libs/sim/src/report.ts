import { DAY_END, Run, Step } from './engine';
import type { SimParams } from './params';
import { formatClock } from '@kouan/calendar';

/** A wait percentile; censored when the truck it falls on was still waiting at the end of the day (a lower bound). */
export interface Wait {
  minutes: number;
  censored: boolean;
}

export interface Figures {
  atBorder: number;
  served: number;
  noShows: number;
  laterDays: number;
  waitingAtEnd: number;
  roadsideMax: number;
  /** Time-average over the whole day, 00:00–24:00. */
  roadsideMean: number;
  waitP50: Wait;
  waitP90: Wait;
  waitMax: Wait;
  holdingPeak: number;
  overflowMax: number;
  /** Share of the lanes' open minutes spent serving a truck. */
  utilisation: number;
}

export const stepMax = (s: Step): number => s.reduce((m, [, v]) => Math.max(m, v), 0);

/** Time-weighted mean of a step over [0, DAY_END]. */
export function stepMean(s: Step): number {
  let area = 0;
  s.forEach(([t, v], i) => {
    const next = i + 1 < s.length ? s[i + 1][0] : DAY_END;
    area += v * (Math.min(next, DAY_END) - Math.max(t, 0));
  });
  return area / DAY_END;
}

/** Nearest rank: the ⌈q·n⌉-th smallest. */
function percentile(waits: Wait[], q: number): Wait {
  if (!waits.length) return { minutes: 0, censored: false };
  return waits[Math.max(Math.ceil(q * waits.length), 1) - 1];
}

/** Waits from `from` to `to` in call order of the percentiles; a missing `to` waits until the end of the day, censored. */
const waitsOf = (spans: Array<{ from: number; to: number | null }>): Wait[] =>
  spans
    .map(({ from, to }) =>
      to === null ? { minutes: DAY_END - from, censored: true } : { minutes: to - from, censored: false },
    )
    .sort((a, b) => a.minutes - b.minutes || Number(a.censored) - Number(b.censored));

/**
 * A run's figures. Wait = arrival at the border (Kouan: including time on the road before the check-in window)
 * to the call the truck is served on; trucks still waiting at 24:00 count with their wait so far.
 */
export function figures(run: Run): Figures {
  const o = run.outcomes;
  const count = (fate: string) => o.filter((x) => x.fate === fate).length;
  const waits = waitsOf(
    o
      .filter((x) => x.arrivedAt !== null && (x.fate === 'served' || x.fate === 'waiting'))
      .map((x) => ({ from: x.arrivedAt as number, to: x.fate === 'served' ? x.calledAt : null })),
  );
  // Only the minutes inside the lanes' hours: a truck called just before closing finishes after it.
  const serving = run.spans
    .filter((s) => s.serving)
    .reduce(
      (sum, s) =>
        sum +
        run.laneHours.reduce((in_, [a, b]) => in_ + Math.max(0, Math.min(s.to, b, DAY_END) - Math.max(s.from, a)), 0),
      0,
    );
  return {
    atBorder: o.filter((x) => x.arrivedAt !== null).length,
    served: count('served'),
    noShows: count('no_show'),
    laterDays: count('later_days'),
    waitingAtEnd: count('waiting') - o.filter((x) => x.fate === 'waiting' && x.arrivedAt === null).length,
    roadsideMax: stepMax(run.roadside),
    roadsideMean: stepMean(run.roadside),
    waitP50: percentile(waits, 0.5),
    waitP90: percentile(waits, 0.9),
    waitMax: waits[waits.length - 1] ?? { minutes: 0, censored: false },
    holdingPeak: stepMax(run.holding),
    overflowMax: stepMax(run.overflow),
    utilisation: run.laneMinutes ? serving / run.laneMinutes : 0,
  };
}

/** What the far side did with a run's trucks (runs with a counterpart). */
export interface FarFigures {
  /** Taken by the far side before midnight. */
  crossed: number;
  /** Came to our border, did not fail to show, and were not taken by midnight (in line, in a bay or on the road between). */
  notCrossed: number;
  betweenMax: number;
  /** Time-average over 00:00–24:00. */
  betweenMean: number;
  /** Our lane's end of service until the far side took the truck; censored for trucks still on the road at 24:00. */
  betweenP50: Wait;
  betweenP90: Wait;
}

export function farFigures(run: Run): FarFigures {
  const o = run.outcomes;
  const between = waitsOf(
    o.filter((x) => x.fate === 'served').map((x) => ({ from: x.leftAt as number, to: x.crossedAt })),
  );
  return {
    crossed: o.filter((x) => x.crossedAt !== null).length,
    notCrossed: o.filter((x) => x.arrivedAt !== null && x.fate !== 'no_show' && x.crossedAt === null).length,
    betweenMax: stepMax(run.between),
    betweenMean: stepMean(run.between),
    betweenP50: percentile(between, 0.5),
    betweenP90: percentile(between, 0.9),
  };
}

/** A wait as h:mm, ≥ when it is a lower bound. */
export const hm = (w: Wait) =>
  `${w.censored ? '≥ ' : ''}${Math.floor(w.minutes / 60)}:${String(Math.floor(w.minutes % 60)).padStart(2, '0')}`;
const road = (trucks: number, p: SimParams) =>
  `${Math.round(trucks)} (${((trucks * p.truckMetres) / 1000).toFixed(1)} km)`;
const pct = (x: number) => `${Math.round(x * 100)} %`;
const hours = (p: SimParams) => p.laneHours.map(([a, b]) => `${formatClock(a)}–${formatClock(b)}`).join(', ');

const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** FCFS against Kouan for one set of parameters. */
export function scenarioTable(runs: Array<{ name: string; f: Figures }>, p: SimParams): string {
  return table(
    [
      'scenario',
      'at the border',
      'served',
      'booked on later days',
      'no-shows',
      'waiting at 24:00',
      'roadside max',
      'roadside mean',
      'wait p50',
      'wait p90',
      'wait max',
      'holding peak / bays',
      'lane utilisation',
    ],
    runs.map(({ name, f }) => [
      name,
      `${f.atBorder}`,
      `${f.served}`,
      `${f.laterDays}`,
      `${f.noShows}`,
      `${f.waitingAtEnd}`,
      road(f.roadsideMax, p),
      road(f.roadsideMean, p),
      hm(f.waitP50),
      hm(f.waitP90),
      hm(f.waitMax),
      name.startsWith('FCFS') ? '–' : `${f.holdingPeak} / ${p.bays}`,
      pct(f.utilisation),
    ]),
  );
}

/** FCFS and Kouan, with and without following acceptance, against one far side. */
export function counterpartTable(runs: Array<{ name: string; f: Figures; x: FarFigures }>, p: SimParams): string {
  const space = p.counterpart?.space ?? 0;
  return table(
    [
      'policy',
      'at the border',
      'served',
      'crossed',
      'booked on later days',
      'no-shows',
      'not crossed at 24:00',
      'roadside max',
      'roadside mean',
      'road between max / space',
      'road between mean',
      'wait p50 / p90',
      'wait between p50 / p90',
      'holding peak / bays',
    ],
    runs.map(({ name, f, x }) => [
      name,
      `${f.atBorder}`,
      `${f.served}`,
      `${x.crossed}`,
      `${f.laterDays}`,
      `${f.noShows}`,
      `${x.notCrossed}`,
      road(f.roadsideMax, p),
      road(f.roadsideMean, p),
      `${x.betweenMax} / ${space}`,
      x.betweenMean.toFixed(1),
      `${hm(f.waitP50)} / ${hm(f.waitP90)}`,
      `${hm(x.betweenP50)} / ${hm(x.betweenP90)}`,
      name.startsWith('FCFS') ? '–' : `${f.holdingPeak} / ${p.bays}`,
    ]),
  );
}

export interface SweepRow {
  p: SimParams;
  f: Figures;
}

/** Kouan over slot capacity, lanes and lane hours. */
export function sweepTable(rows: SweepRow[]): string {
  return table(
    [
      'capacity',
      'lanes',
      'lane hours',
      'booked today',
      'served',
      'booked on later days',
      'holding peak / bays',
      'overflow max',
      'roadside max',
      'wait p90',
      'waiting at 24:00',
      'lane utilisation',
    ],
    rows.map(({ p, f }) => [
      `${p.capacity}`,
      `${p.lanes}`,
      hours(p),
      `${p.trucks - f.laterDays}`,
      `${f.served}`,
      `${f.laterDays}`,
      `${f.holdingPeak} / ${p.bays}`,
      `${f.overflowMax}`,
      road(f.roadsideMax, p),
      hm(f.waitP90),
      `${f.waitingAtEnd}`,
      pct(f.utilisation),
    ]),
  );
}

export { hours as laneHoursText };
