/**
 * bench:outlook: the outlook's 100 runs of the rest of the day at 5,000 waiting trucks (issue 23: ≤ 300 ms, off the
 * event loop). A queue as the outlook reads it (docs/outlook.md): 5,000 trucks waiting at 10:00 (a tenth in the
 * green channel, a few held at the front, half of them without a bay), 20 trucks booked in each later slot until
 * 20:00, two lanes of three open, one of them busy. Timed: the model in this thread, the same through the worker
 * thread (with the copy of the state to it and of the answer back), the plan with a what-if of one more lane, and
 * the longest stall of this thread's event loop meanwhile; against a raw baseline measured in the same run: 100
 * passes that only copy the trucks' keys and draw what a run draws (an arrival per booked truck, a service time per
 * call), the least any run of the model must do.
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { computeOutlook, OutlookJob, OutlookPool, OutlookScenario } from '@kouan/outlook';
import { DEFAULT_ABSENCE, LiveDayState, LiveDayTruck, Random } from '@kouan/sim';
import { fmt, log, nowMs, percentile } from './support';

const WAITING = 5_000;
const RUNS = 100;
const REPEATS = 15;

function queue(): OutlookScenario {
  const rnd = new Random(7);
  const slots = Array.from({ length: 12 }, (_, k) => ({
    start: (k - 2) * 60,
    end: (k - 1) * 60,
    greens: 0,
    greenCap: 5,
  }));
  const trucks: LiveDayTruck[] = Array.from({ length: WAITING }, (_, k) => ({
    waiting: true,
    queueKey: k + 1,
    frontKey: k < 3 ? 10_000 + k : null,
    priority: rnd.chance(0.1),
    perishable: false,
    bay: k < WAITING / 2,
    slot: rnd.int(4),
  }));
  for (let slot = 2; slot < slots.length; slot++)
    for (let k = 0; k < 20; k++)
      trucks.push({
        waiting: false,
        queueKey: 0,
        frontKey: null,
        priority: false,
        perishable: rnd.chance(0.2),
        bay: false,
        slot,
      });
  const state: LiveDayState = {
    end: 14 * 60,
    trucks,
    slots,
    lanes: [
      { working: true, calledAt: -3 },
      { working: true, calledAt: null },
      { working: false, calledAt: null },
    ],
    merge: { ratio: 3, since: 1 },
    freeBays: 20,
    earlyArrivalMinutes: 60,
    checkInGraceMinutes: 30,
    samples: Array.from({ length: 14 }, (_, h) => h * 60),
  };
  return {
    state,
    windowCloses: trucks.map((t) => slots[t.slot].end + 30),
    real: trucks.map(() => true),
    change: {},
  };
}

async function timed(name: string, work: () => Promise<unknown> | unknown) {
  const ms: number[] = [];
  await work(); // warm-up: the JIT, and the worker's start
  for (let i = 0; i < REPEATS; i++) {
    const t0 = nowMs();
    await work();
    ms.push(nowMs() - t0);
  }
  ms.sort((a, b) => a - b);
  return { name, p50: percentile(ms, 0.5), max: ms[ms.length - 1] };
}

function raw(s: LiveDayState): number {
  let sum = 0;
  for (let run = 0; run < RUNS; run++) {
    const rnd = new Random(run + 1);
    const keys = Float64Array.from(s.trucks, (t) => t.queueKey);
    sum += keys[keys.length - 1];
    for (const t of s.trucks) if (!t.waiting) sum += rnd.normal(-20, 30) + (rnd.next() < 0.9 ? 1 : 0);
    for (let call = 0; call < (2 * s.end) / 8; call++) sum += rnd.lognormal(8, 0.5);
  }
  return sum;
}

async function main() {
  const plan = queue();
  const job: OutlookJob = {
    // As the outlook answers a port with no history: the simulator's show-up, arrivals and absent trucks.
    model: {
      serviceMinutes: 8,
      serviceCv: 0.5,
      showUp: 0.92,
      arrivalMean: -20,
      arrivalSd: 30,
      absence: { ...DEFAULT_ABSENCE, timeoutMinutes: 15 },
    },
    runs: RUNS,
    seed: 1,
    plan,
    whatIf: null,
  };
  const withWhatIf: OutlookJob = { ...job, whatIf: { ...plan, change: { lanes: { count: 3, from: 0 } } } };
  const pool = new OutlookPool();
  try {
    const baseline = await timed(
      `raw: ${RUNS} passes copying the keys and drawing a run's arrivals and service times`,
      () => raw(plan.state),
    );
    const inThread = await timed(`model, ${RUNS} runs, in this thread`, () => computeOutlook(job));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const worker = await timed(`model, ${RUNS} runs, in the worker thread (the answer)`, () => pool.run(job));
    delay.disable();
    const both = await timed(`plan and what-if (one more lane), ${RUNS} runs each, worker thread`, () =>
      pool.run(withWhatIf),
    );
    const answer = computeOutlook(withWhatIf);
    log(
      `## bench:outlook: ${WAITING} waiting, ${plan.state.trucks.length - WAITING} booked, ${RUNS} runs, ${REPEATS} repeats`,
    );
    log(
      `${cpus().length} cores, load average ${loadavg()
        .map((x) => fmt(x, 1))
        .join(' / ')} (1 / 5 / 15 min)`,
    );
    log('');
    log('| work | p50 ms | max ms | p50 ÷ raw |');
    log('| --- | ---: | ---: | ---: |');
    for (const r of [baseline, inThread, worker, both])
      log(`| ${r.name} | ${fmt(r.p50, 1)} | ${fmt(r.max, 1)} | ${fmt(r.p50 / baseline.p50, 2)} × |`);
    log('');
    log(`event loop of the calling thread while the worker ran: max stall ${fmt(delay.max / 1e6, 1)} ms`);
    const clock = (m: number | null) => (m === null ? 'not today' : `+${fmt(m)} min`);
    log(
      `clears (plan): p10 ${clock(answer.plan.clearsAt.p10)}, p50 ${clock(answer.plan.clearsAt.p50)}, p90 ${clock(answer.plan.clearsAt.p90)}; ` +
        `trucks at risk ${answer.plan.atRisk.length} (what-if ${answer.whatIf?.atRisk.length})`,
    );
  } finally {
    await pool.onModuleDestroy();
  }
}

main().catch((e) => {
  log(String(e instanceof Error ? e.stack : e));
  process.exitCode = 1;
});
