import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
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

const toEvent = (r: EventRow): DomainEvent => ({
  seq: r.seq,
  id: r.id,
  type: r.type,
  bookingId: r.booking_id,
  firmId: r.firm_id,
  occurredAt: r.occurred_at.toISOString(),
  data: r.data,
});

/** The outbox's statements (booking_events is this lib's table): what the relay claims and marks. */
@Injectable()
export class BookingEventsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The oldest events not yet relayed, in `seq` order, locked for this transaction. SKIP LOCKED: a second relay
   * never waits on the first (it takes none of the same rows, and the relay's advisory lock keeps it out anyway).
   */
  async claim(em: EntityManager, limit: number): Promise<DomainEvent[]> {
    const found = await rows<EventRow>(
      em,
      `SELECT seq, id, type, booking_id, firm_id, occurred_at, data FROM booking_events
       WHERE relayed_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return found.map(toEvent);
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

  async markRelayed(em: EntityManager, events: DomainEvent[]): Promise<void> {
    await em.query('UPDATE booking_events SET relayed_at = now() WHERE seq = ANY($1::bigint[])', [
      events.map((e) => e.seq),
    ]);
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
