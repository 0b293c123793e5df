import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
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
      ...['--skip', '0.1', '--gone', '0.05', '--outlook-at', '08:05', '--json'],
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

    // The outlook read at 08:05 and compared with what the line did (30 minutes say nothing of its accuracy).
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
    expect(r.outlook.at).toEqual(['08:05']);
    expect(r.outlook.checks).toHaveLength(1);
    const [c] = r.outlook.checks;
    expect(c.asOf).toMatch(iso);
    const asOf = DateTime.fromISO(c.asOf).setZone(r.zone);
    expect(asOf.hour * 60 + asOf.minute).toBeGreaterThanOrEqual(8 * 60 + 5);
    expect(asOf.hour * 60 + asOf.minute).toBeLessThanOrEqual(8 * 60 + 15);
    const { p10, p50, p90 } = c.predicted;
    for (const x of [p10, p50, p90]) if (x !== null) expect(x).toBeGreaterThanOrEqual(8 * 60 + 5 - 1);
    if (p10 !== null && p50 !== null) expect(p10).toBeLessThanOrEqual(p50);
    if (p50 !== null && p90 !== null) expect(p50).toBeLessThanOrEqual(p90);
    if (c.actual === null) expect(c.errorMinutes).toBeNull();
    else {
      expect(c.actual).toBeGreaterThanOrEqual(8 * 60 + 5 - 1);
      expect(c.actual).toBeLessThanOrEqual(8 * 60 + 15);
      if (p50 !== null) expect(c.errorMinutes).toBeCloseTo(p50 - c.actual, 6);
    }
    // The line each hour within the played window: the as-of instant's (08:15 ends the window before 09:00).
    expect(c.hours).toHaveLength(1);
    const [h] = c.hours;
    expect(h.at).toBeCloseTo(asOf.hour * 60 + asOf.minute + asOf.second / 60 + asOf.millisecond / 60_000, 6);
    expect(h.p10).toBeLessThanOrEqual(h.p50);
    expect(h.p50).toBeLessThanOrEqual(h.p90);
    expect(h.actual).toBeGreaterThanOrEqual(0);
    expect(r.outlook.hours).toBe(1);
    expect(c.atRisk.listed).toBeLessThanOrEqual(Math.min(50, c.atRisk.total));
    expect(c.atRisk.missed).toBeLessThanOrEqual(c.atRisk.decided);
    expect(c.atRisk.decided).toBeLessThanOrEqual(c.atRisk.listed);
    expect(r.outlook.answered).toBe(1);
    expect(r.http.routes.find((x: { route: string }) => x.route === 'GET /ports/MOHAN/outlook')?.n).toBe(1);
    expect(r.ok).toBe(true);
    expect(code).toBe(0);
  }, 900_000);
});
