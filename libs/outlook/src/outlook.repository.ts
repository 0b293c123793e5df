import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one } from '@kouan/common';

export type Direction = 'export' | 'import';

export interface OutlookLaneRow {
  id: string;
  name: string;
  status: 'open' | 'closed' | 'paused';
  /** The truck called to it, when one is. */
  calledAt: string | null;
}

export interface OutlookSlotRow {
  id: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  /** Green-channel trucks of the slot so far (waiting, called or done). */
  greens: number;
}

export interface OutlookTruckRow {
  id: string;
  plate: string;
  slotId: string;
  waiting: boolean;
  queueKey: number | null;
  frontKey: number | null;
  priority: boolean;
  perishable: boolean;
  bay: boolean;
}

/** A queue as the outlook starts from it: one statement, so one snapshot (version, lanes, slots and trucks agree). */
export interface OutlookStateRow {
  timeZone: string;
  /** The port's local day of the instant, and its end (the next local midnight). */
  date: string;
  dayEnd: Date;
  version: string;
  since: number;
  ratio: number;
  capPercent: number;
  earlyArrivalMinutes: number;
  checkInGraceMinutes: number;
  calledTimeoutMinutes: number;
  defaultServiceMinutes: number;
  /** The schedule's grid and the direction's places a slot (for a day whose slots are not listed yet). */
  slotMinutes: number;
  openFrom: number;
  openTo: number;
  capacity: number;
  bays: number;
  baysTaken: number;
  lanes: OutlookLaneRow[];
  slots: OutlookSlotRow[];
  trucks: OutlookTruckRow[];
}

export interface OutlookBasisRow {
  /** Today's completed trucks of the direction: how many, and their service time's mean and sd (minutes). */
  served: number;
  serviceMean: number | null;
  serviceSd: number | null;
  /** The 28 days before today: decided bookings (checked in or no-show), checked in, arrival offset mean and sd. */
  decided: number;
  checkedIn: number;
  offsetMean: number | null;
  offsetSd: number | null;
  /** Today's bookings (both directions) of slots whose check-in window has closed: decided, and checked in. */
  decidedToday: number;
  checkedInToday: number;
  /** Over the 28 days: trucks called, those skipped by staff, those put back (or no-shows) by a called timeout. */
  called: number;
  skipped: number;
  timedOut: number;
}

/** The local day of `$3` at the port `p` and the next one's midnight, as instants. */
const DAY = `($3::timestamptz AT TIME ZONE p.time_zone)::date`;
const MIDNIGHT = (days: number) => `((${DAY} + ${days})::timestamp AT TIME ZONE p.time_zone)`;

/**
 * The outlook's reads (docs/outlook.md), read only, over the queue lib's `queue_state`, the ports lib's ports, lanes,
 * schedules and slots, parking's areas and booking's bookings and vehicles. They are all here, so that they can go
 * to a read replica together. Statements take the port `$1`, the direction `$2` and the Clock's instant `$3`.
 */
@Injectable()
export class OutlookRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The queue's version (to answer from the cache without reading the queue) and the port's zone; undefined: no such
   * port with a schedule.
   */
  head(port: string, direction: Direction): Promise<{ version: string; timeZone: string } | undefined> {
    return one<{ version: string; timeZone: string }>(
      this.ds,
      `SELECT COALESCE(q.version, 0)::text AS version, p.time_zone AS "timeZone"
       FROM ports p JOIN schedules sc ON sc.port_code = p.code
       LEFT JOIN queue_state q ON q.port_code = p.code AND q.direction = $2
       WHERE p.code = $1`,
      [port, direction],
    );
  }

  /**
   * The live state: waiting trucks (any day's, they still wait), today's booked trucks, today's slots and those of
   * the waiting trucks, the lanes and their called trucks, the bays. Undefined: no such port with a schedule.
   */
  state(port: string, direction: Direction, at: Date): Promise<OutlookStateRow | undefined> {
    return one<OutlookStateRow>(
      this.ds,
      `WITH p AS (SELECT code, time_zone FROM ports WHERE code = $1),
       s AS (
         SELECT s.id, s.starts_at, s.ends_at, s.capacity
         FROM slots s, p
         WHERE s.port_code = $1 AND s.direction = $2
           AND ((s.retired_at IS NULL AND s.starts_at >= ${MIDNIGHT(0)} AND s.starts_at < ${MIDNIGHT(1)})
                OR s.id IN (SELECT b.slot_id FROM bookings b
                            WHERE b.port_code = $1 AND b.direction = $2 AND b.status = 'checked_in'))
       ), t AS (
         SELECT b.id, v.plate, b.slot_id, b.status = 'checked_in' AS waiting, b.queue_key, b.front_key::float8 AS front_key,
                b.priority, b.perishable, b.bay IS NOT NULL AS bay
         FROM bookings b JOIN s ON s.id = b.slot_id JOIN vehicles v ON v.id = b.vehicle_id
         WHERE b.port_code = $1 AND b.direction = $2
           AND b.status IN ('checked_in', 'booked')
       )
       SELECT p.time_zone AS "timeZone", to_char(${DAY}, 'YYYY-MM-DD') AS date, ${MIDNIGHT(1)} AS "dayEnd",
              COALESCE(q.version, 0)::text AS version, COALESCE(q.regular_since_priority, 0) AS since,
              sc.priority_ratio AS ratio, sc.priority_cap_percent AS "capPercent",
              sc.early_arrival_minutes AS "earlyArrivalMinutes", sc.check_in_grace_minutes AS "checkInGraceMinutes",
              sc.called_timeout_minutes AS "calledTimeoutMinutes", sc.default_service_minutes AS "defaultServiceMinutes",
              sc.slot_minutes AS "slotMinutes", sc.open_from AS "openFrom", sc.open_to AS "openTo",
              CASE WHEN $2 = 'export' THEN sc.capacity_export ELSE sc.capacity_import END AS capacity,
              COALESCE((SELECT sum(a.bays) FROM parking_areas a WHERE a.port_code = p.code), 0)::int AS bays,
              (SELECT count(*) FROM bookings b
               WHERE b.port_code = p.code AND b.status = 'checked_in' AND b.bay IS NOT NULL)::int AS "baysTaken",
              COALESCE((SELECT json_agg(json_build_object('id', l.id, 'name', l.name, 'status', l.status,
                          'calledAt', (SELECT max(b.called_at) FROM bookings b WHERE b.lane_id = l.id AND b.status = 'called'))
                        ORDER BY l.name)
                        FROM lanes l WHERE l.port_code = p.code AND l.direction = $2), '[]') AS lanes,
              COALESCE((SELECT json_agg(json_build_object('id', s.id, 'startsAt', s.starts_at, 'endsAt', s.ends_at,
                          'capacity', s.capacity,
                          'greens', (SELECT count(*) FROM bookings b WHERE b.slot_id = s.id AND b.priority
                                     AND b.status IN ('checked_in', 'called', 'completed')))
                        ORDER BY s.starts_at) FROM s), '[]') AS slots,
              COALESCE((SELECT json_agg(json_build_object('id', t.id, 'plate', t.plate, 'slotId', t.slot_id,
                          'waiting', t.waiting, 'queueKey', t.queue_key, 'frontKey', t.front_key, 'priority', t.priority,
                          'perishable', t.perishable, 'bay', t.bay)) FROM t), '[]') AS trucks
       FROM p JOIN schedules sc ON sc.port_code = p.code
       LEFT JOIN queue_state q ON q.port_code = p.code AND q.direction = $2`,
      [port, direction, at],
    );
  }

  /**
   * What the port measured: today's service times in the direction (call to complete), and over the 28 days before
   * today the show-up (checked in among decided bookings, as the forecast counts it), the arrival offsets
   * (check-in minus slot start, minutes) and how often a called truck was not at its lane (skipped, or timed out);
   * and today's show-up so far: the bookings of today's slots whose window (slot end + grace) has closed, all of
   * them decided then (checked in or not come, whether or not the no-show job has run yet). The outlook falls back to the schedule's and simulator's figures when
   * there are too few (docs/outlook.md).
   */
  async basis(port: string, direction: Direction, at: Date, days: number): Promise<OutlookBasisRow> {
    const row = await one<OutlookBasisRow>(
      this.ds,
      `WITH p AS (SELECT code, time_zone FROM ports WHERE code = $1),
       sv AS (
         SELECT extract(epoch FROM b.completed_at - b.called_at) / 60 AS minutes
         FROM bookings b, p
         WHERE b.port_code = $1 AND b.direction = $2 AND b.status = 'completed' AND b.called_at IS NOT NULL
           AND b.completed_at >= ${MIDNIGHT(0)} AND b.completed_at <= $3::timestamptz
       ), h AS (
         SELECT b.id, b.checked_in_at, b.status, b.completed_at, b.called_timeouts,
                extract(epoch FROM b.checked_in_at - s.starts_at) / 60 AS offset_minutes
         FROM bookings b JOIN slots s ON s.id = b.slot_id, p
         WHERE b.port_code = $1 AND b.service_date BETWEEN ${DAY} - $4::int AND ${DAY} - 1 AND b.status <> 'cancelled'
       ), d AS (
         SELECT b.checked_in_at
         FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN schedules sc ON sc.port_code = b.port_code, p
         WHERE b.port_code = $1 AND b.service_date = ${DAY} AND b.status <> 'cancelled'
           AND s.ends_at + make_interval(mins => sc.check_in_grace_minutes) <= $3::timestamptz
       )
       SELECT (SELECT count(*) FROM sv)::int AS served,
              (SELECT avg(minutes) FROM sv)::float8 AS "serviceMean",
              (SELECT stddev_samp(minutes) FROM sv)::float8 AS "serviceSd",
              (SELECT count(*) FROM h WHERE checked_in_at IS NOT NULL OR status = 'no_show')::int AS decided,
              (SELECT count(*) FROM h WHERE checked_in_at IS NOT NULL)::int AS "checkedIn",
              (SELECT avg(offset_minutes) FROM h WHERE checked_in_at IS NOT NULL)::float8 AS "offsetMean",
              (SELECT stddev_samp(offset_minutes) FROM h WHERE checked_in_at IS NOT NULL)::float8 AS "offsetSd",
              (SELECT count(*) FROM d)::int AS "decidedToday",
              (SELECT count(*) FROM d WHERE checked_in_at IS NOT NULL)::int AS "checkedInToday",
              (SELECT count(*) FROM h WHERE completed_at IS NOT NULL OR called_timeouts > 0)::int AS called,
              (SELECT count(*) FROM h WHERE EXISTS (
                 SELECT 1 FROM booking_events e WHERE e.booking_id = h.id AND e.type = 'booking.requeued'
                   AND e.data ->> 'reason' = 'skipped'))::int AS skipped,
              (SELECT count(*) FROM h WHERE called_timeouts > 0)::int AS "timedOut"`,
      [port, direction, at, days],
    );
    return row as OutlookBasisRow;
  }
}
