import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';

const ROOT = join(__dirname, '..', '..');

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 50 ms until it returns true (or a value), failing with `what` after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | false> | T | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A redis-server of the test's own on its own port (never the shared one), keeping nothing on disk like the
 * development Redis, so a test can SIGKILL it and start it again.
 */
export class OwnRedis {
  private child?: ChildProcess;

  /**
   * `config`: a file redis-server reads first (a sentinel's, which it rewrites); `args` come after the defaults;
   * `password`: the one it requires, if any.
   */
  constructor(
    readonly port: number,
    private readonly opts: { config?: string; args?: string[]; password?: string } = {},
  ) {}

  get password(): string | undefined {
    return this.opts.password;
  }

  get url(): string {
    return `redis://${this.password ? `:${encodeURIComponent(this.password)}@` : ''}127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        ...(this.opts.config ? [this.opts.config] : []),
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        ...(this.opts.args ?? []),
      ],
      { stdio: 'ignore' },
    );
    await until(`redis-server on ${this.port}`, () => this.ping());
  }

  /** SIGKILL: no goodbye to clients, as when the machine or the container dies. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** One command on a short-lived connection. */
  async call(...args: [string, ...(string | number)[]]): Promise<unknown> {
    const client = new Redis(this.url);
    try {
      return await client.call(...args);
    } finally {
      client.disconnect();
    }
  }
}

/** An app from `dist/` (what `npm start` runs) as a child process, so a crash is a crash, not a Jest failure. */
export class AppProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;

  constructor(app: 'api' | 'worker', env: Record<string, string>) {
    const main = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first (npm test does)`);
    this.child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr])
      stream?.on('data', (d: Buffer) => this.output.push(d.toString()));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exit(): string {
    return `exit code ${this.child.exitCode}, signal ${this.child.signalCode}`;
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL: no shutdown hooks, no goodbye to Redis or Postgres, as when the machine or the container dies. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Whether any line the process has written so far contains `text`. */
  said(text: string): boolean {
    return this.output.join('').includes(text);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}

/**
 * A TCP relay to a real server (the shared Postgres), which a test can cut and restore: the network between
 * the app and the database fails, while the database itself, shared with every other test, stays up.
 */
export class CuttableLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private silent = false;

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      // Forwarded by hand rather than piped, so silence() can drop bytes while both connections stay open.
      client.on('data', (d: Buffer) => {
        if (!this.silent) upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => {
        if (!this.silent) client.write(d);
      });
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /**
   * A dead network that says nothing (a phone between cells): connections stay open, nothing gets through either
   * way, until `silence(false)`.
   */
  silence(on: boolean): void {
    this.silent = on;
  }

  /** Refuses new connections and resets every open one, as a dead database host would. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((r) => server.close(r));
  }
}
