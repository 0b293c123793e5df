import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxRepository, rows } from '@kouan/common';
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

/** SQL, ports-owned: the insert of one event whose values are parameters `$first` … `$first + 4` (portEventParams). */
const APPEND = (first: number) =>
  `INSERT INTO port_events (port_code, direction, type, data, actor, occurred_at)
   VALUES ($${first}, $${first + 1}, $${first + 2}, $${first + 3}::jsonb, kouan_actor(), $${first + 4}::timestamptz)`;

/**
 * SQL, ports-owned: one event appended by another lib's statement, as a CTE named `pe` whose values are that
 * statement's parameters `$first` … `$first + 4`, given by `portEventParams` (a gate read stores its row and its
 * `gate.read` in one round trip). Its actor is the transaction's (kouan_actor()), as `append`'s.
 */
export const PORT_EVENT = (first: number) => `pe AS (${APPEND(first)})`;

/** The parameters of PORT_EVENT and of `append`, in their order. */
export const portEventParams = (e: NewPortEvent, at: Date): unknown[] => [
  e.portCode,
  e.direction,
  e.type,
  JSON.stringify(e.data),
  at,
];

/**
 * The port's outbox (port_events, port_event_failures: this lib's tables): the append a change makes in its
 * transaction, and what the worker's relay claims, marks and counts, as BookingEventsRepository does for booking
 * events.
 */
@Injectable()
export class PortEventsRepository extends OutboxRepository<PortEvent, PortEventRow, PortDeadLetterRow> {
  constructor(@InjectDataSource() ds: DataSource) {
    super(
      ds,
      {
        events: 'port_events',
        failures: 'port_event_failures',
        eventColumns: 'e.seq, e.port_code, e.direction, e.type, e.data, e.occurred_at',
        deadLetterColumns: `f.id, f.consumer, f.attempts, f.last_error, f.failed_at, f.parked_at, f.replay_requested,
          f.event_seq, e.type, e.port_code, e.direction, e.occurred_at`,
      },
      toEvent,
    );
  }

  /** Appends one event in the caller's transaction; its actor is the transaction's (kouan_actor()). */
  async append(em: EntityManager, e: NewPortEvent, at: Date): Promise<void> {
    // Prepared: every queue change and staff action appends one, most of them under a lock.
    await rows(em, APPEND(1), portEventParams(e, at), { prepare: true });
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
