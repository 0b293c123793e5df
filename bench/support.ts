/**
 * Helpers for benchmarks that run the real API as child processes against a fresh database of their own:
 * database create/drop, `cli migrate|seed`, API processes started and stopped, Redis keys of a prefix removed,
 * JWTs signed with the bench's secret, small HTTP helpers, percentiles, and the watchdog and clean-up around a
 * bench's main(). Parameterised by a BenchEnv, so each bench keeps its own database name, Redis prefix and JWT secret.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { Client } from 'pg';

export const ROOT = join(__dirname, '..', '..');

export const log = (line: string) => process.stdout.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
export const percentile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : NaN;
/** The machine's load average over 1, 5 and 15 minutes, as benches print it beside their figures. */
export const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
/** Milliseconds on the monotonic clock. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface BenchEnv {
  dbName: string;
  redisPrefix: string;
  redisUrl: string;
  jwtSecret: string;
  /** Postgres server URL; its database name is replaced. */
  baseDbUrl: URL;
  dbUrl: (name: string) => string;
  benchDbUrl: string;
  /** Added to the environment of every child (API and cli), e.g. DB_POOL_SIZE. */
  extraEnv: Record<string, string>;
  /** Node options before the script of every API and worker child (e.g. a preload). */
  nodeArgs: string[];
}

export function benchEnv(dbName: string, redisPrefix: string, extraEnv: Record<string, string> = {}): BenchEnv {
  const baseDbUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kouan');
  const dbUrl = (name: string) => Object.assign(new URL(baseDbUrl.toString()), { pathname: `/${name}` }).toString();
  return {
    dbName,
    redisPrefix,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    jwtSecret: `${redisPrefix}-${randomBytes(24).toString('hex')}`,
    baseDbUrl,
    dbUrl,
    benchDbUrl: dbUrl(dbName),
    extraEnv,
    nodeArgs: [],
  };
}

/** Signs access tokens the bench's API processes accept (HS256 with the bench's JWT_SECRET). */
export const jwtSigner = (env: BenchEnv) =>
  new JwtService({ secret: env.jwtSecret, signOptions: { algorithm: 'HS256' } });

export const childEnv = (env: BenchEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'development',
  DATABASE_URL: env.benchDbUrl,
  REDIS_URL: env.redisUrl,
  REDIS_PREFIX: env.redisPrefix,
  JWT_SECRET: env.jwtSecret,
  LOG_LEVEL: 'warn',
  ...env.extraEnv,
  ...extra,
});

// ---------------------------------------------------------------------------------------------- database, Redis

async function admin<T>(env: BenchEnv, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: env.dbUrl('postgres') });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

export const freshDatabase = (env: BenchEnv) =>
  admin(env, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${env.dbName} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${env.dbName}`);
  });

export const dropDatabase = (env: BenchEnv) =>
  admin(env, (c) => c.query(`DROP DATABASE IF EXISTS ${env.dbName} WITH (FORCE)`));

/** Deletes every `<prefix>:*` key; returns how many. */
export async function clearRedis(env: BenchEnv): Promise<number> {
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.redisPrefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

/** Runs `node dist/apps/cli/src/main.js <command>` against the bench database. */
export function cli(env: BenchEnv, command: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), command], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`cli ${command} exited ${code}: ${out}`))));
  });
}

// ---------------------------------------------------------------------------------------------- API processes

export interface ApiProcess {
  child: ChildProcess;
  port: number;
  tail: string[];
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts `node dist/apps/api/src/main.js` on a free port, adds it to `into` and waits for /ready. With `profileFile`,
 * cpu-profile.preload.js (next to this file) is loaded with `-r` and KOUAN_CPU_PROFILE=profileFile: SIGWINCH then
 * starts and stops its CPU profiler.
 */
export async function startApi(env: BenchEnv, into: ApiProcess[], profileFile?: string): Promise<ApiProcess> {
  const port = await freePort();
  const args = [...env.nodeArgs, ...(profileFile ? ['-r', join(__dirname, 'cpu-profile.preload.js')] : [])];
  const child = spawn(process.execPath, [...args, join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: childEnv(env, { PORT: String(port), ...(profileFile ? { KOUAN_CPU_PROFILE: profileFile } : {}) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const api: ApiProcess = { child, port, tail: [] };
  const keep = (d: Buffer) => {
    api.tail.push(...d.toString().split('\n').filter(Boolean));
    if (api.tail.length > 40) api.tail.splice(0, api.tail.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  into.push(api);
  // A loaded machine (several benches or test runs at once) can take a minute to boot Nest.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const status = await get(port, '/ready').catch(() => 0);
    if (status === 200) return api;
    await sleep(200);
  }
  throw new Error(`API on port ${port} did not become ready:\n${api.tail.join('\n')}`);
}

/**
 * Starts `node dist/apps/worker/src/main.js`, adds it to `into` and waits until it says it started (its output's tail
 * is kept).
 */
export async function startWorker(env: BenchEnv, into: ApiProcess[] = []): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...env.nodeArgs, join(ROOT, 'dist/apps/worker/src/main.js')], {
    cwd: ROOT,
    env: childEnv(env, { LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: ApiProcess = { child, port: 0, tail: [] };
  into.push(worker);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
    worker.tail = out.split('\n').filter(Boolean);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !out.includes('worker started')) {
    if (child.exitCode !== null) throw new Error(`the worker died:\n${out}`);
    await sleep(100);
  }
  if (!out.includes('worker started')) throw new Error(`the worker did not start:\n${out}`);
  return worker;
}

/**
 * The whole machine's busy CPU time so far, in ms summed over its cores (Linux /proc/stat: all but idle and iowait;
 * NaN elsewhere): over an interval, ÷ (the interval × cores) says whether a phase was bound by CPU.
 */
export function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const all = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((all - ticks[3] - ticks[4]) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** User + system CPU time a child has used so far, in ms (Linux /proc; NaN elsewhere). */
export function cpuMs(api: ApiProcess): number {
  try {
    const stat = readFileSync(`/proc/${api.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export async function stopApi(api: ApiProcess): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => api.child.once('exit', () => r()));
  api.child.kill('SIGTERM');
  const timer = setTimeout(() => api.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------- HTTP

export function get(port: number, path: string): Promise<number>;
export function get(
  port: number,
  path: string,
  body: true,
  headers?: Record<string, string>,
): Promise<{ status: number; body: string }>;
export function get(
  port: number,
  path: string,
  body?: true,
  headers: Record<string, string> = {},
): Promise<number | { status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 10_000, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => ok(body ? { status: res.statusCode ?? 0, body: text } : (res.statusCode ?? 0)));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
  });
}

/** One POST with a JSON body; resolves to status and body (status 0 when the connection failed or timed out). */
export function postJson(
  agent: http.Agent,
  port: number,
  path: string,
  payload: unknown,
  headers: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  return requestJson(agent, port, 'POST', path, payload, headers, timeoutMs);
}

/** One request with a JSON body (none for GET); resolves to status and body (status 0 when the connection failed). */
export function requestJson(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  payload: unknown,
  headers: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  const body = method === 'GET' ? '' : JSON.stringify(payload ?? {});
  return new Promise((ok) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
        res.on('error', () => ok({ status: 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => ok({ status: 0, body: String(e) }));
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------- running a bench

/** Stops the API processes, drops the bench database and removes its Redis keys; failures are reported, not thrown. */
export async function cleanupBench(env: BenchEnv, apis: ApiProcess[]): Promise<void> {
  await Promise.all(apis.map((a) => stopApi(a).catch(() => undefined)));
  await dropDatabase(env).catch((e: unknown) => console.error(`could not drop ${env.dbName}: ${String(e)}`));
  await clearRedis(env).catch((e: unknown) =>
    console.error(`could not clear Redis keys ${env.redisPrefix}:*: ${String(e)}`),
  );
}

/**
 * Runs `main`, then `cleanup` however it ended. A failure prints its stack and the last output of every API process
 * and sets exit code 1; past `limitMs` the bench cleans up and exits 1.
 */
export function runBench(
  main: () => Promise<void>,
  cleanup: () => Promise<void>,
  apis: ApiProcess[],
  limitMs: number,
): void {
  const watchdog = setTimeout(() => {
    console.error(`bench: over ${limitMs / 60_000} minutes, giving up`);
    void cleanup().finally(() => process.exit(1));
  }, limitMs);

  void main()
    .catch((e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      for (const a of apis) if (a.tail.length) console.error(`API :${a.port} last output:\n${a.tail.join('\n')}`);
      process.exitCode = 1;
    })
    .finally(async () => {
      await cleanup();
      clearTimeout(watchdog);
    });
}
