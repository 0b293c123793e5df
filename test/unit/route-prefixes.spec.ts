import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { DriverCodeController, DriverSessionService, OutcomeController, YardArrivalController } from '@kouan/booking';
import { PortPerformanceController } from '@kouan/ports';
// PrometheusModule.register, called as the API's module loads, gives MetricsController its path (/metrics).
import '../../apps/api/src/api.module';

/**
 * One lib owns each route prefix (docs/architecture.md, "Routes"), checked two ways:
 *   - each route is declared by the owner of its prefix: the longest prefix the Routes table lists for it, so a
 *     lib declaring a route under another's first segment fails unless the table gives it that sub-resource; and
 *     `/bookings/**` is the booking lib's, `/driver/**` one lib's, whatever the table says;
 *   - no route of one owner can take a request meant for a route of another (same method, same number of segments,
 *     each segment equal or one of the two a `:param`), so the answer never depends on the order of modules.
 */
const ROOT = join(__dirname, '..', '..');

interface Route {
  /** `libs/<lib>` or `apps/<app>`. */
  owner: string;
  controller: string;
  method: RequestMethod;
  /** Controller path and method path joined, without the global prefix: `bookings/:id/complete`. */
  path: string;
}

/** A prefix the Routes table lists, with the owner it names. */
interface Documented {
  prefix: string;
  owner: string;
}

const segments = (path: string) => path.split('/').filter(Boolean);
const paths = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v ?? '')]);
const isParam = (segment: string) => segment.startsWith(':');
const show = (r: Route) => `${RequestMethod[r.method]} /${r.path} (${r.owner} ${r.controller})`;

/**
 * Express matches a `:param` against any one segment and a literal ignoring case. Wildcards, optional parts and
 * patterns would need more than that comparison: a route using one fails here until this test learns it.
 */
function plain(path: string): string {
  if (/[*?{}()+]/.test(path)) throw new Error(`/${path}: wildcards and patterns are not checked by route-prefixes`);
  return path;
}

/** Every route a controller class declares: each controller path with each of its handlers' paths. */
function routesOf(owner: string, controller: new (...args: never[]) => unknown): Route[] {
  const names = new Set<string>();
  // Handlers are looked up along the prototype chain, as Nest's MetadataScanner does (MetricsController extends one).
  for (let p: object | null = controller.prototype as object; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') names.add(name);
  const proto = controller.prototype as Record<string, unknown>;
  return [...names]
    .map((name) => proto[name])
    .filter((m): m is object => typeof m === 'function' && Reflect.getMetadata(METHOD_METADATA, m) !== undefined)
    .flatMap((handler) =>
      paths(Reflect.getMetadata(PATH_METADATA, controller)).flatMap((base) =>
        paths(Reflect.getMetadata(PATH_METADATA, handler)).map((own) => ({
          owner,
          controller: controller.name,
          method: Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod,
          path: plain([...segments(base), ...segments(own)].join('/')),
        })),
      ),
    );
}

/** The prefixes of the table under "## Routes": each backquoted path of a row's first cell, owned by its second. */
function documentedPrefixes(markdown: string): Documented[] {
  const section = markdown.split(/^## Routes$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, first, owner]) => owner && owner !== 'owner' && !/^-+$/.test(owner) && first.includes('`/'))
    .flatMap(([, first, owner]) =>
      [...first.matchAll(/`(\/[^`]*)`/g)].map((m) => ({
        prefix: segments(m[1]).join('/'),
        owner: owner.includes('/') ? owner : `libs/${owner}`,
      })),
    );
}

/** Whether `prefix` (a documented one) is the start of `path`: literals equal, a `:param` only where a route has one. */
const startsWith = (path: string, prefix: string) => {
  const p = segments(path);
  return segments(prefix).every((s, i) => i < p.length && (s === p[i] || (isParam(s) && isParam(p[i]))));
};

/** Routes declared by another lib or app than the one the longest documented prefix names, or by none. */
function outsideTheirPrefix(routes: Route[], documented: Documented[]): string[] {
  return routes.flatMap((r) => {
    const [longest] = documented
      .filter((d) => startsWith(r.path, d.prefix))
      .sort((a, b) => segments(b.prefix).length - segments(a.prefix).length);
    if (longest?.owner === r.owner) return [];
    return [`${show(r)}: ${longest ? `/${longest.prefix} is ${longest.owner}'s` : 'under no documented prefix'}`];
  });
}

/** Express answers HEAD with a GET route; ALL takes every method. */
const sameRequests = (a: RequestMethod, b: RequestMethod) =>
  a === b ||
  a === RequestMethod.ALL ||
  b === RequestMethod.ALL ||
  (a === RequestMethod.GET && b === RequestMethod.HEAD) ||
  (a === RequestMethod.HEAD && b === RequestMethod.GET);

/** Whether some request matches both routes: whichever Nest registers first would answer it. */
function overlap(a: Route, b: Route): boolean {
  const [x, y] = [segments(a.path), segments(b.path)];
  return (
    sameRequests(a.method, b.method) &&
    x.length === y.length &&
    x.every((s, i) => isParam(s) || isParam(y[i]) || s.toLowerCase() === y[i].toLowerCase())
  );
}

/** Pairs of routes of different owners that one request can match. */
function shadowing(routes: Route[]): string[] {
  return routes.flatMap((a, i) =>
    routes.slice(i + 1).flatMap((b) => (a.owner !== b.owner && overlap(a, b) ? [`${show(a)} ~ ${show(b)}`] : [])),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'pages' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every route of every controller class of the libs and apps, found by the files that declare one. */
function declaredRoutes(): Route[] {
  const files = ['libs', 'apps']
    .flatMap((top) => readdirSync(join(ROOT, top), { withFileTypes: true }).filter((e) => e.isDirectory()))
    .map((e) => join(e.parentPath, e.name, 'src'))
    .filter((src) => statSync(src, { throwIfNoEntry: false })?.isDirectory())
    .flatMap(sourceFiles)
    .filter((f) => readFileSync(f, 'utf8').includes('@Controller('));
  return files.flatMap((file) => {
    const owner = relative(ROOT, file).split('/').slice(0, 2).join('/');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.values(require(file) as Record<string, unknown>).filter(
      (v): v is new (...args: never[]) => unknown =>
        typeof v === 'function' && Reflect.getMetadata('__controller__', v) === true,
    );
    if (!exported.length) throw new Error(`${relative(ROOT, file)} says @Controller( but exports no controller`);
    return exported.flatMap((c) => routesOf(owner, c));
  });
}

const documented = () => documentedPrefixes(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'));

describe('route prefixes', () => {
  const routes = declaredRoutes();
  const route = (owner: string, method: RequestMethod, path: string): Route => ({
    owner,
    controller: 'C',
    method,
    path,
  });

  it('each route is declared by the owner docs/architecture.md gives its prefix', () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(outsideTheirPrefix(routes, documented())).toEqual([]);
  });

  it('no route of one lib or app can take a request meant for another, whatever the order of modules', () => {
    expect(shadowing(routes)).toEqual([]);
  });

  it('every /bookings route is the booking lib’s, and every /driver route one lib’s', () => {
    const ownersUnder = (first: string) =>
      new Set(routes.filter((r) => segments(r.path)[0] === first).map((r) => r.owner));
    expect([...ownersUnder('bookings')]).toEqual(['libs/booking']);
    expect(ownersUnder('driver').size).toBe(1);
  });

  it('the Routes table lists each prefix once, and each has a route of its owner', () => {
    const table = documented();
    expect(table).toEqual(
      expect.arrayContaining([
        { prefix: 'bookings', owner: 'libs/booking' },
        { prefix: 'ports', owner: 'libs/ports' },
        { prefix: 'ports/:code/parking-areas', owner: 'libs/parking' },
        { prefix: 'firms/:id/standing', owner: 'libs/booking' },
        { prefix: 'metrics', owner: 'apps/api' },
      ]),
    );
    expect(table.map((d) => d.prefix)).toEqual([...new Set(table.map((d) => d.prefix))]);
    const unused = table.filter((d) => !routes.some((r) => r.owner === d.owner && startsWith(r.path, d.prefix)));
    expect(unused).toEqual([]);
  });

  it('a route whose work is a lib above’s does not boot without that lib’s provider', async () => {
    // The controller's dependencies of its own lib are there: only the lib above's is missing.
    const own = [{ provide: DriverSessionService, useValue: {} }];
    for (const [controller, missing] of [
      [OutcomeController, 'BookingLineActions'],
      [YardArrivalController, 'BookingLineActions'],
      [PortPerformanceController, 'PortPerformanceReport'],
      [DriverCodeController, 'DriverCodeCourier'],
    ] as const)
      await expect(Test.createTestingModule({ controllers: [controller], providers: own }).compile()).rejects.toThrow(
        new RegExp(
          `Nest can't resolve dependencies of the ${controller.name} \\([^)]*\\?[^)]*\\)\\. ` +
            `Please make sure that the argument ${missing}`,
        ),
      );
  });

  it('finds a route under a prefix the docs give another owner, or no owner', () => {
    const table = documentedPrefixes(
      [
        '## Routes',
        '| prefix | owner | controllers |',
        '| --- | --- | --- |',
        '| `/bookings` (create, cancel) | booking | `bookings.controller.ts` |',
        '| `/ports`, `/driver` | ports | `ports.controller.ts` |',
        '| `/ports/:code/queue` | queue | |',
        '| pages (`/d`) | apps/api | |',
        '## Time',
        '| `/later` | queue | |',
      ].join('\n'),
    );
    expect(table).toEqual([
      { prefix: 'bookings', owner: 'libs/booking' },
      { prefix: 'ports', owner: 'libs/ports' },
      { prefix: 'driver', owner: 'libs/ports' },
      { prefix: 'ports/:code/queue', owner: 'libs/queue' },
      { prefix: 'd', owner: 'apps/api' },
    ]);
    expect(
      outsideTheirPrefix(
        [
          route('libs/booking', RequestMethod.POST, 'bookings/:id/cancel'),
          route('libs/queue', RequestMethod.POST, 'bookings/:id/complete'),
          route('libs/ports', RequestMethod.GET, 'ports/:code'),
          route('libs/queue', RequestMethod.GET, 'ports/:code/queue/staff'),
          route('libs/queue', RequestMethod.GET, 'ports/:code/kpis'),
          route('libs/ports', RequestMethod.GET, 'ports/:code/queue'),
          route('apps/api', RequestMethod.GET, 'd'),
          route('libs/queue', RequestMethod.GET, 'later'),
        ],
        table,
      ),
    ).toEqual([
      "POST /bookings/:id/complete (libs/queue C): /bookings is libs/booking's",
      "GET /ports/:code/kpis (libs/queue C): /ports is libs/ports's",
      "GET /ports/:code/queue (libs/ports C): /ports/:code/queue is libs/queue's",
      'GET /later (libs/queue C): under no documented prefix',
    ]);
  });

  it('finds routes of two owners that one request can match, and only those', () => {
    const detail = route('libs/ports', RequestMethod.GET, 'ports/:code');
    expect(
      shadowing([
        detail,
        route('libs/insights', RequestMethod.GET, 'ports/performance'),
        route('libs/insights', RequestMethod.POST, 'ports/report'),
        route('libs/queue', RequestMethod.GET, 'ports/:port/queue'),
        route('libs/ports', RequestMethod.GET, 'ports/:code/fees'),
        route('libs/ports', RequestMethod.GET, 'ports/NEW'),
        route('libs/queue', RequestMethod.ALL, 'ports/:id/fees'),
        route('libs/audit', RequestMethod.HEAD, 'Ports/New'),
      ]),
    ).toEqual([
      'GET /ports/:code (libs/ports C) ~ GET /ports/performance (libs/insights C)',
      'GET /ports/:code (libs/ports C) ~ HEAD /Ports/New (libs/audit C)',
      'GET /ports/:code/fees (libs/ports C) ~ ALL /ports/:id/fees (libs/queue C)',
      'GET /ports/NEW (libs/ports C) ~ HEAD /Ports/New (libs/audit C)',
    ]);
  });

  it('reads the routes of a controller with a path, and of one without, along its prototype chain', () => {
    const handle = (target: object, name: string, method: RequestMethod, path: string | string[]) => {
      const fn = (target as Record<string, object>)[name];
      Reflect.defineMetadata(PATH_METADATA, path, fn);
      Reflect.defineMetadata(METHOD_METADATA, method, fn);
    };
    class Base {
      index() {}
    }
    class Bare extends Base {
      a() {}
      b() {}
      helper() {}
    }
    handle(Base.prototype, 'index', RequestMethod.GET, '/');
    handle(Bare.prototype, 'a', RequestMethod.POST, 'bookings/:id/waive');
    handle(Bare.prototype, 'b', RequestMethod.GET, ['/firms/:id/standing', 'firms']);
    Reflect.defineMetadata(PATH_METADATA, '/', Bare);
    expect(routesOf('libs/x', Bare).map((r) => `${RequestMethod[r.method]} ${r.path}`)).toEqual([
      'POST bookings/:id/waive',
      'GET firms/:id/standing',
      'GET firms',
      'GET ',
    ]);
    Reflect.defineMetadata(PATH_METADATA, ['ports/:code/', 'p'], Bare);
    expect(routesOf('libs/x', Bare).map((r) => r.path)).toEqual([
      'ports/:code/bookings/:id/waive',
      'p/bookings/:id/waive',
      'ports/:code/firms/:id/standing',
      'ports/:code/firms',
      'p/firms/:id/standing',
      'p/firms',
      'ports/:code',
      'p',
    ]);
    class Wild {
      any() {}
    }
    handle(Wild.prototype, 'any', RequestMethod.GET, 'files/*path');
    expect(() => routesOf('libs/x', Wild)).toThrow('/files/*path: wildcards and patterns are not checked');
  });
});
