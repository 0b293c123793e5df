import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one, OutboxRepository } from '@kouan/common';
import type { DomainEvent } from './booking-events';

interface EventRow {
  seq: string;
  id: string;
  type: DomainEvent['type'];
  booking_id: string;
  firm_id: string;
  occurred_at: Date;
  data: DomainEvent['data'];
}

/** A dead letter as the port admin sees it. */
export interface DeadLetterRow {
  id: string;
  consumer: string;
  attempts: number;
  last_error: string;
  failed_at: Date;
  parked_at: Date;
  replay_requested: boolean;
  event_seq: string;
  event_id: string;
  type: DomainEvent['type'];
  booking_id: string;
  occurred_at: Date;
}

const toEvent = (r: EventRow): DomainEvent => ({
  seq: r.seq,
  id: r.id,
  type: r.type,
  bookingId: r.booking_id,
  firmId: r.firm_id,
  occurredAt: r.occurred_at.toISOString(),
  data: r.data,
});

/**
 * The outbox's statements (booking_events and booking_event_failures are this lib's tables): what the relay claims,
 * marks and counts, and the dead letters (OutboxRepository, shared with the port outbox).
 */
@Injectable()
export class BookingEventsRepository extends OutboxRepository<DomainEvent, EventRow, DeadLetterRow> {
  constructor(@InjectDataSource() ds: DataSource) {
    super(
      ds,
      {
        events: 'booking_events',
        failures: 'booking_event_failures',
        eventColumns: 'e.seq, e.id, e.type, e.booking_id, e.firm_id, e.occurred_at, e.data',
        deadLetterColumns: `f.id, f.consumer, f.attempts, f.last_error, f.failed_at, f.parked_at, f.replay_requested,
          f.event_seq, e.id AS event_id, e.type, e.booking_id, e.occurred_at`,
      },
      toEvent,
    );
  }

  /** Whether at least `n` events wait for the relay (a walk of the unrelayed index that stops at n). */
  async backlogAtLeast(n: number): Promise<boolean> {
    const r = await one<{ behind: boolean }>(
      this.ds,
      'SELECT count(*) >= $1 AS behind FROM (SELECT 1 FROM booking_events WHERE relayed_at IS NULL LIMIT $1) x',
      [n],
    );
    return Boolean(r?.behind);
  }

  /**
   * The events as the audit trail records them, as one SELECT over this lib's outbox for the audit lib to insert
   * from (no round trip through Node): when, what, who (the event's actor), and the booking's status before (the
   * status its previous event left; a booking's events are in its order, each change locking its row).
   * $1 = the events' seqs.
   */
  static readonly AUDIT_ROWS = `
    SELECT e.occurred_at AS at, e.type, e.actor, e.port_code, e.booking_id,
           e.data || jsonb_build_object('before', (SELECT p.data->>'status' FROM booking_events p
                                                   WHERE p.booking_id = e.booking_id AND p.seq < e.seq ORDER BY p.seq DESC LIMIT 1)) AS data
    FROM booking_events e WHERE e.seq = ANY($1::bigint[]) ORDER BY e.seq`;
}
