import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { Env } from '@kouan/config';
import { CoalescingWsServer } from './coalescing-ws-server';
import { StreamsAdapter } from './streams-adapter';

/**
 * socket.io over the Redis Streams adapter: rooms and broadcasts span every API process sharing Redis, and a socket
 * cut off for less than LIVE_RECOVERY_MS (2 min) comes back with its rooms and the broadcasts it missed (connection
 * state recovery; its session is kept in Redis, so it may come back on another process). The handshake's token is
 * checked again on a recovered connection (`skipMiddlewares: false`). While Redis is away, writes fail fast and are
 * dropped; the reader and the subscriber wait for it and resume, so live updates go on with the next change. A
 * websocket's frames of one turn of the event loop leave in one write (`CoalescingWsServer`).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly streams: StreamsAdapter;

  constructor(
    app: INestApplicationContext,
    private readonly env: Env,
    private readonly serverOptions: Partial<ServerOptions> = {},
  ) {
    super(app);
    this.streams = new StreamsAdapter(env, 'socket.io', new Logger(RedisIoAdapter.name));
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      ...this.serverOptions,
      wsEngine: CoalescingWsServer,
      connectionStateRecovery: { maxDisconnectionDuration: this.env.liveRecoveryMs, skipMiddlewares: false },
    } as ServerOptions) as Server;
    server.adapter(this.streams.create);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await this.streams.close();
  }
}
