import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { Direction } from './entities/lane.entity';
import type { NewPortEvent, PortEvent, PortEventData, PortEventType } from './port-events';

interface PortEventRow {
  seq: string;
  port_code: string;
  direction: Direction | null;
  type: PortEventType;
  data: PortEventData;
  occurred_at: Date;
}

/** A port event parked for a consumer, as the port admin sees it. */
export interface PortDeadLetterRow {
  id: string;
  consumer: string;
  attempts: number;
  last_error: string;
  failed_at: Date;
  parked_at: Date;
  replay_requested: boolean;
  event_seq: string;
  type: PortEventType;
  port_code: string;
  direction: Direction | null;
  occurred_at: Date;
}

const EVENT = 'e.seq, e.port_code, e.direction, e.type, e.data, e.occurred_at';
const DEAD_LETTER = `f.id, f.consumer, f.attempts, f.last_error, f.failed_at, f.parked_at, f.replay_requested,
  f.event_seq, e.type, e.port_code, e.direction, e.occurred_at`;

const toEvent = (r: PortEventRow): PortEvent =>
  ({
    seq: r.seq,
    type: r.type,
    portCode: r.port_code,
    direction: r.direction,
    occurredAt: r.occurred_at.toISOString(),
    data: r.data,
  }) as PortEvent;

/**
 * SQL, ports-owned: a `slots.changed` event for each row of `source` (columns port_code, direction, slot_id, booked,
 * capacity), as a CTE named `pe` for a statement that takes a place in one round trip (the booking lib's booking
 * statement), with the actor and instant as SQL expressions.
 */
export const SLOTS_CHANGED_EVENT = (source: string, actor: string, at: string) => `pe AS (
    INSERT INTO port_events (port_code, direction, type, data, actor, occurred_at)
    SELECT x.port_code, x.direction, 'slots.changed',
           jsonb_build_object('slotId', x.slot_id, 'booked', x.booked, 'capacity', x.capacity), ${actor}, ${at}
    FROM (${source}) x
  )`;

/**
 * The port's outbox (port_events, port_event_failures: this lib's tables): the append a change makes in its
 * transaction, and what the worker's relay claims, marks and counts, as BookingEventsRepository does for booking
 * events.
 */
@Injectable()
export class PortEventsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Appends one event in the caller's transaction; its actor is the transaction's (kouan_actor()). */
  async append(em: EntityManager, e: NewPortEvent, at: Date): Promise<void> {
    await em.query(
      `INSERT INTO port_events (port_code, direction, type, data, actor, occurred_at)
       VALUES ($1, $2, $3, $4::jsonb, kouan_actor(), $5::timestamptz)`,
      [e.portCode, e.direction, e.type, JSON.stringify(e.data), at],
    );
  }

  /** The oldest events not yet relayed, in `seq` order, locked for this transaction. */
  async claim(em: EntityManager, limit: number): Promise<PortEvent[]> {
    const found = await rows<PortEventRow>(
      em,
      `SELECT ${EVENT} FROM port_events e WHERE e.relayed_at IS NULL ORDER BY e.seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return found.map(toEvent);
  }

  /** Marks the events relayed at `at`, and forgets the failures that were not parked. */
  async markRelayed(em: EntityManager, events: PortEvent[], at: Date): Promise<void> {
    await em.query(
      `WITH relayed AS (UPDATE port_events SET relayed_at = $2::timestamptz WHERE seq = ANY($1::bigint[]))
       DELETE FROM port_event_failures WHERE event_seq = ANY($1::bigint[]) AND parked_at IS NULL`,
      [events.map((e) => e.seq), at],
    );
  }

  /** How often each consumer has failed on the event so far. */
  async failures(em: EntityManager, seq: string): Promise<Map<string, number>> {
    const found = await rows<{ consumer: string; attempts: number }>(
      em,
      'SELECT consumer, attempts FROM port_event_failures WHERE event_seq = $1',
      [seq],
    );
    return new Map(found.map((r) => [r.consumer, r.attempts]));
  }

  /** Counts one more failure of `consumer` on the event; `park` makes it a dead letter at `at`. */
  async recordFailure(em: EntityManager, seq: string, consumer: string, error: string, at: Date, park: boolean) {
    await em.query(
      `INSERT INTO port_event_failures AS f (event_seq, consumer, attempts, last_error, failed_at, parked_at)
       VALUES ($1, $2, 1, $3, $4::timestamptz, CASE WHEN $5::boolean THEN $4::timestamptz END)
       ON CONFLICT ON CONSTRAINT uq_port_event_failures_event_consumer DO UPDATE
       SET attempts = f.attempts + 1, last_error = EXCLUDED.last_error, failed_at = EXCLUDED.failed_at,
           parked_at = COALESCE(f.parked_at, EXCLUDED.parked_at)`,
      [seq, consumer, error.slice(0, 500), at, park],
    );
  }

  /** Dead letters whose replay a port admin asked for, oldest event first, locked for this transaction. */
  async claimReplays(
    em: EntityManager,
    limit: number,
  ): Promise<Array<{ id: string; consumer: string; event: PortEvent }>> {
    const found = await rows<PortEventRow & { failure_id: string; consumer: string }>(
      em,
      `SELECT f.id AS failure_id, f.consumer, ${EVENT}
       FROM port_event_failures f JOIN port_events e ON e.seq = f.event_seq
       WHERE f.replay_requested ORDER BY f.event_seq, f.id LIMIT $1 FOR UPDATE OF f SKIP LOCKED`,
      [limit],
    );
    return found.map((r) => ({ id: r.failure_id, consumer: r.consumer, event: toEvent(r) }));
  }

  async replayed(em: EntityManager, id: string): Promise<void> {
    await em.query('DELETE FROM port_event_failures WHERE id = $1', [id]);
  }

  async replayFailed(em: EntityManager, id: string, error: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE port_event_failures SET attempts = attempts + 1, last_error = $2, failed_at = $3::timestamptz,
         replay_requested = false WHERE id = $1`,
      [id, error.slice(0, 500), at],
    );
  }

  /** The dead letters (port events parked for a consumer), oldest first. */
  deadLetters(limit: number, offset: number): Promise<PortDeadLetterRow[]> {
    return rows<PortDeadLetterRow>(
      this.ds,
      `SELECT ${DEAD_LETTER} FROM port_event_failures f JOIN port_events e ON e.seq = f.event_seq
       WHERE f.parked_at IS NOT NULL ORDER BY f.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
  }

  /**
   * Deletes up to `batch` events relayed more than `keepHours` before `at`, none parked for a consumer (their failures
   * that were not parked go with them); how many went.
   */
  async purge(keepHours: number, at: Date, batch: number): Promise<number> {
    const gone = await rows(
      this.ds,
      `DELETE FROM port_events WHERE seq = ANY(ARRAY(
         SELECT e.seq FROM port_events e
         WHERE e.relayed_at < $2::timestamptz - make_interval(hours => $1)
           AND NOT EXISTS (SELECT 1 FROM port_event_failures f WHERE f.event_seq = e.seq AND f.parked_at IS NOT NULL)
         ORDER BY e.seq LIMIT $3))
       RETURNING 1`,
      [keepHours, at, batch],
    );
    return gone.length;
  }

  async countDeadLetters(): Promise<number> {
    const r = await one<{ n: number }>(
      this.ds,
      'SELECT count(*)::int AS n FROM port_event_failures WHERE parked_at IS NOT NULL',
    );
    return r?.n ?? 0;
  }

  /** Asks the relay to hand a dead letter to its consumer again; undefined when there is no such dead letter. */
  requestReplay(id: string): Promise<PortDeadLetterRow | undefined> {
    return one<PortDeadLetterRow>(
      this.ds,
      `UPDATE port_event_failures f SET replay_requested = true FROM port_events e
       WHERE f.id = $1 AND f.parked_at IS NOT NULL AND e.seq = f.event_seq RETURNING ${DEAD_LETTER}`,
      [id],
    );
  }

  /**
   * The events the audit trail records, as one SELECT for the audit lib to insert from: the entry types the trail
   * has always used for these staff actions (`lane.status`, `schedule.updated`, `fees.published`), who and when.
   * $1 = the events' seqs.
   */
  static readonly AUDIT_ROWS = `
    SELECT e.occurred_at AS at,
           CASE e.type WHEN 'lane.status_changed' THEN 'lane.status' WHEN 'schedule.changed' THEN 'schedule.updated'
                       WHEN 'device.changed' THEN 'device.' || (e.data ->> 'change')
                       WHEN 'gate.read' THEN 'gate_read.' || (e.data -> 'read' ->> 'resolution')
                       ELSE e.type END AS type,
           e.actor, e.port_code, NULL::uuid AS booking_id, e.data
    FROM port_events e WHERE e.seq = ANY($1::bigint[]) ORDER BY e.seq`;
}
