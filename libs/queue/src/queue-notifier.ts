import { Injectable, Logger } from '@nestjs/common';
import { LivePublisher } from '@kouan/realtime/live.publisher';
import { QueueReadService } from './queue-read.service';

/**
 * Tells every client about a committed queue change: one snapshot read, one publish. The change has happened
 * whatever this does, so a failed read or publish is logged, never thrown: staff must not see a 500 for a call
 * that took place and call again. Clients order what arrives by version, so callers need not wait for it.
 */
@Injectable()
export class QueueNotifier {
  private readonly logger = new Logger(QueueNotifier.name);

  constructor(
    private readonly reader: QueueReadService,
    private readonly live: LivePublisher,
  ) {}

  async changed(port: string, direction: string, touched: string[] = []): Promise<void> {
    try {
      this.live.queue(await this.reader.snapshot(port, direction, touched));
    } catch (e) {
      this.logger.error({ err: e, port, direction }, 'could not publish a queue change');
    }
  }
}
