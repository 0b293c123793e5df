import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { buildSync as BuildSync } from 'esbuild';

/** The pages' asset of the live protocol: libs/realtime/src/live-protocol.ts as one browser script. */
export const LIVE_PROTOCOL_ASSET = 'live-protocol.js';

/**
 * libs/realtime/src/live-protocol.ts (under the repository's `root`) bundled into a plain ES2017 script that
 * defines the global `KouanLive`, for the pages, which have no build step of their own. `npm run build` writes it
 * into dist's pages; an API run from the sources (the tests) bundles it at boot.
 */
export function bundleLiveProtocol(root: string): string {
  // esbuild is a build tool (a devDependency): loaded only to bundle, never by a built API, which reads the asset.
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync: typeof BuildSync };
  const out = buildSync({
    entryPoints: [join(root, 'libs', 'realtime', 'src', 'live-protocol.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'KouanLive',
    platform: 'browser',
    target: 'es2017',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}
