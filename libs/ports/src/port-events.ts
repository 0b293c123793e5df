import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DeviceUpdate, GateAlert, GateReadUpdate, QueueDelta } from '@kouan/realtime';
import type { Direction, LaneStatus } from './entities/lane.entity';
import type { FeeItem } from './entities/fee-schedule.entity';
import type { ScheduleResponseDto } from './dto/schedule.dto';
import type { AcceptanceWindow, CounterpartStatusValue } from './entities/counterpart.entity';
import type { IncidentKind } from './entities/incident.entity';

/**
 * What each port event says (`data`), by type. A port event has no booking: booking_events (the booking lib's
 * outbox) carries what happens to a booking, this one what happens to a port's lanes, settings, slots and queues.
 */
export interface PortEventDataOf {
  /** A lane opened, paused or closed (port staff). */
  'lane.status_changed': { laneId: string; lane: string; direction: Direction; before: LaneStatus; status: LaneStatus };
  /** The port's schedule replaced (port admin): the whole schedule before and after. */
  'schedule.changed': { before: ScheduleResponseDto | null; after: ScheduleResponseDto };
  /** A new version of the port's fees (port admin). */
  'fees.published': { version: number; effectiveFrom: string; currency: string; items: FeeItem[] };
  /** A slot's counter after a booking took or gave back a place. */
  'slots.changed': { slotId: string; booked: number; capacity: number };
  /** A queue change, as the delta its transaction read (its version included). */
  'queue.changed': QueueDelta;
  /** A gate camera's plate read, stored with its outcome (every read); `alert` when it is a truck at the wrong lane. */
  'gate.read': { read: GateReadUpdate; alert: GateAlert | null };
  /** The far side of the border said it is open, slowed or closed (its officer or the port admin). */
  'counterpart.status': {
    status: CounterpartStatusValue;
    reason: string;
    reasons: Record<string, string>;
    until: string | null;
  };
  /** The far side stated how many of our export trucks it takes per window on a date (its slots' capacity follows). */
  'counterpart.acceptance': {
    date: string;
    windows: AcceptanceWindow[];
    reason: string | null;
  };
  /** Port staff opened an incident (a `closure` stops the port's calls while open); relayed to a paired far side. */
  'incident.opened': { id: string; kind: IncidentKind; message: string; until: string | null };
  /** Port staff closed an incident. */
  'incident.closed': { id: string };
  /** Staff called a truck past what stops calls (a closed far side, a closure): who, where, and past what. */
  'call.forced': {
    laneId: string;
    lane: string;
    direction: Direction;
    bookingId: string;
    reference: string;
    past: Array<{ code: 'counterpart_closed' | 'port_incident'; reason: string }>;
  };
  /** A gate camera registered, removed, given a new key, or gone offline or online again (the gate lib). */
  'device.changed': DeviceUpdate;
}

export type PortEventType = keyof PortEventDataOf;
export type PortEventData = PortEventDataOf[PortEventType];

/** A port event to append: its type and data, the port and (for a lane, a slot, a queue) the direction. */
export type NewPortEvent = {
  [T in PortEventType]: { type: T; portCode: string; direction: Direction | null; data: PortEventDataOf[T] };
}[PortEventType];

/** One committed port event as its consumers get it. */
export type PortEvent = NewPortEvent & { seq: string; occurredAt: string };

export const PORT_EVENT_CONSUMER = 'kouan:port-event-consumer';

/** A class marked @ConsumesPortEvents, recorded when the decorator ran (before any module is built). */
export interface DeclaredPortEventConsumer {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  target: Function;
}

const declaredConsumers: DeclaredPortEventConsumer[] = [];

/**
 * Marks a provider as a consumer of port events; the worker's relay finds every one and hands each batch to all of
 * them in `seq` order, as it does booking events to @ConsumesBookingEvents. Recorded as it is declared: the worker
 * refuses to boot when a declared consumer is not among its providers.
 */
export const ConsumesPortEvents =
  (name: string): ClassDecorator =>
  (target) => {
    declaredConsumers.push({ name, target });
    SetMetadata(PORT_EVENT_CONSUMER, name)(target);
  };

/** Every class declared a port-event consumer so far in this process. */
export const declaredPortEventConsumers = (): readonly DeclaredPortEventConsumer[] => declaredConsumers;

export interface PortEventConsumer {
  /** Inside the relay's transaction, which also marks the events relayed: exactly once per event. */
  handle?(em: EntityManager, events: PortEvent[]): Promise<void>;
  /** After that transaction committed: effects outside the database (a publish); at least once. */
  relayed?(events: PortEvent[]): void;
}
