import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { validateEnv } from '@kouan/config';
import { freePort, OwnRedis, until } from './processes';

const NAME = 'kouan-test';

/**
 * A Redis master, its replicas and sentinels of the test's own, on free local ports with their files in a temp
 * directory: what a deployment runs on two or three machines. Every server and sentinel requires a password, so
 * the clients' credentials are exercised too. With `tls`, each also listens with TLS (a self-signed certificate for
 * 127.0.0.1, made here) and the sentinels name the master's TLS port: a client that did not speak TLS to both could
 * not connect. Only these processes are ever killed.
 */
export class SentinelGroup {
  readonly password = randomBytes(8).toString('hex');
  readonly sentinelPassword = randomBytes(8).toString('hex');
  private readonly dir = mkdtempSync(join(tmpdir(), 'kouan-sentinel-'));
  private readonly servers: OwnRedis[] = [];
  private readonly sentinels: OwnRedis[] = [];
  /** Each process's TLS port, by its plain one (which the test's own pings use). */
  private readonly tlsPorts = new Map<number, number>();

  constructor(private readonly opts: { tls?: boolean; replicas?: number; sentinels?: number } = {}) {}

  private get cert(): string {
    return join(this.dir, 'cert.pem');
  }

  /** A process's `args` with TLS added when the group has it (`replication`: it talks TLS to the master too). */
  private async listen(args: string[], replication: boolean): Promise<{ port: number; args: string[] }> {
    const port = await freePort();
    if (!this.opts.tls) return { port, args };
    const tlsPort = await freePort();
    this.tlsPorts.set(port, tlsPort);
    const tls = ['--tls-port', String(tlsPort), '--tls-cert-file', this.cert, '--tls-key-file'];
    tls.push(join(this.dir, 'key.pem'), '--tls-ca-cert-file', this.cert, '--tls-auth-clients', 'no');
    return { port, args: [...args, ...tls, ...(replication ? ['--tls-replication', 'yes'] : [])] };
  }

  /** Where clients reach a process: its TLS port in a TLS group. */
  private reach(p: OwnRedis): number {
    return this.tlsPorts.get(p.port) ?? p.port;
  }

  /** Starts the master, then the replicas, then the sentinels, and waits until they agree on all of it. */
  async start(): Promise<this> {
    const replicas = this.opts.replicas ?? 1;
    const sentinels = this.opts.sentinels ?? 3;
    const quorum = Math.min(2, sentinels);
    if (this.opts.tls) {
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
          ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(this.dir, 'key.pem'), '-out', this.cert],
        ],
        { stdio: 'ignore' },
      );
    }
    // In the temp directory: a replica keeps the master's snapshot on disk as it syncs.
    const auth = ['--dir', this.dir, '--requirepass', this.password, '--masterauth', this.password];
    const m = await this.listen(auth, false);
    const master = new OwnRedis(m.port, { args: m.args, password: this.password });
    await master.start();
    this.servers.push(master);
    for (let i = 0; i < replicas; i++) {
      const r = await this.listen([...auth, '--replicaof', '127.0.0.1', String(this.reach(master))], true);
      const announce = this.tlsPorts.get(r.port);
      const replica = new OwnRedis(r.port, {
        args: [...r.args, ...(announce ? ['--replica-announce-port', String(announce)] : [])],
        password: this.password,
      });
      await replica.start();
      this.servers.push(replica);
    }
    for (let i = 0; i < sentinels; i++) {
      const config = join(this.dir, `sentinel-${i}.conf`);
      // A sentinel rewrites its file as it learns (replicas, other sentinels, a new master): one file each.
      writeFileSync(
        config,
        [
          `dir ${this.dir}`,
          `requirepass ${this.sentinelPassword}`,
          `sentinel monitor ${NAME} 127.0.0.1 ${this.reach(master)} ${quorum}`,
          `sentinel auth-pass ${NAME} ${this.password}`,
          // The master is judged down after 1 s of silence, and a failover that stalls is retried after 5 s.
          `sentinel down-after-milliseconds ${NAME} 1000`,
          `sentinel failover-timeout ${NAME} 5000`,
          '',
        ].join('\n'),
      );
      const s = await this.listen(['--sentinel'], true);
      const sentinel = new OwnRedis(s.port, { config, args: s.args, password: this.sentinelPassword });
      await sentinel.start();
      this.sentinels.push(sentinel);
    }
    await until(
      'the replicas to sync and the sentinels to find them and each other',
      async () => {
        for (const r of this.servers.slice(1))
          if (!String(await r.call('INFO', 'replication')).includes('master_link_status:up')) return false;
        for (const s of this.sentinels) {
          if (((await s.call('SENTINEL', 'REPLICAS', NAME)) as string[][]).length !== replicas) return false;
          if (((await s.call('SENTINEL', 'SENTINELS', NAME)) as string[][]).length !== sentinels - 1) return false;
        }
        return true;
      },
      30_000,
    );
    return this;
  }

  /**
   * The environment that points Kouan's processes at this group (REDIS_URL's host and port are not used); with TLS,
   * Node's NODE_EXTRA_CA_CERTS trusts the group's certificate, as a deployment's private CA would be.
   */
  env(): Record<string, string> {
    return {
      REDIS_URL: `${this.opts.tls ? 'rediss' : 'redis'}://:${this.password}@127.0.0.1:1`,
      REDIS_SENTINELS: this.sentinels.map((s) => `127.0.0.1:${this.reach(s)}`).join(','),
      REDIS_SENTINEL_NAME: NAME,
      REDIS_SENTINEL_PASSWORD: this.sentinelPassword,
      ...(this.opts.tls ? { REDIS_SENTINEL_TLS: 'true', NODE_EXTRA_CA_CERTS: this.cert } : {}),
    };
  }

  /** A client as the processes make theirs (the same validated environment), for the test's own reads and writes. */
  client(): Redis {
    const redis = validateEnv({ NODE_ENV: 'test', ...this.env() }).redis;
    const tls = this.opts.tls ? { ca: readFileSync(this.cert) } : undefined;
    const client = new Redis({ ...redis, tls, sentinelTLS: tls, commandTimeout: 500 });
    client.on('error', () => undefined);
    return client;
  }

  /** The master's port as a live sentinel states it. */
  async masterPort(): Promise<number> {
    for (const s of this.sentinels) {
      const addr = await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME).catch(() => null);
      if (Array.isArray(addr)) return Number(addr[1]);
    }
    throw new Error('no sentinel answered');
  }

  /**
   * Starts the servers killed before again (empty: they keep nothing on disk) and waits until every sentinel has
   * made them replicas of the master and sees them in sync.
   */
  async revive(): Promise<void> {
    for (const server of this.servers) if (!(await server.ping())) await server.start();
    await until(
      'the revived servers to be replicas in sync',
      async () => {
        for (const s of this.sentinels) {
          const replicas = ((await s.call('SENTINEL', 'REPLICAS', NAME)) as string[][]).map(
            (r) => new Map(r.map((v, i) => [v, r[i + 1]])),
          );
          if (replicas.length !== this.servers.length - 1) return false;
          if (!replicas.every((r) => r.get('flags') === 'slave' && r.get('master-link-status') === 'ok')) return false;
        }
        return true;
      },
      60_000,
    );
  }

  /** Asks a sentinel for a failover while the master is up: it is demoted to a replica of the promoted one. */
  async failover(): Promise<void> {
    await this.sentinels[0].call('SENTINEL', 'FAILOVER', NAME);
  }

  /** SIGKILLs the server that is master now, as when its machine dies; returns its port. */
  async killMaster(): Promise<number> {
    const port = await this.masterPort();
    const master = this.servers.find((s) => this.reach(s) === port);
    if (!master) throw new Error(`the master ${port} is none of ours`);
    await master.kill();
    return port;
  }

  async stop(): Promise<void> {
    for (const p of [...this.sentinels, ...this.servers]) await p.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
