import { parseArgs } from 'node:util';
import { formatClock } from '@kouan/calendar';
import { farWindows, Run, runFcfs, runKouan, slotCapacities } from './engine';
import {
  COUNTERPART_DEFAULTS,
  Counterpart,
  defaultParams,
  formatProfile,
  parseHours,
  parseProfile,
  portBays,
  portCounterpart,
  SimParams,
} from './params';
import { population } from './population';
import {
  counterpartTable,
  FarFigures,
  farFigures,
  Figures,
  figures,
  hm,
  laneHoursText,
  scenarioTable,
  SweepRow,
  sweepTable,
} from './report';
import { chart } from './svg';

const lanesText = (n: number) => `${n} lane${n === 1 ? '' : 's'}`;

export interface Sweep {
  capacities: number[];
  lanes: number[];
  hours: Array<[number, number]>;
}

export const DEFAULT_SWEEP = '2,4,6,8,10,12,16,24,32';

const list = (text: string) =>
  text.split(',').map((x) => {
    const n = Number(x);
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`not a number: ${x}`);
    return n;
  });

function number(value: string | undefined, fallback: number, name: string, min = 0, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new RangeError(`--${name} must be a number in [${min}, ${max}]: ${value}`);
  return n;
}

function whole(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  const n = number(value, fallback, name, min, max);
  if (!Number.isInteger(n)) throw new RangeError(`--${name} must be a whole number of trucks: ${value}`);
  return n;
}

/** `--counterpart-daily` and the options that only mean something with it. */
function counterpart(v: Record<string, string | undefined>, port: string, open: [number, number]): Counterpart | null {
  if (v['counterpart-daily'] === undefined) {
    const stray = ['counterpart-hours', 'between-space'].filter((k) => v[k] !== undefined);
    if (stray.length)
      throw new RangeError(
        `${stray.map((k) => `--${k}`).join(' and ')} ${stray.length === 1 ? 'is' : 'are'} only for --counterpart-daily runs`,
      );
    return null;
  }
  const hours = v['counterpart-hours'] ? parseHours(v['counterpart-hours']) : [open];
  if (hours.length !== 1)
    throw new RangeError(`--counterpart-hours must be one HH:MM-HH:MM window: ${v['counterpart-hours']}`);
  return {
    name: portCounterpart(port),
    daily: whole(v['counterpart-daily'], 0, 'counterpart-daily', 0, 100000),
    hours: hours[0],
    space: whole(v['between-space'], COUNTERPART_DEFAULTS.space, 'between-space', 1, 100000),
    follow: false,
  };
}

/** Command-line arguments to parameters; everything not given keeps its documented default (docs/simulation.md). */
export function parseOptions(argv: string[]): { p: SimParams; sweep: Sweep; svg: string } {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      [
        'port',
        'trucks',
        'lanes',
        'capacity',
        'no-show',
        'seed',
        'open',
        'lane-hours',
        'service-minutes',
        'service-cv',
        'bays',
        'profile',
        'convoy',
        'firms',
        'perishable',
        'arrival-mean',
        'arrival-sd',
        'skip',
        'gone',
        'sweep-capacity',
        'sweep-lanes',
        'sweep-hours',
        'svg',
        'counterpart-daily',
        'counterpart-hours',
        'between-space',
      ].map((k) => [k, { type: 'string' as const }]),
    ),
  }) as { values: Record<string, string | undefined> };
  const port = (v.port ?? 'MOHAN').toUpperCase();
  const base = defaultParams(port);
  const [open] = v.open ? parseHours(v.open) : [[base.openFrom, base.openTo] as [number, number]];
  const far = counterpart(v, port, open);
  const { trucks, serviceMinutes, capacity } = COUNTERPART_DEFAULTS;
  const d = far ? { ...base, trucks, serviceMinutes, capacity, counterpart: far } : base;
  const p: SimParams = {
    ...d,
    trucks: number(v.trucks, d.trucks, 'trucks', 0, 100000),
    lanes: number(v.lanes, d.lanes, 'lanes', 1, 20),
    capacity: number(v.capacity, d.capacity, 'capacity', 0, 10000),
    noShow: number(v['no-show'], d.noShow, 'no-show', 0, 1),
    seed: number(v.seed, d.seed, 'seed'),
    openFrom: open[0],
    openTo: open[1],
    laneHours: v['lane-hours'] ? parseHours(v['lane-hours']) : [open],
    serviceMinutes: number(v['service-minutes'], d.serviceMinutes, 'service-minutes', 0.5, 240),
    serviceCv: number(v['service-cv'], d.serviceCv, 'service-cv', 0, 5),
    bays: number(v.bays, portBays(port), 'bays'),
    profile: v.profile ? parseProfile(v.profile) : d.profile,
    convoy: number(v.convoy, d.convoy, 'convoy', 1, 100),
    firms: number(v.firms, d.firms, 'firms', 1, 10000),
    perishable: number(v.perishable, d.perishable, 'perishable', 0, 1),
    arrivalMean: number(v['arrival-mean'], d.arrivalMean, 'arrival-mean', -600, 600),
    arrivalSd: number(v['arrival-sd'], d.arrivalSd, 'arrival-sd', 0, 600),
    skip: number(v.skip, d.skip, 'skip', 0, 1),
    gone: number(v.gone, d.gone, 'gone', 0, 1),
  };
  if (p.skip + p.gone > 1) throw new RangeError('--skip + --gone must not exceed 1');
  return {
    p,
    sweep: {
      capacities: list(v['sweep-capacity'] ?? DEFAULT_SWEEP),
      lanes: list(v['sweep-lanes'] ?? '1,2'),
      hours: parseHours(v['sweep-hours'] ?? `${formatClock(p.openFrom)}-${formatClock(p.openTo)},06:00-22:00`),
    },
    svg: v.svg ?? `docs/img/simulation-${port.toLowerCase()}${far ? '-counterpart' : ''}.svg`,
  };
}

export interface Simulation {
  markdown: string;
  svg: string;
  fcfs: Figures;
  kouan: Figures;
  sweep: SweepRow[];
}

/** Both scenarios and the sweep, on one population of trucks, as markdown tables and an SVG chart. */
export function simulate(p: SimParams, sweep: Sweep): Simulation {
  const trucks = population(p);
  const fcfsRun = runFcfs(trucks, p);
  const kouanRun = runKouan(trucks, p);
  const fcfs = figures(fcfsRun);
  const kouan = figures(kouanRun);
  const rows: SweepRow[] = [];
  for (const [from, to] of sweep.hours) {
    for (const lanes of sweep.lanes) {
      for (const capacity of sweep.capacities) {
        const q = {
          ...p,
          capacity,
          lanes,
          openFrom: from,
          openTo: to,
          laneHours: [[from, to]] as Array<[number, number]>,
        };
        rows.push({ p: q, f: figures(runKouan(trucks, q)) });
      }
    }
  }
  /** Per lanes and hours: the largest capacity that serves every booked truck without overflow, the first that overflows. */
  const limits = (lanes: number, from: number, to: number) => {
    const these = rows.filter((r) => r.p.lanes === lanes && r.p.openFrom === from && r.p.openTo === to);
    return {
      cleared: these
        .filter((r) => r.f.overflowMax === 0 && r.f.waitingAtEnd === 0)
        .sort((a, b) => b.p.capacity - a.p.capacity)[0],
      overflows: these.filter((r) => r.f.overflowMax > 0).sort((a, b) => a.p.capacity - b.p.capacity)[0],
    };
  };
  const answers = sweep.hours.flatMap(([from, to]) =>
    sweep.lanes.map((lanes) => {
      const { cleared, overflows } = limits(lanes, from, to);
      const best = cleared
        ? `the largest swept capacity that serves every booked truck the same day without overflowing the holding area is ${cleared.p.capacity} a slot ` +
          `(${cleared.f.served} served, wait p90 ${hm(cleared.f.waitP90)}, holding peak ${cleared.f.holdingPeak} / ${p.bays}, lanes ${Math.round(cleared.f.utilisation * 100)} % busy)`
        : 'no swept capacity serves every booked truck the same day';
      const over = overflows
        ? `the holding area first overflows at ${overflows.p.capacity} a slot (${overflows.f.overflowMax} trucks on the road)`
        : 'no swept capacity overflows it';
      return `- ${lanesText(lanes)}, ${formatClock(from)}–${formatClock(to)}: ${best}; ${over}.`;
    }),
  );
  // The holding area at the run's capacity and, with the run's lanes and hours, at the two limits above.
  const { cleared, overflows } = limits(p.lanes, p.openFrom, p.openTo);
  const shown = [
    ...new Set([p.capacity, cleared?.p.capacity, overflows?.p.capacity].filter((c): c is number => c !== undefined)),
  ];
  const colours = ['#1e8449', '#b9770e', '#7d3c98'];
  const holding = shown.map((capacity, i) => ({
    label: `capacity ${capacity} a slot`,
    step: runKouan(trucks, { ...p, capacity }).holding,
    colour: colours[i],
    dash: i ? '6 3' : undefined,
  }));
  const markdown = [
    `## ${p.port}: ${p.trucks} trucks, ${lanesText(p.lanes)} ${laneHoursText(p)}, capacity ${p.capacity} a slot, seed ${p.seed}`,
    '',
    `Service lognormal mean ${p.serviceMinutes} min (cv ${p.serviceCv}); FCFS profile ${formatProfile(p.profile)}, convoys of ${p.convoy}; ` +
      `Kouan: ${p.slotMinutes}-min slots ${formatClock(p.openFrom)}–${formatClock(p.openTo)}, no-show ${p.noShow}, arrival ${p.arrivalMean} ± ${p.arrivalSd} min ` +
      `around slot start, ${p.bays} bays, perishable ${p.perishable}, green ratio ${p.priorityRatio} cap ${p.priorityCapPercent} %, skip ${p.skip}, gone ${p.gone}.`,
    '',
    scenarioTable(
      [
        { name: 'FCFS (today)', f: fcfs },
        { name: 'Kouan', f: kouan },
      ],
      p,
    ),
    '',
    '## Kouan by slot capacity, lanes and lane hours',
    '',
    sweepTable(rows),
    '',
    ...answers,
    '',
  ].join('\n');
  const svg = chart(`${p.port}: ${p.trucks} trucks, ${lanesText(p.lanes)} ${laneHoursText(p)}, seed ${p.seed}`, [
    {
      title: 'Trucks waiting on the road',
      truckMetres: p.truckMetres,
      series: [
        { label: 'FCFS (today)', step: fcfsRun.roadside, colour: '#c0392b' },
        {
          label: `Kouan, capacity ${p.capacity} a slot (too early for check-in, or no bay)`,
          step: kouanRun.roadside,
          colour: '#2471a3',
        },
      ],
    },
    {
      title: `Kouan: trucks in the holding area's bays, ${lanesText(p.lanes)} ${laneHoursText(p)}`,
      limit: { value: p.bays, label: `${p.bays} bays` },
      series: holding,
    },
  ]);
  return { markdown, svg, fcfs, kouan, sweep: rows };
}

export interface CounterpartSimulation {
  markdown: string;
  svg: string;
  policies: Array<{ name: string; run: Run; f: Figures; x: FarFigures }>;
}

/** "8 × 17, 4 × 16": how many windows (or slots) take how many trucks, in order of first appearance. */
const counts = (xs: number[]) => [...new Set(xs)].map((q) => `${xs.filter((x) => x === q).length} × ${q}`).join(', ');

/**
 * `--counterpart-daily`: on one population, first come first served, Kouan booking at our own capacity and Kouan
 * following the far side's acceptance, each against the same far side, as a markdown table and an SVG chart.
 */
export function simulateCounterpart(p: SimParams): CounterpartSimulation {
  const c = p.counterpart as Counterpart;
  const trucks = population(p);
  const notFollowing = { ...p, counterpart: { ...c, follow: false } };
  const following = { ...p, counterpart: { ...c, follow: true } };
  const runs: Array<[string, Run]> = [
    ['FCFS (today)', runFcfs(trucks, notFollowing)],
    [`Kouan, not following acceptance (${p.capacity} a slot)`, runKouan(trucks, notFollowing)],
    ['Kouan following acceptance', runKouan(trucks, following)],
  ];
  const policies = runs.map(([name, run]) => ({ name, run, f: figures(run), x: farFigures(run) }));
  const windows = farWindows(p);
  const capped = slotCapacities(runs[2][1].slots, following);
  const title = `${p.port} → ${c.name}: ${c.daily} trucks a day accepted, ${p.trucks} trucks, ${lanesText(p.lanes)} ${laneHoursText(p)}, seed ${p.seed}`;
  const markdown = [
    `## ${title}`,
    '',
    `${c.name} takes our trucks ${formatClock(c.hours[0])}–${formatClock(c.hours[1])} in ${p.slotMinutes}-min windows ` +
      `(${counts(windows.map((w) => w.quota))} trucks), one every window ÷ its acceptance; the road between holds ` +
      `${c.space} trucks and our lanes call a truck only while it has a place for it. Service lognormal mean ` +
      `${p.serviceMinutes} min (cv ${p.serviceCv}); FCFS profile ${formatProfile(p.profile)}, convoys of ${p.convoy}; ` +
      `Kouan: ${p.slotMinutes}-min slots ${formatClock(p.openFrom)}–${formatClock(p.openTo)}, ${p.capacity} a slot, ` +
      `following acceptance at most the window's (${counts(capped)}), no-show ${p.noShow}, arrival ${p.arrivalMean} ± ` +
      `${p.arrivalSd} min around slot start, ${p.bays} bays.`,
    '',
    counterpartTable(policies, p),
    '',
  ].join('\n');
  const colours = ['#c0392b', '#b9770e', '#2471a3'];
  const series = (step: (r: Run) => Run['roadside']) =>
    policies.map(({ name, run }, i) => ({ label: name, step: step(run), colour: colours[i] }));
  const svg = chart(title, [
    {
      title: `Trucks waiting on the road before ${p.port}`,
      truckMetres: p.truckMetres,
      series: series((r) => r.roadside),
    },
    {
      title: `Trucks on the road between ${p.port} and ${c.name}`,
      truckMetres: p.truckMetres,
      limit: { value: c.space, label: `${c.space} trucks of room` },
      series: series((r) => r.between),
    },
  ]);
  return { markdown, svg, policies };
}
