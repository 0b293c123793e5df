import { Logger } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import Redis, { RedisOptions } from 'ioredis';
import type { RedisConnection } from '@kouan/config';

/**
 * For clients whose work is optional or must fail closed while Redis is away (readiness, throttling, live
 * publishing): a command fails in milliseconds instead of waiting in ioredis's offline queue, and a hung
 * connection gives up after a second. Postgres is the source of truth; nothing here may hold a request.
 */
export const FAIL_FAST: RedisOptions = { enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1 };

/**
 * A gate for repeated warnings while Redis is away (ioredis retries several times a second): `due()` is true at
 * most once per `ms`; `reset()` opens it again (Redis came back, so the next outage is news).
 */
export function warnGate(ms = 30_000): { due(): boolean; reset(): void } {
  let last = 0;
  return {
    due() {
      if (Date.now() - last < ms) return false;
      last = Date.now();
      return true;
    },
    reset() {
      last = 0;
    },
  };
}

/**
 * Every ioredis client and BullMQ queue or worker needs an 'error' listener: without one a BullMQ queue
 * re-emits the connection error as an uncaught exception and the process dies. This one logs the outage
 * once (again every 30 s while it lasts) and the recovery once.
 */
export function watchRedis(emitter: EventEmitter, name: string, logger = new Logger('Redis')): void {
  let down = false;
  const gate = warnGate();
  emitter.on('error', (err: Error) => {
    down = true;
    if (!gate.due()) return;
    logger.warn({ client: name, err: { message: err.message, name: err.name } }, 'Redis unreachable; retrying');
  });
  emitter.on('ready', () => {
    if (!down) return;
    down = false;
    gate.reset();
    logger.log({ client: name }, 'Redis reachable again');
  });
}

/**
 * Where every Redis connection of the processes goes (ioredis clients here, BullMQ's from JobsModule): the server
 * or the Sentinel master from the environment, under a name CLIENT LIST shows. After a failover a client asks the
 * sentinels again when its connection drops: the old master's death, or the sentinels' own CLIENT KILL when they
 * demote a live one. ioredis's `failoverDetector` is left off: its +switch-master can land while the client is
 * already reconnecting and end it for good (ioredis 5.11).
 */
export function redisClientOptions(
  connection: RedisConnection,
  name: string,
): RedisConnection & { connectionName: string } {
  return { ...connection, connectionName: `kouan:${name}` };
}

/** An ioredis client that reconnects for ever (after a failover, to the new master) and never throws an unhandled 'error'. */
export function createRedis(connection: RedisConnection, name: string, options: RedisOptions = {}): Redis {
  const client = new Redis({ ...redisClientOptions(connection, name), ...options });
  watchRedis(client, name);
  return client;
}

/** Resolves once the client is ready, or after `ms` whatever its state: boot goes on without Redis. */
export function readyWithin(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
  });
}
