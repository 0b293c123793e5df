import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';
import { DomainError } from '@kouan/common';
import { warnGate } from '@kouan/db';

/**
 * Fixed-window counter in Redis, so every API process shares one count per caller. Returns
 * [hits, ms to window end, ms to block end].
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked < 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}
`;

/**
 * Counters in Redis. When Redis does not answer (the client fails fast), a throttler named in `failClosed`
 * refuses with 503 `unavailable` (sign-in must not become unlimited guessing), any other lets the request
 * through (an anonymous read is better served unthrottled for a while than not at all).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly gate = warnGate();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly failClosed: ReadonlySet<string>,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}:throttle:${name}:${key}`;
    let reply: [number, number, number];
    try {
      reply = (await this.redis.eval(INCREMENT, 2, base, `${base}:blocked`, ttl, limit, blockDuration)) as [
        number,
        number,
        number,
      ];
    } catch (err) {
      this.warn(err as Error);
      if (this.failClosed.has(name)) {
        throw new DomainError(
          'unavailable',
          'sign-in is briefly unavailable (its rate limiter cannot be reached); try again shortly',
        );
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
    const [hits, ttlMs, blockMs] = reply;
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000),
      isBlocked: blockMs > 0,
      timeToBlockExpire: Math.ceil(Math.max(blockMs, 0) / 1000),
    };
  }

  private warn(err: Error): void {
    if (!this.gate.due()) return;
    this.logger.warn({ err: { message: err.message } }, 'rate-limit counters unreachable');
  }
}
