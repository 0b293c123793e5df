import { Injectable } from '@nestjs/common';
import type { QueueDelta } from '@kouan/realtime';
import { LivePublisher } from '@kouan/realtime';

/**
 * Tells every API process about a committed queue change: one small delta per change, read in the change's
 * own transaction (QueueReadService.delta), published once after the commit. The change has happened whatever
 * this does, so publishing never throws and never holds the request (LivePublisher drops what Redis does not
 * take); a process that misses a delta sees the gap in versions and reads the queue afresh.
 */
@Injectable()
export class QueueNotifier {
  constructor(private readonly live: LivePublisher) {}

  changed(delta: QueueDelta): void {
    this.live.queue(delta);
  }
}
