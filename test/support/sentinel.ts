import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { validateEnv } from '@kouan/config';
import { freePort, OwnRedis, until } from './processes';

const NAME = 'kouan-test';

/**
 * A Redis master, its replica and three sentinels of the test's own, on free local ports with their files in a temp
 * directory: what a deployment runs on two or three machines. Every server and sentinel requires a password, so
 * the clients' credentials are exercised too. Only these processes are ever killed.
 */
export class SentinelGroup {
  readonly password = randomBytes(8).toString('hex');
  readonly sentinelPassword = randomBytes(8).toString('hex');
  private readonly dir = mkdtempSync(join(tmpdir(), 'kouan-sentinel-'));
  private readonly servers: OwnRedis[] = [];
  private readonly sentinels: OwnRedis[] = [];

  /** Starts the master, then the replica, then the sentinels, and waits until they agree on all of it. */
  async start(): Promise<this> {
    const auth = ['--requirepass', this.password, '--masterauth', this.password];
    const master = new OwnRedis(await freePort(), { args: auth, password: this.password });
    await master.start();
    const replica = new OwnRedis(await freePort(), {
      args: [...auth, '--replicaof', '127.0.0.1', String(master.port)],
      password: this.password,
    });
    await replica.start();
    this.servers.push(master, replica);
    for (let i = 0; i < 3; i++) {
      const config = join(this.dir, `sentinel-${i}.conf`);
      // A sentinel rewrites its file as it learns (replicas, other sentinels, a new master): one file each.
      writeFileSync(
        config,
        [
          `dir ${this.dir}`,
          `requirepass ${this.sentinelPassword}`,
          `sentinel monitor ${NAME} 127.0.0.1 ${master.port} 2`,
          `sentinel auth-pass ${NAME} ${this.password}`,
          // The master is judged down after 1 s of silence, and a failover that stalls is retried after 5 s.
          `sentinel down-after-milliseconds ${NAME} 1000`,
          `sentinel failover-timeout ${NAME} 5000`,
          '',
        ].join('\n'),
      );
      const sentinel = new OwnRedis(await freePort(), {
        config,
        args: ['--sentinel'],
        password: this.sentinelPassword,
      });
      await sentinel.start();
      this.sentinels.push(sentinel);
    }
    await until(
      'the replica to sync and the sentinels to find it and each other',
      async () => {
        const link = String(await replica.call('INFO', 'replication')).includes('master_link_status:up');
        const known = await Promise.all(
          this.sentinels.map(async (s) => {
            const replicas = (await s.call('SENTINEL', 'REPLICAS', NAME)) as string[][];
            const others = (await s.call('SENTINEL', 'SENTINELS', NAME)) as string[][];
            return replicas.length === 1 && others.length === 2;
          }),
        );
        return link && known.every(Boolean);
      },
      30_000,
    );
    return this;
  }

  /** The environment that points Kouan's processes at this group (REDIS_URL's host and port are not used). */
  env(): Record<string, string> {
    return {
      REDIS_URL: `redis://:${this.password}@127.0.0.1:1`,
      REDIS_SENTINELS: this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: NAME,
      REDIS_SENTINEL_PASSWORD: this.sentinelPassword,
    };
  }

  /** A client as the processes make theirs (the same validated environment), for the test's own reads and writes. */
  client(): Redis {
    const client = new Redis({ ...validateEnv({ NODE_ENV: 'test', ...this.env() }).redis, commandTimeout: 500 });
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

  /** SIGKILLs the server that is master now, as when its machine dies; returns its port. */
  async killMaster(): Promise<number> {
    const port = await this.masterPort();
    const master = this.servers.find((s) => s.port === port);
    if (!master) throw new Error(`the master ${port} is none of ours`);
    await master.kill();
    return port;
  }

  async stop(): Promise<void> {
    for (const p of [...this.sentinels, ...this.servers]) await p.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
