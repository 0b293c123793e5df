import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import { FREE_BAY } from '@kouan/parking';
import type { BookingEventType } from './booking-events';
import { sourcesOf } from './booking-status';

/**
 * Writes the event of the rows a statement's `moved` CTE changed, in that same statement: a change and its
 * announcement commit together or not at all. `moved` returns id, firm_id, port_code, direction, reference and
 * status; `extra` adds fields to `data` (an SQL jsonb expression over `m`, the moved row; NO_EXTRA for none); `actor`
 * (jsonb) is who did it (TX_ACTOR: the transaction's, kouan_actor(), set by inTransaction inside a request, else
 * null); `at` (an SQL timestamptz expression, the statement's Clock instant) is when it occurred, so an event's
 * occurred_at is the instant its move stamps on the booking, never the database's clock.
 */
export const EVENT = (type: BookingEventType, extra: string, actor: string, at: string) => `ev AS (
    INSERT INTO booking_events (type, booking_id, firm_id, port_code, data, actor, occurred_at)
    SELECT '${type}', m.id, m.firm_id, m.port_code,
           jsonb_build_object('bookingId', m.id, 'reference', m.reference, 'status', m.status, 'portCode', m.port_code,
                              'direction', m.direction) || ${extra}, ${actor}, ${at}
    FROM moved m
  )`;

/** EVENT's `extra` and `actor` when the event adds nothing and the actor is the transaction's. */
const NO_EXTRA = `'{}'::jsonb`;
export const TX_ACTOR = 'kouan_actor()';

export const MOVED = 'b.id, b.firm_id, b.port_code, b.direction, b.reference, b.status';

/*
 * The rules over time are judged at an instant the caller passes (`at`, an SQL parameter): the worker's Clock, read
 * once per run, so one run judges every truck at the same instant, and tests can judge at any instant.
 */

/** A booked truck that never arrived before its check-in window closed. */
const MISSED_WINDOW = (at: string) =>
  `b.status = 'booked' AND sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) < ${at}`;

/**
 * A called truck that has not reached its lane within the called timeout (`sc`: its port's schedule). One a lane
 * camera saw at its lane (`at_lane_at`) has arrived: it waits for the lane, not the other way round.
 */
const CALL_TIMED_OUT = (at: string) =>
  `b.status = 'called' AND b.at_lane_at IS NULL AND b.called_at + make_interval(mins => sc.called_timeout_minutes) < ${at}`;

/** Trucks the worker must act on: a missed check-in window, or a call timed out (put back once, then no_show). */
const OVERDUE = (at: string) => `(${MISSED_WINDOW(at)}) OR (${CALL_TIMED_OUT(at)})`;

/** Overdue trucks that become no_show: a missed check-in window, or a call timed out after the truck was put back once. */
const DUE_NO_SHOW = (at: string) => `(${MISSED_WINDOW(at)}) OR (${CALL_TIMED_OUT(at)} AND b.called_timeouts > 0)`;

export interface CheckInMove {
  perishable: boolean;
  /** The green channel's share of the slot: a perishable truck gets it while fewer than `cap` of the slot have. */
  slotId: string;
  priorityCap: number;
  /** Where the truck waits: its port's first free bay (FREE_BAY), powered first when it `needsPower`. */
  port: string;
  needsPower: boolean;
  /** The area the phone or the camera is at: its bays first. */
  preferAreaId: string | null;
  /** The driver's language, and the words telling where to wait in it, with `{bay}` and `{area}` to fill in. */
  language: string;
  instructions: string;
}

/**
 * Every status move of a booking after it was made, each one conditional statement that also writes its event
 * (booking_events). This lib owns `bookings`: the queue moves trucks only through these. Callers that need the
 * queue's order hold its lock (lockQueue in libs/queue/src/queue.repository.ts) before calling.
 */
@Injectable()
export class BookingTransitions {
  /**
   * booked → cancelled by its firm (`firmId`: another firm's booking does not move). The slot whose place the caller
   * frees in the same transaction; undefined when nothing moved.
   */
  cancel(em: EntityManager, id: string, firmId: string, at: Date): Promise<{ slot_id: string } | undefined> {
    return one<{ slot_id: string }>(
      em,
      `WITH moved AS (
         UPDATE bookings b SET status = 'cancelled', cancelled_at = $4, updated_at = $4
         WHERE b.id = $1 AND b.firm_id = $2 AND b.status = ANY($3) RETURNING ${MOVED}, b.slot_id
       ), ${EVENT('booking.cancelled', NO_EXTRA, TX_ACTOR, '$4::timestamptz')}
       SELECT slot_id FROM moved`,
      [id, firmId, sourcesOf('cancelled'), at],
    );
  }

  /**
   * A booked truck into slot `slotId` of its local day `serviceDate`, from `fromSlotId`. The caller holds the booking
   * row and both slot rows, took the new place and freed the old one in the same transaction. `reason` says why the
   * port moved it (`counterpart_capacity`); none when its firm did.
   */
  async reschedule(
    em: EntityManager,
    id: string,
    slotId: string,
    serviceDate: string,
    fromSlotId: string,
    at: Date,
    reason: string | null = null,
  ): Promise<void> {
    await em.query(
      `WITH moved AS (
         UPDATE bookings b SET slot_id = $2, service_date = $3, updated_at = $5 WHERE b.id = $1 RETURNING ${MOVED}
       ), ${EVENT('booking.rescheduled', `jsonb_strip_nulls(jsonb_build_object('slotId', $2::uuid, 'fromSlotId', $4::uuid, 'reason', $6::text))`, TX_ACTOR, '$5::timestamptz')}
       SELECT id FROM moved`,
      [id, slotId, serviceDate, fromSlotId, at, reason],
    );
  }

  /**
   * booked → cancelled by the port for `reason` (`counterpart_capacity`: no room left for it within the horizon), never
   * a strike. The caller holds the slot and frees the place in the same transaction; undefined when nothing moved.
   */
  cancelByPort(em: EntityManager, id: string, reason: string, at: Date): Promise<{ slot_id: string } | undefined> {
    return one<{ slot_id: string }>(
      em,
      `WITH moved AS (
         UPDATE bookings b SET status = 'cancelled', cancelled_at = $3, updated_at = $3
         WHERE b.id = $1 AND b.status = 'booked' RETURNING ${MOVED}, b.slot_id
       ), ${EVENT('booking.cancelled', `jsonb_build_object('reason', $2::text, 'by', 'port')`, TX_ACTOR, '$3::timestamptz')}
       SELECT slot_id FROM moved`,
      [id, reason, at],
    );
  }

  /**
   * booked → checked_in, with its place in the check-in order, the green channel if within the cap, and a bay: the
   * port's first free one (FREE_BAY, found in this statement, so the caller must hold the port's areas' lock,
   * LOCK_PORT_AREAS, from an earlier statement), or none (overflow: still queued, told where to wait). One statement,
   * because it runs under the queue's lock. The instructions name the bay and the area in the driver's language.
   */
  async checkIn(em: EntityManager, id: string, m: CheckInMove, at: Date): Promise<boolean> {
    return Boolean(
      await one(
        em,
        `WITH bay AS (${FREE_BAY('$7', '$8', '$9::uuid')}), moved AS (
         UPDATE bookings b SET status = 'checked_in', checked_in_at = $6, updated_at = $6, queue_key = nextval('queue_key_seq'),
           priority = $2 AND (SELECT count(*) FROM bookings g
                              WHERE g.slot_id = $4 AND g.priority AND g.status IN ('checked_in', 'called', 'completed')) < $5,
           parking_area_id = bay.area_id, bay = bay.bay, overflow = bay.bay IS NULL,
           instructions = replace(replace($3, '{bay}', bay.bay::text), '{area}', COALESCE(bay.area_names ->> $10, bay.area_name))
         FROM (SELECT 1) one LEFT JOIN bay ON true
         WHERE b.id = $1 AND b.status = 'booked' RETURNING ${MOVED}, b.priority
       ), ${EVENT('booking.checked_in', `jsonb_build_object('greenChannel', m.priority)`, TX_ACTOR, '$6::timestamptz')}
       SELECT id FROM moved`,
        [
          id,
          m.perishable,
          m.instructions,
          m.slotId,
          m.priorityCap,
          at,
          m.port,
          m.needsPower,
          m.preferAreaId,
          m.language,
        ],
        // Run under the queue's lock: planned once per connection.
        { prepare: true },
      ),
    );
  }

  /**
   * checked_in → called onto a lane; `instructions` by language (the driver's is taken). Undefined when the
   * truck is no longer waiting.
   */
  call(
    em: EntityManager,
    id: string,
    laneId: string,
    instructions: Record<string, string>,
    at: Date,
  ): Promise<{ id: string; reference: string; plate: string } | undefined> {
    return one(
      em,
      `WITH moved AS (
         UPDATE bookings b SET status = 'called', called_at = $4, updated_at = $4, lane_id = $2,
           parking_area_id = NULL, bay = NULL, overflow = false, front_key = NULL,
           instructions = (SELECT $3::jsonb ->> d.language FROM drivers d WHERE d.id = b.driver_id)
         WHERE b.id = $1 AND b.status = 'checked_in' RETURNING ${MOVED}, b.vehicle_id
       ), ${EVENT('booking.called', `jsonb_build_object('laneId', $2::uuid)`, TX_ACTOR, '$4::timestamptz')}
       SELECT m.id, m.reference, v.plate FROM moved m JOIN vehicles v ON v.id = m.vehicle_id`,
      [id, laneId, JSON.stringify(instructions), at],
    );
  }

  /**
   * Stamps a called truck's arrival at the lane it was called to (a lane camera read it there), once. Not a status
   * move, but a stage of the visit: its `booking.at_lane` event carries the lane. Undefined when the truck is not
   * called to `laneId` (another lane's truck, or no longer called) or was already seen there.
   */
  atLane(em: EntityManager, id: string, laneId: string, at: Date): Promise<{ at_lane_at: Date } | undefined> {
    return one(
      em,
      `WITH moved AS (
         UPDATE bookings b SET at_lane_at = $3, updated_at = $3
         WHERE b.id = $1 AND b.status = 'called' AND b.lane_id = $2 AND b.at_lane_at IS NULL
         RETURNING ${MOVED}, b.at_lane_at
       ), ${EVENT('booking.at_lane', `jsonb_build_object('laneId', $2::uuid, 'atLaneAt', m.at_lane_at)`, TX_ACTOR, '$3::timestamptz')}
       SELECT at_lane_at FROM moved`,
      [id, laneId, at],
    );
  }

  /**
   * called → checked_in, held at the front (`front_key`, newest first: see libs/queue/src/front-of-line.ts),
   * without the green channel. `reason` says why: skipped by staff, or called_timeout, which the statement
   * re-checks at `at` (the call timed out, and it is the truck's first timeout) and counts in `called_timeouts`.
   * `at` is the instant of the move either way.
   */
  async requeue(
    em: EntityManager,
    id: string,
    instructions: Record<string, string>,
    reason: 'skipped' | 'called_timeout',
    at: Date,
  ): Promise<boolean> {
    return Boolean(
      await one(
        em,
        `WITH moved AS (
         UPDATE bookings b SET status = 'checked_in', updated_at = $4, lane_id = NULL, called_at = NULL, at_lane_at = NULL,
           priority = false,
           instructions = (SELECT $2::jsonb ->> d.language FROM drivers d WHERE d.id = b.driver_id),
           front_key = nextval('queue_key_seq'),
           called_timeouts = b.called_timeouts + CASE WHEN $3::text = 'called_timeout' THEN 1 ELSE 0 END
         FROM schedules sc
         WHERE b.id = $1 AND b.status = 'called' AND sc.port_code = b.port_code
           AND ($3::text <> 'called_timeout' OR (${CALL_TIMED_OUT('$4::timestamptz')} AND b.called_timeouts = 0))
         RETURNING ${MOVED}
       ), ${EVENT('booking.requeued', `jsonb_build_object('reason', $3::text)`, TX_ACTOR, '$4::timestamptz')}
       SELECT id FROM moved`,
        [id, JSON.stringify(instructions), reason, at],
      ),
    );
  }

  /** Holds a waiting truck at the front of the line (a skip puts another behind it). Not a status move: no event. */
  async holdAtFront(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE bookings SET front_key = nextval('queue_key_seq') WHERE id = $1 AND status = 'checked_in'`, [
      id,
    ]);
  }

  /** called → completed. */
  async complete(em: EntityManager, id: string, at: Date): Promise<boolean> {
    return Boolean(
      await one(
        em,
        `WITH moved AS (
         UPDATE bookings b SET status = 'completed', completed_at = $3, updated_at = $3, bay = NULL, parking_area_id = NULL
         WHERE b.id = $1 AND b.status = ANY($2) RETURNING ${MOVED}
       ), ${EVENT('booking.completed', NO_EXTRA, TX_ACTOR, '$3::timestamptz')}
       SELECT id FROM moved`,
        [id, sourcesOf('completed'), at],
      ),
    );
  }

  /**
   * Stamps a truck's arrival at the yard: a completed truck (the lane let it go), or a called one completed
   * just before in the same transaction (the yard saw it first). Once only; `port` scopes it to that port's
   * trucks. Undefined when the truck was never called (or was put back, or is a no-show), already arrived, or is
   * not of that port.
   */
  yardArrival(
    em: EntityManager,
    id: string,
    port: string | null,
    at: Date,
  ): Promise<{ yard_arrived_at: Date } | undefined> {
    return one(
      em,
      `WITH moved AS (
         UPDATE bookings b SET yard_arrived_at = $3, updated_at = $3
         WHERE b.id = $1 AND b.status = 'completed' AND b.yard_arrived_at IS NULL AND ($2::text IS NULL OR b.port_code = $2)
         RETURNING ${MOVED}, b.yard_arrived_at, b.lane_id
       ), ${EVENT('booking.yard_arrived', `jsonb_build_object('yardArrivedAt', m.yard_arrived_at, 'laneId', m.lane_id)`, TX_ACTOR, '$3::timestamptz')}
       SELECT yard_arrived_at FROM moved`,
      [id, port, at],
    );
  }

  /** called → no_show at any time; booked → no_show only once its check-in window has closed at `at`. */
  async noShow(em: EntityManager, id: string, at: Date): Promise<boolean> {
    return Boolean(
      await one(
        em,
        `WITH moved AS (
         UPDATE bookings b SET status = 'no_show', no_show_at = $3, updated_at = $3, bay = NULL, parking_area_id = NULL
         FROM slots sl, schedules sc
         WHERE b.id = $1 AND b.status = ANY($2) AND sl.id = b.slot_id AND sc.port_code = b.port_code
           AND (b.status <> 'booked' OR $3::timestamptz > sl.ends_at + make_interval(mins => sc.check_in_grace_minutes))
         RETURNING ${MOVED}
       ), ${EVENT('booking.no_show', `jsonb_build_object('reason', 'staff')`, TX_ACTOR, '$3::timestamptz')}
       SELECT id FROM moved`,
        [id, sourcesOf('no_show'), at],
      ),
    );
  }

  /**
   * Waives a no-show's strike (staff, with a reason); its status stays no_show. Undefined when the booking is not
   * a no-show or was waived already.
   */
  waive(
    db: DataSource | EntityManager,
    id: string,
    reason: string,
    by: string,
    at: Date,
  ): Promise<{ waived_at: Date } | undefined> {
    return one(
      db,
      `WITH moved AS (
         UPDATE bookings b SET waived_at = $4, waived_by = $3, waiver_reason = $2, updated_at = $4
         WHERE b.id = $1 AND b.status = 'no_show' AND b.waived_at IS NULL
         RETURNING ${MOVED}, b.waived_at
       ), ${EVENT('booking.waived', `jsonb_build_object('reason', $2::text)`, TX_ACTOR, '$4::timestamptz')}
       SELECT waived_at FROM moved`,
      [id, reason, by, at],
    );
  }

  /**
   * Every truck of one queue past its last deadline → no_show: booked ones whose check-in window has closed,
   * called ones not at the lane within the called timeout after they were put back once already. Returns their ids.
   */
  async expireOverdue(em: EntityManager, port: string, direction: string, at: Date): Promise<string[]> {
    const gone = await rows<{ id: string }>(
      em,
      `WITH moved AS (
         UPDATE bookings b SET status = 'no_show', no_show_at = $3, updated_at = $3, bay = NULL, parking_area_id = NULL
         FROM slots sl, schedules sc, bookings was
         WHERE sl.id = b.slot_id AND sc.port_code = b.port_code AND b.port_code = $1 AND b.direction = $2
           AND b.status IN ('booked', 'called') AND (${DUE_NO_SHOW('$3::timestamptz')}) AND was.id = b.id
         RETURNING ${MOVED}, was.status = 'called' AS was_called
       ), ${EVENT('booking.no_show', `jsonb_build_object('reason', CASE WHEN m.was_called THEN 'called_timeout' ELSE 'not_arrived' END)`, TX_ACTOR, '$3::timestamptz')}
       SELECT id FROM moved`,
      [port, direction, at],
    );
    return gone.map((g) => g.id);
  }

  /**
   * Called trucks of one queue past the called timeout for the first time, in the order their calls timed out:
   * each goes back into the line once (requeue with reason called_timeout).
   */
  async firstCallTimeouts(em: EntityManager, port: string, direction: string, at: Date): Promise<string[]> {
    const late = await rows<{ id: string }>(
      em,
      `SELECT b.id FROM bookings b JOIN schedules sc ON sc.port_code = b.port_code
       WHERE b.port_code = $1 AND b.direction = $2 AND ${CALL_TIMED_OUT('$3::timestamptz')} AND b.called_timeouts = 0
       ORDER BY b.called_at, b.id`,
      [port, direction, at],
    );
    return late.map((l) => l.id);
  }

  /**
   * Marks every booked truck whose slot starts within 2 h (and not within 30 min) or within 30 min as reminded for
   * that one, writing a booking.reminder event each (`before`: '2h' or '30m'). Each reminder goes once: the column
   * is set in the statement that writes the event. A truck booked inside a window gets only the next one.
   */
  async remind(db: DataSource | EntityManager, at: Date): Promise<number> {
    const sent = await rows(
      db,
      `WITH due AS (
         SELECT b.id, CASE WHEN sl.starts_at <= $1::timestamptz + interval '30 minutes' THEN '30m' ELSE '2h' END AS before, sl.starts_at
         FROM bookings b JOIN slots sl ON sl.id = b.slot_id
         WHERE b.status = 'booked' AND sl.starts_at > $1::timestamptz AND sl.starts_at <= $1::timestamptz + interval '2 hours'
           AND ((sl.starts_at <= $1::timestamptz + interval '30 minutes' AND b.reminded_30m_at IS NULL)
             OR (sl.starts_at > $1::timestamptz + interval '30 minutes' AND b.reminded_2h_at IS NULL))
         FOR UPDATE OF b SKIP LOCKED
       ), moved AS (
         UPDATE bookings b SET reminded_2h_at = CASE WHEN due.before = '2h' THEN $1::timestamptz ELSE b.reminded_2h_at END,
           reminded_30m_at = CASE WHEN due.before = '30m' THEN $1::timestamptz ELSE b.reminded_30m_at END
         FROM due WHERE b.id = due.id AND b.status = 'booked'
         RETURNING ${MOVED}, due.before, due.starts_at
       ), ${EVENT('booking.reminder', `jsonb_build_object('before', m.before, 'slotStartsAt', m.starts_at)`, TX_ACTOR, '$1::timestamptz')}
       SELECT id FROM moved`,
      [at],
    );
    return sent.length;
  }

  /** The queues (port, direction) that have an overdue truck at `at`. */
  overdueQueues(db: DataSource | EntityManager, at: Date): Promise<Array<{ port_code: string; direction: string }>> {
    return rows(
      db,
      `SELECT DISTINCT b.port_code, b.direction FROM bookings b
       JOIN slots sl ON sl.id = b.slot_id JOIN schedules sc ON sc.port_code = b.port_code
       WHERE b.status IN ('booked', 'called') AND (${OVERDUE('$1::timestamptz')})`,
      [at],
    );
  }
}
