import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Clock } from '@kouan/common';
import { AppConfig, type RedisConnection } from '@kouan/config';
import { createRedis, readyWithin, REDIS, warnGate } from '@kouan/db';
import { SessionsRepository } from './sessions.repository';

type Listener = (sids: ReadonlySet<string>) => void;

/**
 * The sessions ended lately, in memory in every API process: the AuthGuard and the socket handshake refuse an access
 * token whose `sid` is here, at the cost of one Map lookup per request (no I/O on the hot path). A session is kept
 * for JWT_TTL_SECONDS after it ends, the longest any of its access tokens can still be valid.
 * How it spreads: the process that ends a session adds it here at once, then publishes its id on Redis; every
 * process adds what it hears and tells its listeners (the gateway disconnects that session's sockets). After
 * starting, and whenever its Redis subscriber connects again, a process reads the ends of the last JWT_TTL_SECONDS
 * from Postgres, so a message lost while Redis was away is made up. While Redis is away, another process learns of
 * an end only when it returns (or the access token expires, at most JWT_TTL_SECONDS later): docs/operations.md.
 */
@Injectable()
export class SessionRevocations implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRevocations.name);
  private readonly gate = warnGate();
  /** sid → when it may be forgotten (ms). */
  private readonly ended = new Map<string, number>();
  private readonly listeners: Listener[] = [];
  private readonly channel: string;
  private readonly keepMs: number;
  private readonly connection: RedisConnection;
  private sub?: Redis;

  constructor(
    config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly repo: SessionsRepository,
    private readonly clock: Clock,
  ) {
    this.channel = `${config.env.redisPrefix}:sessions:ended`;
    this.keepMs = config.env.jwtTtlSeconds * 1000;
    this.connection = config.env.redis;
  }

  async onModuleInit(): Promise<void> {
    await this.catchUp();
    this.sub = createRedis(this.connection, 'sessions-ended', { maxRetriesPerRequest: null });
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.add(String(message).split(',').filter(Boolean));
    });
    // Each (re)connection: anything ended while this process was not listening is read from Postgres.
    this.sub.on('ready', () => void this.catchUp());
    void this.sub.subscribe(this.channel).catch(() => undefined);
    await readyWithin(this.sub, 3000);
  }

  async onApplicationShutdown(): Promise<void> {
    this.sub?.disconnect();
  }

  isEnded(sid: string): boolean {
    const until = this.ended.get(sid);
    return until !== undefined && until > this.clock.now().getTime();
  }

  /** `listener` hears every batch of sessions ended (here or in another process). */
  onEnded(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Sessions this process has just ended (committed): here at once, elsewhere through Redis. */
  async announce(sids: string[]): Promise<void> {
    if (!sids.length) return;
    this.add(sids);
    try {
      await this.redis.publish(this.channel, sids.join(','));
    } catch (err) {
      if (this.gate.due())
        this.logger.warn(
          { err: { message: (err as Error).message } },
          'session ends not published (Redis); other processes catch up when it returns',
        );
    }
  }

  private add(sids: string[]): void {
    const now = this.clock.now().getTime();
    for (const [sid, until] of this.ended) if (until <= now) this.ended.delete(sid);
    const fresh = new Set<string>();
    for (const sid of sids) {
      if (!this.ended.has(sid)) fresh.add(sid);
      this.ended.set(sid, now + this.keepMs);
    }
    if (fresh.size) for (const l of this.listeners) l(fresh);
  }

  private async catchUp(): Promise<void> {
    try {
      const since = new Date(this.clock.now().getTime() - this.keepMs);
      this.add(await this.repo.endedSince(since));
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'could not read ended sessions from Postgres');
    }
  }
}
