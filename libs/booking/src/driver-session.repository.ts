import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one } from '@kouan/common';
import { ACTIVE_STATUSES, BookingStatus } from './booking-status';
import { DRIVER_CODE_LOCK_AFTER, DRIVER_CODE_PER_HOUR } from './secrets';

/** What opening or refreshing a driver session needs to know about a booking, judged by the database clock. */
export interface DriverSessionRow {
  id: string;
  firm_id: string;
  port_code: string;
  status: BookingStatus;
  driver_code_hash: string;
  /** DRIVER_CODE_LOCK_AFTER wrong codes since the code was issued. */
  locked: boolean;
  /** Set while the hour's wrong codes are used up: when the hour ends. */
  throttled_until: Date | null;
  /** Slot end + the schedule's check-in grace. */
  window_closes_at: Date;
  time_zone: string;
}

/** The current hour of wrong codes is still running (an SQL expression on the bookings row). */
const IN_WINDOW = `COALESCE(driver_code_window_start > now() - interval '1 hour', false)`;

const SELECT_SESSION = `
  SELECT b.id, b.firm_id, b.port_code, b.status, b.driver_code_hash,
         b.driver_code_failures >= ${DRIVER_CODE_LOCK_AFTER} AS locked,
         CASE WHEN ${IN_WINDOW} AND b.driver_code_window_failures >= ${DRIVER_CODE_PER_HOUR}
              THEN b.driver_code_window_start + interval '1 hour' END AS throttled_until,
         sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) AS window_closes_at, p.time_zone
  FROM bookings b
  JOIN slots sl ON sl.id = b.slot_id
  JOIN schedules sc ON sc.port_code = b.port_code
  JOIN ports p ON p.code = b.port_code`;

/** The driver-code statements on `bookings` (owned by this lib). */
@Injectable()
export class DriverSessionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  byReference(reference: string): Promise<DriverSessionRow | undefined> {
    return one<DriverSessionRow>(this.ds, `${SELECT_SESSION} WHERE b.reference = $1`, [reference]);
  }

  byId(id: string): Promise<DriverSessionRow | undefined> {
    return one<DriverSessionRow>(this.ds, `${SELECT_SESSION} WHERE b.id = $1`, [id]);
  }

  /**
   * Counts one wrong code against the code whose hash the caller saw, in one conditional statement: the row
   * lock serialises racing guesses and each re-checks the limits, so however many race, no more than the
   * hour's and the code's allowance are counted. False when nothing was counted: a limit was reached first,
   * or the firm issued a new code in between.
   */
  async countWrongCode(id: string, seenHash: string): Promise<boolean> {
    const counted = await one(
      this.ds,
      `UPDATE bookings SET
         driver_code_failures = driver_code_failures + 1,
         driver_code_window_failures = CASE WHEN ${IN_WINDOW} THEN driver_code_window_failures + 1 ELSE 1 END,
         driver_code_window_start = CASE WHEN ${IN_WINDOW} THEN driver_code_window_start ELSE now() END
       WHERE id = $1 AND driver_code_hash = $2
         AND driver_code_failures < ${DRIVER_CODE_LOCK_AFTER}
         AND NOT (${IN_WINDOW} AND driver_code_window_failures >= ${DRIVER_CODE_PER_HOUR})
       RETURNING id`,
      [id, seenHash],
    );
    return counted !== undefined;
  }

  /**
   * A new code for an active booking of the firm, with both counts back to zero; an idempotent replay of the
   * booking then shows the new code, not the dead one. `status` is the booking's (null: not the firm's) when
   * nothing was reissued.
   */
  async reissue(id: string, firmId: string, hash: string, sealed: string): Promise<{ reissued: boolean; status: BookingStatus | null }> {
    const r = await one<{ reissued: boolean; status: BookingStatus | null }>(
      this.ds,
      `WITH b AS (
         UPDATE bookings SET driver_code_hash = $3, driver_code_failures = 0, driver_code_window_failures = 0,
           driver_code_window_start = NULL, updated_at = now()
         WHERE id = $1 AND firm_id = $2 AND status = ANY($5) RETURNING id
       ), k AS (
         UPDATE idempotency_keys SET driver_code_sealed = $4
         WHERE firm_id = $2 AND response->>'id' = $1::text AND EXISTS (SELECT 1 FROM b)
       )
       SELECT EXISTS (SELECT 1 FROM b) AS reissued, (SELECT status FROM bookings WHERE id = $1 AND firm_id = $2) AS status`,
      [id, firmId, hash, sealed, ACTIVE_STATUSES],
    );
    return r as { reissued: boolean; status: BookingStatus | null };
  }
}
