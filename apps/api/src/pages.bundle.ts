import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
 * (libs/realtime/src/live-protocol.ts). Keyed by the asset's name (`board.js`). Service workers are bundled alike
 * (`<name>-sw/main.ts` → `<name>-sw.js`), and the driver page's web-app manifests are written from its words (one a
 * language, `driver.<lang>.webmanifest`). The one way the pages are built: `npm run build` writes these into dist's
 * pages (scripts/bundle-pages.js); an API run from the sources (the tests) bundles them at boot.
 */
export function bundlePages(root: string): Map<string, string> {
  // esbuild is a build tool (a devDependency): loaded only to bundle, never by a built API, which reads the files.
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync: typeof BuildSync };
  const dir = join(root, PAGES_SOURCE);
  const pages = readdirSync(dir)
    .filter((n) => n.endsWith('.html'))
    .map((n) => n.slice(0, -'.html'.length))
    .concat(readdirSync(dir).filter((n) => n.endsWith('-sw') && existsSync(join(dir, n, 'main.ts'))));
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
  return new Map([
    ...out.outputFiles.map((f): [string, string] => [basename(f.path), f.text]),
    ...driverManifests(dir),
  ]);
}

/**
 * The driver page as an installable web app, named in each of its languages (the page links the driver's): opens
 * /d standalone, its icon an SVG (apps/api/src/pages/driver-icon.svg).
 */
function driverManifests(dir: string): Array<[string, string]> {
  const words = join(dir, 'i18n', 'driver');
  return readdirSync(words)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      const lang = n.slice(0, -'.json'.length);
      const t = JSON.parse(readFileSync(join(words, n), 'utf8')) as Record<string, string>;
      const manifest = {
        name: t.title,
        short_name: 'Kouan',
        lang,
        start_url: '/d',
        scope: '/d',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0b2545',
        icons: [{ src: '/assets/driver-icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      };
      return [`driver.${lang}.webmanifest`, JSON.stringify(manifest)];
    });
}
