import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { assertReportDays, notFound, one, rows } from '@kouan/common';
import type { KpiDayDto, KpiQueryDto } from './dto/kpi.dto';

interface KpiRow {
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

const round1 = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

/**
 * Per local day and direction: places offered (slot capacity), booked (not cancelled), used (completed),
 * the no-show rate among booked, the wait from check-in to call, the lanes' service time (call to
 * complete), and the lane-to-yard time (call to the yard's confirmation: not from completion, which a yard
 * confirming a called truck stamps at the same instant), in minutes. One query over slots and bookings.
 */
@Injectable()
export class KpisService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async report(p: Principal, port: string, q: KpiQueryDto): Promise<KpiDayDto[]> {
    assertPortScope(p, port);
    if (!(await one(this.ds, 'SELECT 1 FROM ports WHERE code = $1', [port]))) throw notFound(`port ${port}`);
    assertReportDays(q.from, q.to);
    const report = await rows<KpiRow>(
      this.ds,
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
                percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM b.yard_arrived_at - b.called_at) / 60) AS yard_p90
         FROM bookings b
         WHERE b.port_code = $1 AND b.service_date BETWEEN $2::date AND $3::date
         GROUP BY 1, 2
       )
       SELECT to_char(g.day, 'YYYY-MM-DD') AS day, g.direction, COALESCE(sl.slots, 0) AS slots, COALESCE(sl.offered, 0) AS offered,
              COALESCE(bk.booked, 0) AS booked, COALESCE(bk.used, 0) AS used, COALESCE(bk.no_shows, 0) AS no_shows,
              bk.wait_mean, bk.wait_p90, bk.service_mean, bk.service_median, bk.yard_mean, bk.yard_p90
       FROM grid g
       LEFT JOIN sl ON sl.day = g.day AND sl.direction = g.direction
       LEFT JOIN bk ON bk.day = g.day AND bk.direction = g.direction
       ORDER BY g.day, g.direction`,
      [port, q.from, q.to],
    );
    return report.map((r) => ({
      date: r.day,
      direction: r.direction,
      slots: r.slots,
      offered: r.offered,
      booked: r.booked,
      used: r.used,
      noShows: r.no_shows,
      noShowRate: r.booked ? Math.round((r.no_shows / r.booked) * 1000) / 1000 : null,
      waitMinutes: { mean: round1(r.wait_mean), p90: round1(r.wait_p90) },
      serviceMinutes: { mean: round1(r.service_mean), median: round1(r.service_median) },
      laneToYardMinutes: { mean: round1(r.yard_mean), p90: round1(r.yard_p90) },
    }));
  }
}
