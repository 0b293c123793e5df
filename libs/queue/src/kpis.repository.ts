import { DataSource, EntityManager } from 'typeorm';
import { rows } from '@kouan/common';
import { STAGE_SECONDS, STAGE_SECONDS_NAMES, type StageSecondsColumns } from '@kouan/booking';

export interface KpiRow extends StageSecondsColumns {
  day: string;
  direction: string;
  slots: number;
  offered: number;
  booked: number;
  used: number;
  no_shows: number;
  wait_mean: number | null;
  wait_p90: number | null;
  service_mean: number | null;
  service_median: number | null;
  yard_mean: number | null;
  yard_p90: number | null;
}

/**
 * Per local day [from, to] and direction of `port`: places offered, booked, used, no-shows, the wait from check-in
 * to call, the lanes' service time, the lane-to-yard time and the stages' p50 and p90 (definitions: KpisService). One
 * query over slots and bookings.
 */
export function kpiRows(db: DataSource | EntityManager, port: string, from: string, to: string): Promise<KpiRow[]> {
  return rows<KpiRow>(
    db,
    `WITH tz AS (SELECT time_zone FROM ports WHERE code = $1),
     grid AS (
       SELECT d::date AS day, dir.direction FROM generate_series($2::date, $3::date, interval '1 day') d
       CROSS JOIN (VALUES ('export'), ('import')) AS dir (direction)
     ), sl AS (
       SELECT (s.starts_at AT TIME ZONE tz.time_zone)::date AS day, s.direction, count(*)::int AS slots, sum(s.capacity)::int AS offered
       FROM slots s, tz
       WHERE s.port_code = $1 AND s.retired_at IS NULL
         AND s.starts_at >= ($2::date::timestamp AT TIME ZONE tz.time_zone)
         AND s.starts_at < (($3::date + 1)::timestamp AT TIME ZONE tz.time_zone)
       GROUP BY 1, 2
     ), bk AS (
       SELECT b.service_date AS day, b.direction,
              count(*) FILTER (WHERE b.status <> 'cancelled')::int AS booked,
              count(*) FILTER (WHERE b.status = 'completed')::int AS used,
              count(*) FILTER (WHERE b.status = 'no_show')::int AS no_shows,
              avg(extract(epoch FROM b.called_at - b.checked_in_at) / 60) AS wait_mean,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM b.called_at - b.checked_in_at) / 60) AS wait_p90,
              avg(extract(epoch FROM b.completed_at - b.called_at) / 60) FILTER (WHERE b.status = 'completed') AS service_mean,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM b.completed_at - b.called_at) / 60)
                FILTER (WHERE b.status = 'completed') AS service_median,
              avg(extract(epoch FROM b.yard_arrived_at - b.called_at) / 60) AS yard_mean,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM b.yard_arrived_at - b.called_at) / 60) AS yard_p90,
              ${STAGE_SECONDS('b')}
       FROM bookings b
       WHERE b.port_code = $1 AND b.service_date BETWEEN $2::date AND $3::date
       GROUP BY 1, 2
     )
     SELECT to_char(g.day, 'YYYY-MM-DD') AS day, g.direction, COALESCE(sl.slots, 0) AS slots, COALESCE(sl.offered, 0) AS offered,
            COALESCE(bk.booked, 0) AS booked, COALESCE(bk.used, 0) AS used, COALESCE(bk.no_shows, 0) AS no_shows,
            bk.wait_mean, bk.wait_p90, bk.service_mean, bk.service_median, bk.yard_mean, bk.yard_p90,
            ${STAGE_SECONDS_NAMES('bk')}
     FROM grid g
     LEFT JOIN sl ON sl.day = g.day AND sl.direction = g.direction
     LEFT JOIN bk ON bk.day = g.day AND bk.direction = g.direction
     ORDER BY g.day, g.direction`,
    [port, from, to],
  );
}
