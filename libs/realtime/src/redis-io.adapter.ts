import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { Env } from '@kouan/config';
import { createRedis, droppingPublisher, FAIL_FAST } from '@kouan/db';
import { dropReporter, socketIoKey } from './live.publisher';

/**
 * socket.io over the Redis adapter: rooms and broadcasts span every API process sharing REDIS_URL. While
 * Redis is away, publishing fails fast and is dropped; the subscriber reconnects and re-subscribes by itself
 * (ioredis `autoResubscribe`), so live updates resume with the next change.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly env: Env,
    private readonly serverOptions: Partial<ServerOptions> = {},
  ) {
    super(app);
    this.pub = createRedis(env.redis, 'socket.io-pub', FAIL_FAST);
    this.sub = createRedis(env.redis, 'socket.io-sub', { maxRetriesPerRequest: null });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, ...this.serverOptions } as ServerOptions) as Server;
    const pub = droppingPublisher(this.pub, dropReporter('socket.io-pub', new Logger(RedisIoAdapter.name)));
    server.adapter(createAdapter(pub, this.sub, { key: socketIoKey(this.env.redisPrefix) }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
