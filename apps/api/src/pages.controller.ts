import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Public } from '@kouan/auth';
import { bundlePages } from './pages.bundle';

/** Where the page files live: next to this file, in the sources (tests) and in dist (the build writes them). */
export const PAGES_DIR = join(__dirname, 'pages');

/** Paths the pages answer on, outside the /api/v1 prefix. */
export const PAGE_ROUTES = ['d', 'driver-sw.js', 'staff', 'yard', 'firm', 'admin', 'board/:port', 'assets/:file'];

/** Same-origin only, no inline script or style; socket.io's polling and WebSocket are same-origin too. */
export const PAGES_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  // The driver page's service worker and web-app manifest, same-origin like the rest.
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  gz: Buffer;
  etag: string;
  type: string;
  /** Short content hash, appended to asset URLs so a changed file is fetched at once and an unchanged one never. */
  version: string;
}

function asset(name: string, text: string): Asset {
  const body = Buffer.from(text);
  const hash = createHash('sha256').update(body).digest('base64url');
  return {
    body,
    gz: gzipSync(body, { level: 9 }),
    etag: `"${hash.slice(0, 22)}"`,
    type: TYPES[extname(name)] ?? 'application/octet-stream',
    version: hash.slice(0, 10),
  };
}

/**
 * The driver, staff, yard, firm and board pages: HTML, CSS and one script each (bundled from TypeScript), read once
 * at boot and kept gzipped in memory. Border connections are slow, so assets carry a content hash and are cached for a year;
 * pages revalidate with an ETag (a 304 is a few hundred bytes).
 */
function loadPages(): { pages: Map<string, Asset>; assets: Map<string, Asset> } {
  if (!existsSync(PAGES_DIR)) throw new Error(`page files not found in ${PAGES_DIR} (npm run build copies them)`);
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(PAGES_DIR)) {
    if (/\.(js|css|svg|webmanifest)$/.test(name))
      assets.set(name, asset(name, readFileSync(join(PAGES_DIR, name), 'utf8')));
  }
  // Each page's script, bundled from its TypeScript (<page>/main.ts) by esbuild: the build writes the bundles into
  // dist's pages; run from the sources, where there are none, they are bundled now by the same function.
  if (__filename.endsWith('.ts'))
    for (const [name, text] of bundlePages(join(__dirname, '..', '..', '..'))) assets.set(name, asset(name, text));
  // The socket.io browser client of the installed server, so the two always speak the same protocol.
  const client = join(dirname(require.resolve('socket.io/package.json')), 'client-dist', 'socket.io.min.js');
  assets.set(
    'socket.io.min.js',
    asset('socket.io.min.js', readFileSync(client, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n')),
  );
  const pages = new Map<string, Asset>();
  // One head, one set of scripts and one sign-in form for every page (head.part, scripts.part, login.part), and one
  // header bar for the consoles (console-bar.part): a page names its title, and the attribute its words are looked up
  // by; its own stylesheet and script are those of its name.
  const part = (file: string) => readFileSync(join(PAGES_DIR, file), 'utf8').trimEnd();
  const [head, scripts, login, bar] = [
    part('head.part'),
    part('scripts.part'),
    part('login.part'),
    part('console-bar.part'),
  ];
  for (const name of readdirSync(PAGES_DIR).filter((n) => n.endsWith('.html'))) {
    const page = name.slice(0, -'.html'.length);
    const html = readFileSync(join(PAGES_DIR, name), 'utf8')
      .replace(/<!--#head title="([^"]+)"-->/, (_, title: string) =>
        head.replace('{title}', title).replace('{page}', page),
      )
      .replace('<!--#scripts-->', scripts.replace('{page}', page))
      .replace(/<!--#login attr="([\w-]+)"-->/, (_, attr: string) => login.replaceAll('{attr}', attr).trimStart())
      .replace(/<!--#console-bar title="([^"]+)"-->/, (_, title: string) => bar.replace('{title}', title))
      .replace(/(src|href)="\/assets\/([\w.-]+)"/g, (whole, attr: string, file: string) => {
        const a = assets.get(file);
        if (!a) throw new Error(`${name} links /assets/${file}, which does not exist`);
        return `${attr}="/assets/${file}?v=${a.version}"`;
      });
    pages.set(page, asset(name, html));
  }
  return { pages, assets };
}

@ApiExcludeController()
@Controller()
@Public()
// Static files from memory, answered 304 on a repeat: cheap to serve, and a border post's phones share one
// carrier-NAT address, so the anonymous per-address allowance is kept for the API's reads.
@SkipThrottle({ public: true })
export class PagesController {
  private readonly files = loadPages();

  @Get('d')
  driver(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.files.pages.get('driver'), 'no-cache');
  }

  /**
   * The driver page's service worker: at the root, so its scope may be /d (a worker's scope is at most its own
   * path's folder), and revalidated on every check (a browser looks for a new worker at each visit).
   */
  @Get('driver-sw.js')
  driverWorker(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.files.assets.get('driver-sw.js'), 'no-cache');
  }

  @Get('staff')
  staff(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.files.pages.get('staff'), 'no-cache');
  }

  @Get('yard')
  yard(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.files.pages.get('yard'), 'no-cache');
  }

  @Get('firm')
  firm(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.files.pages.get('firm'), 'no-cache');
  }

  @Get('admin')
  admin(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, this.files.pages.get('admin'), 'no-cache');
  }

  /** The board page reads the port from its own URL; an unknown port is reported by the page itself. */
  @Get('board/:port')
  board(@Param('port') port: string, @Req() req: Request, @Res() res: Response): void {
    this.send(req, res, /^[A-Za-z0-9-]{2,32}$/.test(port) ? this.files.pages.get('board') : undefined, 'no-cache');
  }

  @Get('assets/:file')
  file(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    const a = this.files.assets.get(file);
    const versioned = a !== undefined && req.query.v === a.version;
    this.send(req, res, a, versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
  }

  private send(req: Request, res: Response, a: Asset | undefined, cacheControl: string): void {
    res.set({
      'Content-Security-Policy': PAGES_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    if (!a) {
      res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'no such page' });
      return;
    }
    res.set({ 'Cache-Control': cacheControl, ETag: a.etag, Vary: 'Accept-Encoding' });
    if (req.headers['if-none-match'] === a.etag) {
      res.status(304).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res
      .status(200)
      .set({ 'Content-Type': a.type, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) })
      .end(gzip ? a.gz : a.body);
  }
}
