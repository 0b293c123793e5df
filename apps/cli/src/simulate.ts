import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseOptions, simulate } from '@kouan/sim';

/** `npm run simulate -- --port MOHAN --trucks 950 …`: the tables to stdout, the chart to --svg (docs/simulation.md). */
function main(): void {
  const { p, sweep, svg } = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const result = simulate(p, sweep);
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
