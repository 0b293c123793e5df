import type { Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import type { Env } from '@kouan/config';
import { createRedis, FAIL_FAST } from '@kouan/db';
import { dropReporter } from './drops';

/** The Redis key the socket.io streams adapters of every process share (their stream, channels and sessions). */
export const socketIoKey = (redisPrefix: string) => `${redisPrefix}:socket.io`;

/** Commands the adapter sends without handling their promise: a failure while Redis is away is counted and dropped. */
const UNAWAITED = new Set(['publish', 'set']);

/**
 * socket.io's Redis Streams adapter for one process (an API server's, or a publisher's without sockets): broadcasts
 * go into one Redis stream (`<prefix>:socket.io`), which every process reads and from which a reconnecting socket's
 * missed events are replayed (connection state recovery, its session kept under `<prefix>:socket.io:session:`);
 * server-side emits (queue deltas) go through pub/sub on `<prefix>:socket.io#/live#`.
 *
 * Writes fail fast while Redis is away (a broadcast is still delivered to this process's sockets, the stream misses
 * it, and it is counted in `kouan_live_publish_dropped_total`); the stream's reader and the subscriber are clients of
 * their own that wait for Redis and resume where they were (the reader from its last entry, the subscriber by ioredis'
 * `autoResubscribe`).
 */
export class StreamsAdapter {
  /** The writing client: `onReconnected` listeners watch it. */
  readonly redis: Redis;
  readonly create: ReturnType<typeof createAdapter>;
  private readonly readers: Redis[] = [];

  constructor(env: Pick<Env, 'redis' | 'redisPrefix'>, name: string, logger: Logger) {
    this.redis = createRedis(env.redis, name, FAIL_FAST);
    const drop = dropReporter(name, logger);
    const readers = this.readers;
    // The adapter duplicates the client it is given for its blocking XREAD and its SUBSCRIBE: those must wait for
    // Redis rather than fail fast (a BLOCK read outlives FAIL_FAST's command timeout, a subscribe made while
    // connecting would be refused), so `duplicate` hands out patient clients of its own.
    const client = new Proxy(this.redis, {
      get(target, prop) {
        if (prop === 'duplicate') {
          return () => {
            const reader = createRedis(env.redis, `${name}-read`, { maxRetriesPerRequest: null, lazyConnect: true });
            readers.push(reader);
            return reader;
          };
        }
        // The adapter then connects each duplicate and waits for it to be ready before its SUBSCRIBE and first XREAD:
        // issued while connecting, a subscriber was seen never to subscribe (an API that heard no queue delta).
        if (prop === 'options') return { ...target.options, lazyConnect: true };
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const call = (value as (...a: unknown[]) => unknown).bind(target);
        if (typeof prop !== 'string' || !(UNAWAITED.has(prop) || prop === 'xadd')) return call;
        return (...args: unknown[]) =>
          (call(...args) as Promise<unknown>).catch((err: Error) => {
            drop(err);
            // A broadcast awaits its XADD (and still reaches this process's sockets when it fails).
            if (prop === 'xadd') throw err;
            return null;
          });
      },
    });
    this.create = createAdapter(client, {
      streamName: socketIoKey(env.redisPrefix),
      channelPrefix: socketIoKey(env.redisPrefix),
      sessionKeyPrefix: `${socketIoKey(env.redisPrefix)}:session:`,
      // Every live event is JSON: the stream keeps it as JSON, no msgpack round trip.
      onlyPlaintext: true,
    });
  }

  /**
   * After the server's adapters are closed: ends the reader and the subscriber at once (not at the reader's next BLOCK
   * timeout), and the writer once what it was sending is sent.
   */
  async close(): Promise<void> {
    for (const reader of this.readers) reader.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
