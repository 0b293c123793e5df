import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Direction, PortEvents } from '@kouan/ports';
import type { QueueDelta } from '@kouan/realtime';
import { LivePublisher } from '@kouan/realtime';

/**
 * Tells every API process about a committed queue change: one small delta per change, read in the change's
 * own transaction (QueueReadService.delta), published once after the commit. The change has happened whatever
 * this does, so publishing never throws and never holds the request (LivePublisher drops what Redis does not
 * take); a process that misses a delta sees the gap in versions and reads the queue afresh.
 *
 * The publish after the commit is the fast path (a driver hears of a call within milliseconds); the delta is also a
 * port event (`queue.changed`, written by `record` in the change's transaction), which the worker's relay publishes
 * again, so a crash between the commit and the publish loses nothing. Every process drops the second copy: its
 * version is at or below the one it keeps (QueueFollower).
 */
@Injectable()
export class QueueNotifier {
  constructor(
    private readonly live: LivePublisher,
    private readonly events: PortEvents,
  ) {}

  /** In the change's transaction: the delta as its port event. Returns the delta. */
  async record(em: EntityManager, delta: QueueDelta, at: Date): Promise<QueueDelta> {
    const direction = delta.direction as Direction;
    await this.events.append(em, { type: 'queue.changed', portCode: delta.port, direction, data: delta }, at);
    return delta;
  }

  changed(delta: QueueDelta): void {
    this.live.queue(delta);
  }
}
