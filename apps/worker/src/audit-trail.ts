import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { BookingEventConsumer, ConsumesBookingEvents, DomainEvent } from '@kouan/booking/booking-events';
import { BookingEventsRepository } from '@kouan/booking/booking-events.repository';
import { PollingLoop } from '@kouan/jobs/polling-loop';

/** How often pending entries are chained: a new entry is in the verifiable chain within about a second. */
const CHAIN_POLL_MS = 500;

/**
 * Every booking event into the audit trail, in the relay's transaction (so exactly once, with its actor and the
 * status before); and the loop that chains what is pending, booking events and staff actions alike.
 */
@Injectable()
@ConsumesBookingEvents('audit')
export class AuditTrail implements BookingEventConsumer, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditTrail.name);
  private readonly loop = new PollingLoop('chaining the audit trail', () => this.audit.chain().then((n) => n > 0), this.logger, CHAIN_POLL_MS);

  constructor(
    private readonly audit: AuditService,
    private readonly events: BookingEventsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  async handle(em: EntityManager, events: DomainEvent[]): Promise<void> {
    const found = await this.events.forAudit(em, events);
    await this.audit.enqueue(em, found.map((e) => ({
      at: e.occurred_at, type: e.type, actor: e.actor, portCode: e.port_code, bookingId: e.booking_id, data: e.data,
    })));
  }

  relayed(): void {
    void this.loop.wake();
  }
}
