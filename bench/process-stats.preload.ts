/**
 * Preloaded into each process the soak runs (`node --expose-gc -r dist/bench/process-stats.preload.js …`) with
 * KOUAN_PROCESS_STATS=<directory>: it watches the event loop's delay from the start, and at each SIGWINCH (SIGUSR2 is
 * Nest's, see cpu-profile.preload.ts) writes `<directory>/<pid>-<n>.json` with the delay's p99 and max since the
 * previous signal (then starts counting again) and the memory after a full garbage collection. The soak signals at
 * the start and at the end of its day, so the second file holds the day's event-loop lag and the end's memory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.KOUAN_PROCESS_STATS;
if (dir) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let written = 0;
  process.on('SIGWINCH', () => {
    const ms = (ns: number) => ns / 1e6;
    const lag = { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) };
    delay.reset();
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const stats = { lag, rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
    writeFileSync(join(dir, `${process.pid}-${++written}.json`), JSON.stringify(stats));
  });
}
