import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import { AppConfig } from '@kouan/config';
import { BookingUpdate, LIVE_NAMESPACE, LaneUpdate, QUEUE_SNAPSHOT_EVENT, QueueSnapshot, rooms, ServerToClientEvents, SlotsUpdate } from './live-events';

/** The Redis key the socket.io adapter and this emitter share. */
export const socketIoKey = (redisPrefix: string) => `${redisPrefix}:socket.io`;

/**
 * Publishes live events through the socket.io Redis adapter's channels, so they reach the clients of every
 * API process alike, and work from the worker too. Call it only after the transaction that made the change
 * has committed.
 */
@Injectable()
export class LivePublisher implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly emitter: Emitter<ServerToClientEvents>;

  constructor(config: AppConfig) {
    this.redis = new Redis(config.env.redisUrl, { maxRetriesPerRequest: 2 });
    this.emitter = new Emitter<ServerToClientEvents>(this.redis, { key: socketIoKey(config.env.redisPrefix) }).of(LIVE_NAMESPACE);
  }

  queue(snapshot: QueueSnapshot): void {
    this.emitter.serverSideEmit(QUEUE_SNAPSHOT_EVENT, snapshot);
  }

  lane(port: string, direction: string, update: LaneUpdate): void {
    this.emitter.to([rooms.board(port, direction), rooms.staff(port)]).emit('lane:update', update);
  }

  /** A change to one booking outside any queue (cancel, reschedule): its driver and its firm hear of it. */
  booking(firmId: string, update: BookingUpdate): void {
    this.emitter.to([rooms.booking(update.bookingId), rooms.firm(firmId)]).emit('booking:update', update);
  }

  slots(update: SlotsUpdate): void {
    this.emitter.to(rooms.board(update.port, update.direction)).emit('slots:update', update);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
