import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { buildSync as BuildSync } from 'esbuild';

/** Where the pages' sources live under the repository's root: `<page>.html`, `<page>.css`, `<page>/main.ts`. */
export const PAGES_SOURCE = join('apps', 'api', 'src', 'pages');

/** The browsers the pages must run on: the old Android phones drivers carry (Chrome 72+ speaks ES2019). */
export const PAGES_TARGET = 'es2019';

/**
 * Each page's script (`<page>/main.ts`, for every `<page>.html`) bundled by esbuild into one minified browser script
 * with what it imports: the shared modules, its words (JSON), and the live protocol the server uses
 * (libs/realtime/src/live-protocol.ts). Keyed by the asset's name (`board.js`). The one way the pages are built:
 * `npm run build` writes these into dist's pages (scripts/bundle-pages.js); an API run from the sources (the tests)
 * bundles them at boot.
 */
export function bundlePages(root: string): Map<string, string> {
  // esbuild is a build tool (a devDependency): loaded only to bundle, never by a built API, which reads the files.
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync: typeof BuildSync };
  const dir = join(root, PAGES_SOURCE);
  const pages = readdirSync(dir)
    .filter((n) => n.endsWith('.html'))
    .map((n) => n.slice(0, -'.html'.length));
  const out = buildSync({
    entryPoints: pages.map((page) => ({ in: join(dir, page, 'main.ts'), out: page })),
    outdir: join(root, 'dist', 'pages'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: PAGES_TARGET,
    minify: true,
    // Burmese, Lao and Thai words as UTF-8 (served as such), not as \u escapes twice their size.
    charset: 'utf8',
    legalComments: 'none',
    tsconfig: join(root, 'tsconfig.pages.json'),
    write: false,
    logLevel: 'silent',
  });
  return new Map(out.outputFiles.map((f) => [basename(f.path), f.text]));
}
