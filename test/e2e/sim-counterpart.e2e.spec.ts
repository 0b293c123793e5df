import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'simulate.js');

/** `npm run simulate -- <args>` as the built CLI runs it. */
function simulate(...args: string[]) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run simulate -- --counterpart-daily', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kouan-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the three policies against the far side and writes their chart', () => {
    const svg = join(dir, 'counterpart.svg');
    const r = simulate('--counterpart-daily', '60', '--trucks', '150', '--between-space', '10', '--svg', svg);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('## MOHAN → Boten Road: 60 trucks a day accepted, 150 trucks');
    const rows = r.stdout.split('\n').filter((l) => /^\| (FCFS|Kouan)/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual([
      '| FCFS (today)',
      '| Kouan, not following acceptance (20 a slot)',
      '| Kouan following acceptance',
    ]);
    // The road between, "max / space": full without following acceptance, short with it.
    const between = rows.map((l) => l.split(' | ')[9]);
    expect(between.slice(0, 2)).toEqual(['10 / 10', '10 / 10']);
    expect(Number(between[2].split(' / ')[0])).toBeLessThan(10);
    expect(readFileSync(svg, 'utf8')).toContain('Trucks on the road between MOHAN and Boten Road');
    // The capacity sweep belongs to the run without a far side.
    expect(r.stdout).not.toContain('Kouan by slot capacity');
  });

  it.each([
    [['--counterpart-daily', 'lots'], '--counterpart-daily must be a number in [0, 100000]: lots'],
    [['--counterpart-daily', '12.5'], '--counterpart-daily must be a whole number of trucks: 12.5'],
    [['--counterpart-daily', '200', '--between-space', '0'], '--between-space must be a number in [1, 100000]: 0'],
    [['--between-space', '30'], '--between-space is only for --counterpart-daily runs'],
  ])('refuses %j with a clear message and exit code 2, writing nothing', (args, message) => {
    const svg = join(dir, 'refused.svg');
    const r = simulate(...args, '--svg', svg);
    expect(r.stderr.trim()).toBe(message);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(svg)).toBe(false);
  });
});
