import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dbUrl, REDIS_URL } from '../support/db';

const ROOT = join(__dirname, '..', '..');
const SOAK = join(ROOT, 'dist', 'bench', 'soak.js');

/**
 * The short soak (issue 22 item 6): 30 simulated minutes of the model's day (07:45–08:15, the lanes opening at
 * 08:00) played through two API processes and the worker on a clock running 60 times as fast, by `npm run soak`
 * itself. The seed and rates are chosen so the window holds green-channel trucks, a staff skip and a truck that left
 * (the worker's called timeout puts it back): the real system must call the model's trucks in the model's order,
 * wait them within 5 %, tell every driver, the board and the console what REST says, and answer no 5xx. The clock
 * stands still for the set-up (`--lead`, generous for a busy machine) and the soak waits for what the worker does.
 */
describe('npm run soak (30 simulated minutes)', () => {
  it('plays the model’s day through the real system: same calls and order, waits within 5 %, live = REST, no 5xx', async () => {
    if (!existsSync(SOAK)) throw new Error(`${SOAK} is missing: run npm run build first (npm test does)`);
    const args = [
      ...['--port', 'MOHAN', '--seed', '8', '--speed', '60', '--from', '07:45', '--minutes', '30', '--lead', '120'],
      ...['--lanes', '2', '--service-minutes', '3', '--capacity', '20', '--arrival-mean', '0', '--arrival-sd', '4'],
      ...['--skip', '0.1', '--gone', '0.05', '--json'],
    ];
    const child = spawn(process.execPath, [SOAK, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: dbUrl('kouan'), REDIS_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = out.trim().split('\n').at(-1);
    if (!line?.startsWith('{')) throw new Error(`the soak printed no report (exit ${code}):\n${err.slice(-4000)}`);
    const r = JSON.parse(line) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    // The window exercised what it should, so a change of the model's draw cannot make this test trivial.
    expect(r.exercised.call).toBeGreaterThanOrEqual(10);
    expect(r.exercised.skip).toBeGreaterThanOrEqual(1);
    expect(r.exercised.timeout).toBeGreaterThanOrEqual(1);
    expect(r.greenCalls).toBeGreaterThanOrEqual(1);

    expect({ problems: r.problems, order: r.order.real }).toEqual({ problems: [], order: r.order.model });
    expect(r.calls.matching).toBe(r.calls.model);
    expect(r.served.real).toBe(r.served.model);
    expect(r.waits.compared).toBe(r.served.model);
    expect(r.waits.withinTolerance).toBe(true);
    expect(r.live).toEqual({ drivers: r.booked, mismatches: [], boardEqualsRest: true, consoleEqualsRest: true });
    expect(r.http.fiveXx).toBe(0);
    expect(r.ok).toBe(true);
    expect(code).toBe(0);
  }, 900_000);
});
