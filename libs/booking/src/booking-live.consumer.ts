import { Injectable } from '@nestjs/common';
import type { BookingUpdate, DeclarationUpdate } from '@kouan/realtime';
import { LivePublisher } from '@kouan/realtime';
import { BookingEventConsumer, ConsumesBookingEvents, DomainEvent } from './booking-events';

/** Changes to a booking outside any queue: the queue's own changes reach drivers and firms through its deltas. */
const OUTSIDE_QUEUE = new Set<DomainEvent['type']>(['booking.cancelled', 'booking.rescheduled']);

/**
 * The live side of booking events: a cancelled or rescheduled booking's driver and firm get a booking:update, and a
 * declaration filed, answered or reopened a declaration:update. Repeating one is harmless (the same state again).
 */
@Injectable()
@ConsumesBookingEvents('live')
export class BookingLiveConsumer implements BookingEventConsumer {
  constructor(private readonly live: LivePublisher) {}

  relayed(events: DomainEvent[]): void {
    for (const e of events) {
      if (e.type === 'booking.declaration_updated') this.declaration(e);
      else if (OUTSIDE_QUEUE.has(e.type)) this.booking(e);
    }
  }

  private booking(e: DomainEvent): void {
    const update: BookingUpdate = {
      bookingId: e.bookingId,
      reference: e.data.reference,
      status: e.data.status,
      position: null,
      etaMinutes: null,
      reason: e.data.status === 'cancelled' ? 'cancelled' : 'not_checked_in',
      parking: null,
      lane: null,
      atLaneAt: null,
      instructions: null,
    };
    this.live.booking(e.firmId, update);
  }

  /** The payload the socket has always carried: `{bookingId, status, note}`, status being the declaration's. */
  private declaration(e: DomainEvent): void {
    const update: DeclarationUpdate = {
      bookingId: e.bookingId,
      status: e.data.declarationStatus as DeclarationUpdate['status'],
      note: (e.data.note as string | null) ?? null,
    };
    this.live.declaration(e.firmId, update);
  }
}
