import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import {
  AUDITED_WITH_THE_CHANGE,
  BookingEventConsumer,
  BookingEventsRepository,
  ConsumesBookingEvents,
  DomainEvent,
} from '@kouan/booking';
import { PollingLoop } from '@kouan/jobs';
import { ConsumesPortEvents, PortEvent, PortEventConsumer, PortEventsRepository, PortEventType } from '@kouan/ports';

/** How often pending entries are chained: a new entry is in the verifiable chain within about a second. */
const CHAIN_POLL_MS = 500;
/**
 * Unrelayed events at which the chainer stands aside: during a burst the relay (sockets, webhooks, notifications,
 * which people wait on) gets the machine, and the audit, which nobody waits on by the second, catches up after it.
 * A relay always this far behind is an overload, and the audit then lags with it (docs/audit.md).
 */
const YIELD_TO_RELAY_AT = 500;

/**
 * Every booking event into the audit trail, in the relay's transaction (so exactly once, with its actor and the
 * status before), except those the booking lib audited with the change itself (a declaration's, which its entry
 * tells in more detail); and the loop that chains what is pending, booking events and staff actions alike.
 */
@Injectable()
@ConsumesBookingEvents('audit')
export class AuditTrail implements BookingEventConsumer, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditTrail.name);
  private readonly loop = new PollingLoop('chaining the audit trail', () => this.round(), this.logger, CHAIN_POLL_MS);

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

  /** One batch chained, unless the relay is behind; true while more is waiting. */
  private async round(): Promise<boolean> {
    if (await this.events.backlogAtLeast(YIELD_TO_RELAY_AT)) return false;
    return (await this.audit.chain()) > 0;
  }

  async handle(em: EntityManager, events: DomainEvent[]): Promise<void> {
    const copied = events.filter((e) => !AUDITED_WITH_THE_CHANGE.has(e.type));
    if (copied.length)
      await this.audit.enqueueSelected(em, BookingEventsRepository.AUDIT_ROWS, [copied.map((e) => e.seq)]);
  }

  relayed(): void {
    void this.loop.wake();
  }
}

/** The port events that are staff actions: each is one entry of the trail (docs/audit.md). */
const STAFF_ACTIONS: ReadonlySet<PortEventType> = new Set<PortEventType>([
  'lane.status_changed',
  'schedule.changed',
  'fees.published',
  'counterpart.status',
  'counterpart.acceptance',
  'incident.opened',
  'incident.closed',
  'call.forced',
]);

/** Changes a port admin makes to a gate camera (its offline and online moves are the camera's, not anybody's action). */
const ADMIN_DEVICE_CHANGES: ReadonlySet<string> = new Set(['created', 'deleted', 'key_rotated']);

/**
 * Whether a port event is a staff action: those of STAFF_ACTIONS, a port admin's change to a gate camera, and staff
 * confirming or dismissing a camera's read (the `gate.read` event that carries its resolution).
 */
const isStaffAction = (e: PortEvent): boolean =>
  STAFF_ACTIONS.has(e.type) ||
  (e.type === 'device.changed' && ADMIN_DEVICE_CHANGES.has(e.data.change)) ||
  (e.type === 'gate.read' && e.data.read.resolution !== null);

/**
 * A lane's status, a schedule change, a fee publication, a gate camera's registration, removal or new key, and a
 * camera read staff resolved into the audit trail, from their port events in the
 * relay's transaction (so exactly once, with the actor and instant of the change), under the entry types the trail
 * has always had for them. Slot counts and queue deltas are not staff actions: the bookings' events tell those.
 */
@Injectable()
@ConsumesPortEvents('audit')
export class PortAuditTrail implements PortEventConsumer {
  constructor(
    private readonly audit: AuditService,
    private readonly trail: AuditTrail,
  ) {}

  async handle(em: EntityManager, events: PortEvent[]): Promise<void> {
    const copied = events.filter(isStaffAction);
    if (copied.length)
      await this.audit.enqueueSelected(em, PortEventsRepository.AUDIT_ROWS, [copied.map((e) => e.seq)]);
  }

  relayed(events: PortEvent[]): void {
    if (events.some(isStaffAction)) this.trail.relayed();
  }
}
