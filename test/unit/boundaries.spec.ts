import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The lib boundaries that `npm run lint` checks (.dependency-cruiser.js), run on a small tree written for the test:
 * one import of each kind that the rules forbid, beside imports they allow.
 */
const ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const LIBS = ['common', 'firms', 'ports', 'extra'];

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kouan-boundaries-'));
  const paths = Object.fromEntries(
    LIBS.flatMap((l) => [
      [`@kouan/${l}`, [`libs/${l}/src`]],
      [`@kouan/${l}/*`, [`libs/${l}/src/*`]],
    ]),
  );
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Each violation as `rule: from → to`. */
function violations(dir: string): string[] {
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, '--config', join(ROOT, '.dependency-cruiser.js'), '--output-type', 'json', 'libs', 'apps', 'test'],
    { cwd: dir, encoding: 'utf8' },
  );
  if (!run.stdout) throw new Error(run.stderr);
  const result = JSON.parse(run.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

const CLEAN = {
  'libs/common/src/index.ts': "export * from './plate';\n",
  'libs/common/src/plate.ts': 'export const plate = 1;\n',
  'libs/firms/src/index.ts': "import { plate } from '@kouan/common';\nexport const firm = plate;\n",
  'libs/ports/src/index.ts': "import { firm } from '@kouan/firms';\nexport const port = firm;\n",
  'apps/api/src/main.ts': "import { port } from '@kouan/ports';\nexport const main = port;\n",
  // Tests may import a lib's internals.
  'test/support/helper.ts': "import { plate } from '@kouan/common/plate';\nexport const helper = plate;\n",
  // A page imports one way: main → its concerns → its state module → shared.
  'apps/api/src/pages/shared/events.ts': 'export const events = 1;\n',
  'apps/api/src/pages/staff/state.ts': "import { events } from '../shared/events';\nexport const state = events;\n",
  'apps/api/src/pages/staff/list.ts': "import { state } from './state';\nexport const list = state;\n",
  'apps/api/src/pages/staff/main.ts':
    "import { list } from './list';\nimport { state } from './state';\nexport const main = [list, state];\n",
};

describe('lib boundaries (.dependency-cruiser.js)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes a tree where libs import each other through their index, downwards only', () => {
    const dir = tree(CLEAN);
    dirs.push(dir);
    expect(violations(dir)).toEqual([]);
  });

  it('fails a file import across libs, a relative climb into another lib, an import up the layers, a lib without a layer and a lib importing an app', () => {
    const dir = tree({
      ...CLEAN,
      'apps/api/src/deep.ts': "import { plate } from '@kouan/common/plate';\nexport const deep = plate;\n",
      'libs/ports/src/climb.ts': "import { plate } from '../../common/src';\nexport const climb = plate;\n",
      // firms sits below ports: with ports → firms this is a cycle.
      'libs/firms/src/up.ts': "import type { port } from '@kouan/ports';\nexport type Up = typeof port;\n",
      'libs/extra/src/index.ts': "import { plate } from '@kouan/common';\nexport const extra = plate;\n",
      'libs/common/src/app.ts': "import { main } from '../../../apps/api/src/main';\nexport const app = main;\n",
    });
    dirs.push(dir);
    expect(violations(dir)).toEqual(
      [
        'lib-through-index: apps/api/src/deep.ts → libs/common/src/plate.ts',
        'lib-by-alias: libs/ports/src/climb.ts → libs/common/src/index.ts',
        'layer-4-firms: libs/firms/src/up.ts → libs/ports/src/index.ts',
        'lib-has-a-layer: libs/extra/src/index.ts → libs/common/src/index.ts',
        'libs-below-apps: libs/common/src/app.ts → apps/api/src/main.ts',
      ].sort(),
    );
  });

  it("fails a page's module importing one that imports it back, however far round", () => {
    const dir = tree({
      ...CLEAN,
      // The state module reaching up into a concern, if only for a type: state → list → state. (A cycle is reported
      // once, from its first module.)
      'apps/api/src/pages/staff/state.ts':
        "import { events } from '../shared/events';\nimport type { list } from './list';\nexport const state = events;\nexport type L = typeof list;\n",
    });
    dirs.push(dir);
    expect(violations(dir)).toEqual([
      'pages-no-cycle: apps/api/src/pages/staff/list.ts → apps/api/src/pages/staff/state.ts',
    ]);
  });
});
