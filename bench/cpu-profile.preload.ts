/**
 * Preloaded into an API child (`node -r dist/bench/cpu-profile.preload.js …`) when the booking bench profiles.
 * SIGWINCH (Nest's shutdown hooks own SIGUSR2) toggles V8's sampling profiler: the first signal starts it, the second stops it and writes the
 * profile (Chrome DevTools `.cpuprofile` JSON) to KOUAN_CPU_PROFILE with `-1`, `-2`, … before the extension. Unlike `--cpu-prof`, this needs no clean
 * process exit and leaves out start-up and fixture loading.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const target = process.env.KOUAN_CPU_PROFILE;
if (target) {
  const session = new Session();
  session.connect();
  let running = false;
  let written = 0;
  const post = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  const toggle = async () => {
    if (!running) {
      running = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      process.stderr.write('cpu profile: started\n');
      return;
    }
    running = false;
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    const file = target.replace(/(\.cpuprofile)?$/, `-${++written}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`cpu profile: written to ${file}\n`);
  };
  process.on('SIGWINCH', () => {
    toggle().catch((e: unknown) => process.stderr.write(`cpu profile failed: ${String(e)}\n`));
  });
}
