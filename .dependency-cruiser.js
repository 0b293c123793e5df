/**
 * Lib boundaries, checked by `npm run lint` (docs/architecture.md, "Boundaries"):
 *   - another lib, an app, a benchmark or a migration imports a lib only through its index (`@kouan/<lib>`);
 *   - a lib is reached by its alias, never by a relative path that climbs out of one lib into another;
 *   - a lib imports only libs on the layers below its own (LAYERS), so no two libs import each other, however far
 *     round; a new lib must be given a layer;
 *   - libs import no app, test or benchmark.
 * test/ may import a lib's internals (the repositories, SQL fragments and pure files it tests). The pages
 * (apps/api/src/pages, browser code bundled by esbuild) import the pure files they need by path: the live protocol,
 * and type-only the live events and DTOs; a lib's index would pull the server's whole graph (Nest, TypeORM) into the
 * browser bundle and its type-check. Inside the pages no module imports one that imports it back, however far round:
 * a page's main.ts imports its concerns, which import the page's state module and shared/, and a concern tells the
 * page what happened through the state module's events (shared/events.ts). JSON data files (the seed's port list
 * and holding areas, read by the simulator) may be read by any lib on a higher layer.
 * test/unit/boundaries.spec.ts runs these rules on a small tree with one violation of each.
 */

/** Bottom first. A lib may import the libs on lower layers, none on its own layer or above. */
const LAYERS = [
  ['config', 'common', 'calendar'],
  ['db', 'audit'],
  ['auth', 'jobs', 'realtime'],
  ['firms'],
  ['parking'],
  ['ports'],
  ['booking', 'sim'],
  ['queue', 'webhooks', 'insights'],
  ['notify', 'gate'],
  ['opendata', 'link'],
];

const ALL = LAYERS.flat();
const layerRules = LAYERS.map((libs, i) => ({
  // One rule per layer, named after it: the report prints the comment of the rule it names.
  name: `layer-${i + 1}-${libs.join('-')}`,
  severity: 'error',
  comment:
    `${libs.join(', ')} may import only libs on lower layers (${LAYERS.slice(0, i).flat().join(', ') || 'none'}): ` +
    'an import up or across the layers is how lib cycles start. Move the shared piece down (or to common), ' +
    'or, if no cycle follows, move this lib up a layer in .dependency-cruiser.js.',
  from: { path: `^libs/(${libs.join('|')})/` },
  to: { path: `^libs/(${LAYERS.slice(i).flat().join('|')})/`, pathNot: '^libs/$1/' },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-through-index',
      severity: 'error',
      comment:
        "Import another lib through its index (`@kouan/<lib>`), not its files: export what others need from the lib's " +
        'src/index.ts. (test/ may import internals.)',
      from: { path: '^(libs/[^/]+/|apps/|bench/|migrations/)', pathNot: '^apps/api/src/pages/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^$1', '^libs/[^/]+/src/index\\.ts$', '\\.json$'] },
    },
    {
      name: 'lib-by-alias',
      severity: 'error',
      comment: 'Reach another lib by its alias `@kouan/<lib>`, not by a relative path that climbs out of this one.',
      from: { path: '^(libs/[^/]+/|apps/|bench/|migrations/|test/)', pathNot: '^apps/api/src/pages/' },
      to: { path: '^libs/', pathNot: '^$1', dependencyTypesNot: ['aliased'] },
    },
    ...layerRules,
    {
      name: 'lib-has-a-layer',
      severity: 'error',
      comment: 'Every lib has a place in LAYERS (.dependency-cruiser.js): that place says which libs it may import.',
      from: { path: '^libs/', pathNot: `^libs/(${ALL.join('|')})/` },
      to: {},
    },
    {
      name: 'pages-no-cycle',
      severity: 'error',
      comment:
        "A page's modules import one way: main.ts → its concerns → the page's state module and shared/. " +
        "A concern that must tell the page something emits one of the state module's events (shared/events.ts), " +
        'which main.ts answers, rather than importing main.ts or a module that imports it.',
      from: { path: '^apps/api/src/pages/' },
      to: { circular: true },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment:
        "The typed client (packages/client) is a package for firms' developers: it imports only its own files, " +
        'openapi-fetch and Node, never the server (libs, apps) or the tests.',
      from: { path: '^packages/client/' },
      to: { path: '^(libs|apps|test|bench|migrations)/' },
    },
    {
      name: 'client-through-index',
      severity: 'error',
      comment: 'Use the typed client as a firm would, through its index (`@kouan/client`), not its files.',
      from: { path: '^(libs|apps|test|bench|migrations)/' },
      to: { path: '^packages/client/', pathNot: '^packages/client/src/index\\.ts$' },
    },
    {
      name: 'libs-below-apps',
      severity: 'error',
      comment: 'Libs serve the apps; they import no app, test or benchmark.',
      from: { path: '^libs/' },
      to: { path: '^(apps|test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
    // `import type` counts: a type-only import between libs is a dependency all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
