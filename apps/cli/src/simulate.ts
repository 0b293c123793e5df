import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseOptions, simulate, simulateCounterpart } from '@kouan/sim';

/**
 * `npm run simulate -- --port MOHAN --trucks 950 …`: the tables to stdout, the chart to --svg (docs/simulation.md);
 * with `--counterpart-daily N`, the three policies against a far side taking N trucks a day instead.
 */
function main(): void {
  const { p, sweep, svg } = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const result = p.counterpart ? simulateCounterpart(p) : simulate(p, sweep);
  mkdirSync(dirname(svg), { recursive: true });
  writeFileSync(svg, result.svg);
  process.stdout.write(`${result.markdown}\nChart: ${svg} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
