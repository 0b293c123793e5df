import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';

/**
 * One lib owns each route prefix (docs/architecture.md, "Routes"): a prefix is a controller's path
 * (`@Controller('bookings')`), or, for a controller declared without one, the first segment of each of its routes.
 * Two libs (or a lib and an app) declaring the same prefix fail this test: the routes under a prefix are found in
 * one place, and route order between them never depends on the order of modules.
 */
const ROOT = join(__dirname, '..', '..');

interface Declared {
  /** `libs/<lib>` or `apps/<app>`. */
  owner: string;
  controller: string;
  prefixes: string[];
}

const trim = (p: string) => p.replace(/^\/+|\/+$/g, '');
const paths = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v ?? '')]).map(trim);

/** The prefixes a controller class declares. */
function prefixesOf(controller: new (...args: never[]) => unknown): string[] {
  const own = paths(Reflect.getMetadata(PATH_METADATA, controller)).filter(Boolean);
  if (own.length) return own;
  const proto = controller.prototype as Record<string, unknown>;
  const routes = Object.getOwnPropertyNames(proto)
    .map((name) => proto[name])
    .filter((m): m is object => typeof m === 'function' && Reflect.getMetadata(METHOD_METADATA, m) !== undefined)
    .flatMap((m) => paths(Reflect.getMetadata(PATH_METADATA, m)));
  return [...new Set(routes.map((r) => r.split('/')[0]))];
}

/** Prefixes declared by more than one owner, with those owners' controllers. */
function sharedPrefixes(declared: Declared[]): Record<string, string[]> {
  const by = new Map<string, Declared[]>();
  for (const d of declared) for (const p of d.prefixes) by.set(p, [...(by.get(p) ?? []), d]);
  return Object.fromEntries(
    [...by]
      .filter(([, ds]) => new Set(ds.map((d) => d.owner)).size > 1)
      .map(([p, ds]) => [p, ds.map((d) => `${d.owner} ${d.controller}`)]),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'pages' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every controller class of the libs and apps, found by the files that declare one. */
function declaredControllers(): Declared[] {
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
    return exported.map((c) => ({ owner, controller: c.name, prefixes: prefixesOf(c) }));
  });
}

describe('route prefixes', () => {
  it('each prefix is declared by one lib or app', () => {
    const declared = declaredControllers();
    expect(declared.length).toBeGreaterThan(20);
    expect(sharedPrefixes(declared)).toEqual({});
  });

  it('the driver page, a booking and a port each have the owners docs/architecture.md names', () => {
    const owners = Object.fromEntries(declaredControllers().flatMap((d) => d.prefixes.map((p) => [p, d.owner])));
    expect(owners).toMatchObject({
      driver: 'libs/queue',
      bookings: 'libs/booking',
      'bookings/:id': 'libs/queue',
      ports: 'libs/ports',
      'ports/:code': 'libs/queue',
      'ports/:code/parking-areas': 'libs/parking',
      'ports/performance': 'libs/insights',
      firms: 'libs/firms',
      'firms/:id/standing': 'libs/booking',
    });
  });

  it('finds a prefix that two libs declare, and one that a controller without a path declares by its routes', () => {
    expect(
      sharedPrefixes([
        { owner: 'libs/booking', controller: 'A', prefixes: ['driver'] },
        { owner: 'libs/queue', controller: 'B', prefixes: ['driver', 'ports/:code'] },
        { owner: 'libs/queue', controller: 'C', prefixes: ['ports/:code'] },
      ]),
    ).toEqual({ driver: ['libs/booking A', 'libs/queue B'] });
    class Bare {
      a() {}
      b() {}
    }
    for (const [name, path] of [
      ['a', 'bookings/:id/waive'],
      ['b', '/firms/:id/standing'],
    ]) {
      Reflect.defineMetadata(PATH_METADATA, path, Bare.prototype[name as 'a']);
      Reflect.defineMetadata(METHOD_METADATA, 0, Bare.prototype[name as 'a']);
    }
    Reflect.defineMetadata(PATH_METADATA, '/', Bare);
    expect(prefixesOf(Bare)).toEqual(['bookings', 'firms']);
  });
});
