import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@kouan/config';
import { createRedis, FAIL_FAST, readyWithin } from './redis-client';

export const REDIS = Symbol('REDIS');

/** Waits briefly for the first connection (commands fail fast until then), and closes it when the app stops. */
@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onModuleInit(): Promise<void> {
    return readyWithin(this.redis, 3000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One shared ioredis connection for the process (throttling, readiness), failing fast while Redis is away.
 * BullMQ and socket.io open their own.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createRedis(config.env.redis, 'shared', FAIL_FAST),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
