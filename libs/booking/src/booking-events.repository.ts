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

const DEAD_LETTER = `f.id, f.consumer, f.attempts, f.last_error, f.failed_at, f.parked_at, f.replay_requested,
  f.event_seq, e.id AS event_id, e.type, e.booking_id, e.occurred_at`;

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

  /**
   * Marks the events relayed at `at`, and forgets the failures of their consumers that were not parked (a consumer
   * that failed on an event and then took it).
   */
  async markRelayed(em: EntityManager, events: DomainEvent[], at: Date): Promise<void> {
    await em.query(
      `WITH relayed AS (UPDATE booking_events SET relayed_at = $2::timestamptz WHERE seq = ANY($1::bigint[]))
       DELETE FROM booking_event_failures WHERE event_seq = ANY($1::bigint[]) AND parked_at IS NULL`,
      [events.map((e) => e.seq), at],
    );
  }

  /** How often each consumer has failed on the event so far (consumers without a failure are absent). */
  async failures(em: EntityManager, seq: string): Promise<Map<string, number>> {
    const found = await rows<{ consumer: string; attempts: number }>(
      em,
      'SELECT consumer, attempts FROM booking_event_failures WHERE event_seq = $1',
      [seq],
    );
    return new Map(found.map((r) => [r.consumer, r.attempts]));
  }

  /** Counts one more failure of `consumer` on the event; `park` makes it a dead letter at `at`. */
  async recordFailure(em: EntityManager, seq: string, consumer: string, error: string, at: Date, park: boolean) {
    await em.query(
      `INSERT INTO booking_event_failures AS f (event_seq, consumer, attempts, last_error, failed_at, parked_at)
       VALUES ($1, $2, 1, $3, $4::timestamptz, CASE WHEN $5::boolean THEN $4::timestamptz END)
       ON CONFLICT ON CONSTRAINT uq_booking_event_failures_event_consumer DO UPDATE
       SET attempts = f.attempts + 1, last_error = EXCLUDED.last_error, failed_at = EXCLUDED.failed_at,
           parked_at = COALESCE(f.parked_at, EXCLUDED.parked_at)`,
      [seq, consumer, error.slice(0, 500), at, park],
    );
  }

  /** Dead letters whose replay a port admin asked for, oldest event first, locked for this transaction. */
  async claimReplays(
    em: EntityManager,
    limit: number,
  ): Promise<Array<{ id: string; consumer: string; event: DomainEvent }>> {
    const found = await rows<EventRow & { failure_id: string; consumer: string }>(
      em,
      `SELECT f.id AS failure_id, f.consumer, e.seq, e.id, e.type, e.booking_id, e.firm_id, e.occurred_at, e.data
       FROM booking_event_failures f JOIN booking_events e ON e.seq = f.event_seq
       WHERE f.replay_requested ORDER BY f.event_seq, f.id LIMIT $1 FOR UPDATE OF f SKIP LOCKED`,
      [limit],
    );
    return found.map((r) => ({ id: r.failure_id, consumer: r.consumer, event: toEvent(r) }));
  }

  /** The consumer took its replayed event: the dead letter is gone. */
  async replayed(em: EntityManager, id: string): Promise<void> {
    await em.query('DELETE FROM booking_event_failures WHERE id = $1', [id]);
  }

  /** The replay failed too: counted, and parked again until the next request. */
  async replayFailed(em: EntityManager, id: string, error: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE booking_event_failures SET attempts = attempts + 1, last_error = $2, failed_at = $3::timestamptz,
         replay_requested = false WHERE id = $1`,
      [id, error.slice(0, 500), at],
    );
  }

  /** The dead letters (events parked for a consumer), oldest first. */
  deadLetters(limit: number, offset: number): Promise<DeadLetterRow[]> {
    return rows<DeadLetterRow>(
      this.ds,
      `SELECT ${DEAD_LETTER} FROM booking_event_failures f JOIN booking_events e ON e.seq = f.event_seq
       WHERE f.parked_at IS NOT NULL ORDER BY f.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
  }

  async countDeadLetters(): Promise<number> {
    const r = await one<{ n: number }>(
      this.ds,
      'SELECT count(*)::int AS n FROM booking_event_failures WHERE parked_at IS NOT NULL',
    );
    return r?.n ?? 0;
  }

  /** Asks the relay to hand a dead letter to its consumer again; undefined when there is no such dead letter. */
  requestReplay(id: string): Promise<DeadLetterRow | undefined> {
    return one<DeadLetterRow>(
      this.ds,
      `UPDATE booking_event_failures f SET replay_requested = true FROM booking_events e
       WHERE f.id = $1 AND f.parked_at IS NOT NULL AND e.seq = f.event_seq RETURNING ${DEAD_LETTER}`,
      [id],
    );
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
