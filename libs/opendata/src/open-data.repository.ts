import { Injectable } from '@nestjs/common';
import { ReplicaReads } from '@kouan/db';
import { STAGE_SECONDS, STAGE_SECONDS_NAMES, type StageSecondsColumns } from '@kouan/booking';
import { DEFAULT_SERVICE_MINUTES, LANE_PACE_MINUTES } from '@kouan/queue';

export type Direction = 'export' | 'import';

export interface PortStateRow {
  code: string;
  name: string;
  mode: string;
  counterpart: string | null;
  direction: Direction;
  default_service_minutes: number;
  waiting: number;
  /** Each lane of the direction, ordered by name: its status and its pace (LANE_PACE_MINUTES), as the queue reads them. */
  lanes: Array<{ status: 'open' | 'closed' | 'paused'; medianMinutes: number | null }>;
}

export interface WaitHourRow extends StageSecondsColumns {
  port: string;
  time_zone: string;
  /** The hour's first instant. */
  starts_at: Date;
  date: string;
  hour: number;
  direction: Direction;
  booked: number;
  capacity: number;
  served: number;
}

/**
 * The open data feed's reads (docs/open-data.md): read only, over ports, lanes and schedules (the ports lib's),
 * slots (ports') and bookings (booking's). They are aggregates no other lib asks for, so they live here rather than
 * as a service of each owner; what the owners define is embedded, not restated: a lane's pace is the queue lib's
 * LANE_PACE_MINUTES, the stages' percentiles the booking lib's STAGE_SECONDS. No column naming a truck, a firm or a
 * person leaves these statements. Published figures may be seconds old, so every statement here reads where reads
 * may lag (`ReplicaReads`: a replica when one is set).
 */
@Injectable()
export class OpenDataRepository {
  constructor(private readonly lagging: ReplicaReads) {}

  /** Every port and direction now: waiting trucks and the lanes with their pace, in one statement (one snapshot). */
  currentPorts(): Promise<PortStateRow[]> {
    return this.lagging.rows<PortStateRow>(`SELECT p.code, p.name, p.mode, p.counterpart, d.direction,
              COALESCE(sc.default_service_minutes, ${DEFAULT_SERVICE_MINUTES}) AS default_service_minutes,
              (SELECT count(*) FROM bookings b
               WHERE b.port_code = p.code AND b.direction = d.direction AND b.status = 'checked_in')::int AS waiting,
              COALESCE((SELECT json_agg(json_build_object('status', l.status, 'medianMinutes', ${LANE_PACE_MINUTES('l')})
                                 ORDER BY l.name)
                        FROM lanes l WHERE l.port_code = p.code AND l.direction = d.direction), '[]'::json) AS lanes
       FROM ports p CROSS JOIN (VALUES ('export'), ('import')) d(direction)
       LEFT JOIN schedules sc ON sc.port_code = p.code
       ORDER BY p.code, d.direction`);
  }

  /**
   * Per port (`port`, or every port when null), local day in [from, to], local hour and direction, the hours that
   * have begun by `at`: the slots starting in that hour (places booked and offered) and their bookings (not
   * cancelled): trucks served (completed) and the stages' percentiles (STAGE_SECONDS, seconds). An hour is the
   * hour its slots start in, so every figure of a row is about the same trucks.
   */
  waits(port: string | null, from: string, to: string, at: Date): Promise<WaitHourRow[]> {
    return this.lagging.rows<WaitHourRow>(
      `WITH p AS (SELECT code, time_zone FROM ports WHERE $1::varchar IS NULL OR code = $1),
       s AS (
         SELECT s.id, s.port_code, s.direction, s.booked, s.capacity, p.time_zone,
                date_trunc('hour', s.starts_at AT TIME ZONE p.time_zone) AS local_hour
         FROM p JOIN slots s ON s.port_code = p.code
         WHERE s.retired_at IS NULL
           AND s.starts_at >= ($2::date::timestamp AT TIME ZONE p.time_zone)
           AND s.starts_at < (($3::date + 1)::timestamp AT TIME ZONE p.time_zone)
           AND s.starts_at < $4::timestamptz
       ), sl AS (
         SELECT port_code, direction, time_zone, local_hour, sum(booked)::int AS booked, sum(capacity)::int AS capacity
         FROM s GROUP BY 1, 2, 3, 4
       ), bk AS (
         SELECT s.port_code, s.direction, s.local_hour,
                count(*) FILTER (WHERE b.status = 'completed')::int AS served,
                ${STAGE_SECONDS('b')}
         FROM s JOIN bookings b ON b.slot_id = s.id
         WHERE b.status <> 'cancelled'
         GROUP BY 1, 2, 3
       )
       SELECT sl.port_code AS port, sl.time_zone, sl.local_hour AT TIME ZONE sl.time_zone AS starts_at,
              to_char(sl.local_hour, 'YYYY-MM-DD') AS date, extract(hour FROM sl.local_hour)::int AS hour,
              sl.direction, sl.booked, sl.capacity, COALESCE(bk.served, 0) AS served,
              ${STAGE_SECONDS_NAMES('bk')}
       FROM sl LEFT JOIN bk ON bk.port_code = sl.port_code AND bk.direction = sl.direction AND bk.local_hour = sl.local_hour
       ORDER BY sl.port_code, sl.local_hour, sl.direction`,
      [port, from, to, at],
    );
  }

  async portExists(code: string): Promise<boolean> {
    return (await this.lagging.rows('SELECT 1 FROM ports WHERE code = $1', [code])).length > 0;
  }
}
