import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rows } from '@kouan/common';

/** What comes due: `expire` (a check-in window closes, a called truck's timeout ends) or `remind` (2 h, 30 min before). */
export interface Deadline {
  kind: 'expire' | 'remind';
  due_at: Date;
}

/**
 * Every deadline of the bookings lives in Postgres, as columns (slot times, called_at, the reminders sent) and the
 * schedule's minutes: nothing in Redis is the only copy. This reads the ones coming due.
 */
@Injectable()
export class BookingDeadlinesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The distinct deadlines from a minute before `at` to `horizonSeconds` after it. */
  upcoming(at: Date, horizonSeconds: number): Promise<Deadline[]> {
    return rows<Deadline>(
      this.ds,
      `SELECT DISTINCT kind, due_at FROM (
         SELECT 'expire' AS kind, sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) AS due_at
         FROM bookings b JOIN slots sl ON sl.id = b.slot_id JOIN schedules sc ON sc.port_code = b.port_code
         WHERE b.status = 'booked'
         UNION ALL
         SELECT 'expire', b.called_at + make_interval(mins => sc.called_timeout_minutes)
         FROM bookings b JOIN schedules sc ON sc.port_code = b.port_code
         WHERE b.status = 'called'
         UNION ALL
         SELECT 'remind', CASE WHEN b.reminded_2h_at IS NULL THEN sl.starts_at - interval '2 hours' ELSE sl.starts_at - interval '30 minutes' END
         FROM bookings b JOIN slots sl ON sl.id = b.slot_id
         WHERE b.status = 'booked' AND b.reminded_30m_at IS NULL
       ) d
       WHERE due_at > $1::timestamptz - interval '1 minute' AND due_at <= $1::timestamptz + make_interval(secs => $2)
       ORDER BY due_at`,
      [at, horizonSeconds],
    );
  }
}
