import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { BookingEventConsumer, ConsumesBookingEvents, DomainEvent } from '@kouan/booking';
import { LivePublisher } from '@kouan/realtime';
import { YardService } from './yard.service';

/** Events that change a yard view: its called list (a call, a truck put back, completed, gone, arrived) or the line. */
const CHANGES_YARD = new Set<DomainEvent['type']>([
  'booking.checked_in',
  'booking.called',
  'booking.requeued',
  'booking.completed',
  'booking.no_show',
  'booking.yard_arrived',
]);

/**
 * yard:update after the relay's commit: the whole yard view of each port and direction a batch touched, read
 * afresh (it is small). Reads and publishes run one at a time, so views go out in the order they were read, and a
 * burst that touches one queue many times while a read runs costs one more read, not one per event. Outside the
 * relay's transaction: a failed read is logged and never holds the outbox; the next change sends the view again.
 */
@Injectable()
@ConsumesBookingEvents('yard')
export class YardLiveConsumer implements BookingEventConsumer, OnModuleDestroy {
  private readonly logger = new Logger(YardLiveConsumer.name);
  private readonly due = new Map<string, { port: string; direction: string }>();
  private draining: Promise<void> | null = null;

  constructor(
    private readonly yard: YardService,
    private readonly live: LivePublisher,
  ) {}

  relayed(events: DomainEvent[]): void {
    for (const e of events) {
      if (CHANGES_YARD.has(e.type))
        this.due.set(`${e.data.portCode} ${e.data.direction}`, { port: e.data.portCode, direction: e.data.direction });
    }
    this.kick();
  }

  /** The worker's database connections close after this: the read running ends first. */
  async onModuleDestroy(): Promise<void> {
    await this.draining;
  }

  private kick(): void {
    if (this.draining || !this.due.size) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Queues marked while a read runs are appended to the map, so this loop reaches them too.
    for (const [key, q] of this.due) {
      this.due.delete(key);
      try {
        this.live.yard(await this.yard.read(q.port, q.direction));
      } catch (e) {
        this.logger.warn(
          { err: { message: (e as Error).message }, port: q.port, direction: q.direction },
          'no yard:update: the yard view could not be read',
        );
      }
    }
  }
}
