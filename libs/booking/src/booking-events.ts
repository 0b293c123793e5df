import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BOOKING_EVENT_TYPES, type BookingEventType } from './booking-event-types';
import type { BookingStatus } from './booking-status';

export { BOOKING_EVENT_TYPES, type BookingEventType };

/**
 * Events whose change this lib audits itself, in the change's transaction and with more than the event carries
 * (a declaration's documents, its status before, a reopen's reason: `declaration.*` entries, docs/audit.md). The
 * audit trail's consumer does not copy them, so each change is in the trail once.
 */
export const AUDITED_WITH_THE_CHANGE: ReadonlySet<BookingEventType> = new Set<BookingEventType>([
  'booking.declaration_updated',
]);

/** The event a move to `status` produces. */
export const EVENT_OF: Record<Exclude<BookingStatus, 'booked'>, BookingEventType> = {
  checked_in: 'booking.checked_in',
  called: 'booking.called',
  completed: 'booking.completed',
  cancelled: 'booking.cancelled',
  no_show: 'booking.no_show',
};

/** What every event says about its booking (`data`); some types add fields (laneId, reason, slotId...). */
export interface BookingEventData {
  bookingId: string;
  reference: string;
  status: BookingStatus;
  portCode: string;
  direction: string;
  [more: string]: unknown;
}

/** One committed event as its consumers get it (and as a webhook body carries it: id, type, occurredAt, data). */
export interface DomainEvent {
  seq: string;
  id: string;
  type: BookingEventType;
  bookingId: string;
  firmId: string;
  occurredAt: string;
  data: BookingEventData;
}

export const EVENT_CONSUMER = 'kouan:event-consumer';

/** A class marked @ConsumesBookingEvents, recorded when the decorator ran (before any module is built). */
export interface DeclaredConsumer {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  target: Function;
}

const declaredConsumers: DeclaredConsumer[] = [];

/**
 * Marks a provider as a consumer of booking events; the relay (apps/worker) finds every one, and hands each batch
 * to all of them in `seq` order. The class is recorded as it is declared: the worker refuses to boot when a
 * declared consumer is not among its providers (it would never run, and nothing would notice).
 */
export const ConsumesBookingEvents =
  (name: string): ClassDecorator =>
  (target) => {
    declaredConsumers.push({ name, target });
    SetMetadata(EVENT_CONSUMER, name)(target);
  };

/** Every class declared a consumer so far in this process (those of every module loaded). */
export const declaredBookingEventConsumers = (): readonly DeclaredConsumer[] => declaredConsumers;

export interface BookingEventConsumer {
  /**
   * Inside the relay's transaction, which also marks the events relayed: what a consumer writes with `em` happens
   * exactly once per event.
   */
  handle?(em: EntityManager, events: DomainEvent[]): Promise<void>;
  /**
   * After that transaction committed: effects outside the database (a publish). At least once: a crash between the
   * commit and this loses it, a failed batch repeats it, so repeating must not matter (each event has its id).
   */
  relayed?(events: DomainEvent[]): void;
}
