/**
 * Summarises a V8 `.cpuprofile`: self time by function and by package (node_modules/<pkg>, node: internals,
 * the project's own code, GC, idle). `node dist/bench/profile-summary.js file.cpuprofile [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  /** Busy time charged to the nearest library frame on the stack, so native work (socket writes, crypto) counts for its caller. */
  byLayer: { layer: string; ms: number }[];
  byFunction: { name: string; where: string; ms: number }[];
  byArea: { area: string; ms: number }[];
}

/** Which package or part of the runtime a frame belongs to. */
function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: native, JIT, I/O)';
  const modules = url.split('node_modules/');
  if (modules.length > 1) {
    const rest = modules[modules.length - 1];
    const parts = rest.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('/dist/')) return `kouan ${url.split('/dist/')[1].split('/').slice(0, 2).join('/')}`;
  return url ? 'other' : '(native)';
}

const LAYERS: [RegExp, string][] = [
  [/node_modules\/(jsonwebtoken|jwa|jws|@nestjs\/jwt)\//, 'JWT verify (jsonwebtoken)'],
  [
    /node_modules\/(class-validator|class-transformer)\/|validation\.pipe/,
    'body validation (class-validator/transformer)',
  ],
  [/node_modules\/(pino|pino-http|nestjs-pino)\//, 'logging (pino)'],
  [/node_modules\/(pg|pg-protocol|pg-pool)\//, 'Postgres driver (pg), incl. its socket writes'],
  [/node_modules\/typeorm\//, 'TypeORM'],
  [/\/dist\/(libs|apps)\//, 'Kouan code'],
  [
    /node_modules\/(express|router|body-parser|raw-body|finalhandler|on-finished|iconv-lite)\//,
    'Express + body parser',
  ],
  [/node_modules\/@nestjs\/(core|common|platform-express)\//, 'Nest pipeline'],
  [/^node:_http|^node:http/, 'Node HTTP server, incl. its socket writes'],
];

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    // Each sample's time is the delta to the next one.
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    }
  }
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const layerOf = (leaf: ProfileNode): string => {
    const name = leaf.callFrame.functionName;
    if (name === '(garbage collector)') return 'garbage collector';
    if (name === '(program)') return '(program)';
    for (let n: ProfileNode | undefined = leaf; n; n = parent.get(n.id)) {
      const hit = LAYERS.find(([re]) => re.test(n!.callFrame.url));
      if (hit) return hit[1];
    }
    return 'other (node internals, timers, async hooks)';
  };
  const layer = new Map<string, number>();
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const area = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const a = areaOf(node);
    if (a === '(idle)') idle += us;
    else layer.set(layerOf(node), (layer.get(layerOf(node)) ?? 0) + us);
    area.set(a, (area.get(a) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName}@${where}`;
    const entry = fn.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    wallMs: ms(total),
    busyMs: ms(total - idle),
    byFunction: [...fn.values()]
      .sort((x, y) => y.us - x.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: ms(f.us) })),
    byLayer: [...layer.entries()].sort((x, y) => y[1] - x[1]).map(([l, us]) => ({ layer: l, ms: ms(us) })),
    byArea: [...area.entries()].sort((x, y) => y[1] - x[1]).map(([a, us]) => ({ area: a, ms: ms(us) })),
  };
}

export function printProfileSummary(file: string, top = 25): void {
  const s = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  const pct = (m: number) => `${((100 * m) / (s.busyMs || 1)).toFixed(1)}%`;
  console.log(`\nCPU profile ${file}: ${s.wallMs} ms sampled, ${s.busyMs} ms busy (not idle)`);
  console.log('\nBusy time by layer (native work charged to the library that called it):');
  for (const l of s.byLayer) console.log(`  ${pct(l.ms).padStart(6)}  ${String(l.ms).padStart(8)} ms  ${l.layer}`);
  console.log('\nSelf time by area (share of busy time):');
  for (const a of s.byArea.filter((x) => x.area !== '(idle)').slice(0, 20)) {
    console.log(`  ${pct(a.ms).padStart(6)}  ${String(a.ms).padStart(8)} ms  ${a.area}`);
  }
  console.log('\nTop functions by self time:');
  for (const f of s.byFunction.filter((x) => x.name !== '(idle)')) {
    console.log(`  ${pct(f.ms).padStart(6)}  ${String(f.ms).padStart(8)} ms  ${f.name}  ${f.where}`);
  }
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  printProfileSummary(file, Number(top ?? 25));
}
