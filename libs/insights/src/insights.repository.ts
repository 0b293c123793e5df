import { Injectable } from '@nestjs/common';
import { ReplicaReads } from '@kouan/db';
import { STAGE_SECONDS, STAGE_SECONDS_NAMES, type StageSecondsColumns } from '@kouan/booking';
import type { Direction } from './forecast';

/** The days a forecast measures its basis over: the 28 local days before the forecast day. */
export const BASIS_DAYS = 28;

export interface ForecastPortRow {
  date: string;
  from_date: string;
  to_date: string;
  /** Null for a port without a schedule (no bookings: not a road port). */
  default_service_minutes: number | null;
  lanes_export: number;
  lanes_import: number;
}

export interface BasisCountsRow {
  decided: number;
  checked_in: number;
}

export interface OffsetRow {
  minutes: number;
  count: number;
}

export interface ServiceRow {
  direction: Direction;
  mean: number;
}

export interface BookedRow {
  direction: Direction;
  minute: number;
  count: number;
}

export interface PerformanceRow extends StageSecondsColumns {
  code: string;
  name: string;
  bookings: number;
  offered: number;
  served: number;
  decided: number;
  no_shows: number;
  checked_in: number;
  on_time: number;
  wait_mean: number | null;
  wait_p90: number | null;
  yard_mean: number | null;
  yard_p90: number | null;
}

/**
 * The reads behind the forecast and the performance report: bookings, slots, lanes and schedules of every port,
 * read only. Days are local to each port (ports.time_zone); minutes are float8 so they arrive as numbers. A forecast
 * and a report are about days, not the last second: every statement reads where reads may lag (`ReplicaReads`).
 */
@Injectable()
export class InsightsRepository {
  constructor(private readonly lagging: ReplicaReads) {}

  /**
   * The forecast day (`date`, or the day after `at` at the port), its basis window, the lanes and assumed service
   * time; undefined for no such port.
   */
  forecastPort(port: string, date: string | undefined, at: Date): Promise<ForecastPortRow | undefined> {
    return this.lagging.one<ForecastPortRow>(
      `WITH d AS (SELECT COALESCE($2::date, ($4::timestamptz AT TIME ZONE p.time_zone)::date + 1) AS day, p.code
                  FROM ports p WHERE p.code = $1)
       SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
              to_char(d.day - $3::int, 'YYYY-MM-DD') AS from_date,
              to_char(d.day - 1, 'YYYY-MM-DD') AS to_date,
              sc.default_service_minutes,
              (SELECT count(*) FROM lanes l WHERE l.port_code = d.code AND l.direction = 'export')::int AS lanes_export,
              (SELECT count(*) FROM lanes l WHERE l.port_code = d.code AND l.direction = 'import')::int AS lanes_import
       FROM d LEFT JOIN schedules sc ON sc.port_code = d.code`,
      [port, date ?? null, BASIS_DAYS, at],
    );
  }

  /** Decided (checked in or no-show, not cancelled) and checked-in bookings of local days [from, to]. */
  async basisCounts(port: string, from: string, to: string): Promise<BasisCountsRow> {
    const row = await this.lagging.one<BasisCountsRow>(
      `SELECT count(*) FILTER (WHERE b.checked_in_at IS NOT NULL OR b.status = 'no_show')::int AS decided,
              count(*) FILTER (WHERE b.checked_in_at IS NOT NULL)::int AS checked_in
       FROM bookings b
       WHERE b.port_code = $1 AND b.service_date BETWEEN $2::date AND $3::date AND b.status <> 'cancelled'`,
      [port, from, to],
    );
    return row ?? { decided: 0, checked_in: 0 };
  }

  /** Checked-in bookings of [from, to] by whole minutes from their slot's start to their check-in (floor: -1 = the minute before). */
  arrivalOffsets(port: string, from: string, to: string): Promise<OffsetRow[]> {
    return this.lagging.rows<OffsetRow>(
      `SELECT floor(extract(epoch FROM b.checked_in_at - s.starts_at) / 60)::int AS minutes, count(*)::int AS count
       FROM bookings b JOIN slots s ON s.id = b.slot_id
       WHERE b.port_code = $1 AND b.service_date BETWEEN $2::date AND $3::date
         AND b.status <> 'cancelled' AND b.checked_in_at IS NOT NULL
       GROUP BY 1 ORDER BY 1`,
      [port, from, to],
    );
  }

  /** Mean lane service time (call to complete), minutes, per direction with completed trucks in [from, to]. */
  serviceMinutes(port: string, from: string, to: string): Promise<ServiceRow[]> {
    return this.lagging.rows<ServiceRow>(
      `SELECT b.direction, avg(extract(epoch FROM b.completed_at - b.called_at) / 60)::float8 AS mean
       FROM bookings b
       WHERE b.port_code = $1 AND b.service_date BETWEEN $2::date AND $3::date
         AND b.status = 'completed' AND b.called_at IS NOT NULL
       GROUP BY 1`,
      [port, from, to],
    );
  }

  /**
   * Places booked (not cancelled) per direction and slot-start minute, counted from `date`'s local midnight, for the
   * day and the days either side of it (their early and late arrivals cross midnight): minutes -1440..2879.
   */
  bookedByMinute(port: string, date: string): Promise<BookedRow[]> {
    return this.lagging.rows<BookedRow>(
      `WITH z AS (SELECT ($2::date::timestamp AT TIME ZONE p.time_zone) AS midnight FROM ports p WHERE p.code = $1)
       SELECT b.direction, floor(extract(epoch FROM s.starts_at - z.midnight) / 60)::int AS minute, count(*)::int AS count
       FROM bookings b JOIN slots s ON s.id = b.slot_id, z
       WHERE b.port_code = $1 AND b.service_date BETWEEN $2::date - 1 AND $2::date + 1 AND b.status <> 'cancelled'
         AND s.starts_at >= z.midnight - interval '24 hours' AND s.starts_at < z.midnight + interval '48 hours'
       GROUP BY 1, 2`,
      [port, date],
    );
  }

  /** Every road port, by code, over local days [from, to] (definitions in docs/forecast.md). */
  performance(from: string, to: string): Promise<PerformanceRow[]> {
    return this.lagging.rows<PerformanceRow>(
      `WITH p AS (SELECT code, name, time_zone FROM ports WHERE mode = 'road'),
       sl AS (
         SELECT p.code, sum(s.capacity)::int AS offered
         FROM p JOIN slots s ON s.port_code = p.code
         WHERE s.retired_at IS NULL
           AND s.starts_at >= ($1::date::timestamp AT TIME ZONE p.time_zone)
           AND s.starts_at < (($2::date + 1)::timestamp AT TIME ZONE p.time_zone)
         GROUP BY 1
       ), bk AS (
         SELECT b.port_code AS code,
                count(*)::int AS bookings,
                count(*) FILTER (WHERE b.status = 'completed')::int AS served,
                count(*) FILTER (WHERE b.checked_in_at IS NOT NULL OR b.status = 'no_show')::int AS decided,
                count(*) FILTER (WHERE b.status = 'no_show')::int AS no_shows,
                count(*) FILTER (WHERE b.checked_in_at IS NOT NULL)::int AS checked_in,
                count(*) FILTER (WHERE b.checked_in_at <= s.ends_at)::int AS on_time,
                avg(extract(epoch FROM b.called_at - b.checked_in_at) / 60)::float8 AS wait_mean,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM b.called_at - b.checked_in_at) / 60)::float8 AS wait_p90,
                avg(extract(epoch FROM b.yard_arrived_at - b.called_at) / 60)::float8 AS yard_mean,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM b.yard_arrived_at - b.called_at) / 60)::float8 AS yard_p90,
                ${STAGE_SECONDS('b')}
         FROM bookings b JOIN slots s ON s.id = b.slot_id
         WHERE b.port_code IN (SELECT code FROM p) AND b.service_date BETWEEN $1::date AND $2::date AND b.status <> 'cancelled'
         GROUP BY 1
       )
       SELECT p.code, p.name, COALESCE(bk.bookings, 0) AS bookings, COALESCE(sl.offered, 0) AS offered,
              COALESCE(bk.served, 0) AS served, COALESCE(bk.decided, 0) AS decided, COALESCE(bk.no_shows, 0) AS no_shows,
              COALESCE(bk.checked_in, 0) AS checked_in, COALESCE(bk.on_time, 0) AS on_time,
              bk.wait_mean, bk.wait_p90, bk.yard_mean, bk.yard_p90, ${STAGE_SECONDS_NAMES('bk')}
       FROM p LEFT JOIN sl ON sl.code = p.code LEFT JOIN bk ON bk.code = p.code
       ORDER BY p.code`,
      [from, to],
    );
  }
}
