import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { computeOutlook, OutlookJob } from '@kouan/outlook';

const ROOT = join(__dirname, '..', '..');
const BUILT = join(ROOT, 'dist', 'libs', 'outlook', 'src');

/**
 * The outlook's worker thread as production runs it: the built pool starts the compiled worker
 * (dist/libs/outlook/src/outlook.worker.js), never esbuild (a devDependency); the answer is the model's. The run
 * from the sources (esbuild's bundle) is tested in test/unit/outlook-model.spec.ts and by every API test.
 */
describe('outlook worker thread, built', () => {
  it('runs the job in the compiled worker and answers as the model does', () => {
    if (!existsSync(join(BUILT, 'outlook.worker.js')))
      throw new Error(`${BUILT}/outlook.worker.js is missing: run npm run build first (npm test does)`);
    const trucks = Array.from({ length: 30 }, (_, k) => ({
      waiting: true,
      queueKey: k + 1,
      frontKey: null,
      priority: k % 4 === 0,
      perishable: false,
      bay: k < 20,
      slot: 0,
    }));
    const job: OutlookJob = {
      model: { serviceMinutes: 8, serviceCv: 0.5, showUp: 0.9, arrivalMean: -20, arrivalSd: 30 },
      runs: 20,
      seed: 5,
      plan: {
        state: {
          end: 600,
          trucks,
          slots: [{ start: -30, end: 30, greens: 8, greenCap: 8 }],
          lanes: [{ working: true, calledAt: -2 }],
          merge: { ratio: 3, since: 1 },
          freeBays: 0,
          earlyArrivalMinutes: 60,
          checkInGraceMinutes: 30,
          samples: [0, 60, 120],
        },
        windowCloses: trucks.map(() => 60),
        real: trucks.map(() => true),
        change: {},
      },
      whatIf: null,
    };
    const script = `
      const { OutlookPool } = require(${JSON.stringify(join(BUILT, 'outlook-pool.js'))});
      const { threadId } = require('node:worker_threads');
      const pool = new OutlookPool();
      pool.run(JSON.parse(process.argv[1])).then(async (r) => {
        const esbuild = Object.keys(require.cache).some((k) => k.includes('/node_modules/esbuild/'));
        process.stdout.write(JSON.stringify({ worker: r.threadId, caller: threadId, esbuild, result: r.result }));
        await pool.onModuleDestroy();
      });`;
    const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(job)], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.worker).not.toBe(out.caller);
    expect(out.esbuild).toBe(false);
    expect(out.result).toEqual(JSON.parse(JSON.stringify(computeOutlook(job))));
  });
});
