import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one, rows } from '@kouan/common';
import { laneStoppedDuring } from '@kouan/ports';
import { STRIKE_DAYS } from './strikes';

/**
 * SQL: the strikes of firm `firm` (an SQL expression) at instant `at` (an SQL parameter: the caller's Clock), at every
 * port: its no-shows of the last 30 days (`no_show_at`), less those waived by staff and those of a slot during which
 * a lane of the booking's port and direction was paused or closed (waived by themselves: the port stopped, not the
 * truck). One definition for the standing a firm is shown and for the quota its bookings get
 * (places.repository.ts), so the two always agree.
 */
export const strikesOf = (firm: string, at: string) => `(
  SELECT count(*)::int FROM bookings x JOIN slots xs ON xs.id = x.slot_id
  WHERE x.firm_id = ${firm} AND x.status = 'no_show' AND x.no_show_at > ${at} - make_interval(days => ${STRIKE_DAYS})
    AND x.waived_at IS NULL AND NOT ${laneStoppedDuring('x.port_code', 'x.direction', 'xs.starts_at', 'xs.ends_at')})`;

/** SQL: every no-show of firm `firm` in the 30 days before `at`, waived or not. */
export const noShowsOf = (firm: string, at: string) => `(
  SELECT count(*)::int FROM bookings x
  WHERE x.firm_id = ${firm} AND x.status = 'no_show' AND x.no_show_at > ${at} - make_interval(days => ${STRIKE_DAYS}))`;

export interface StandingRow {
  strikes: number;
  no_shows: number;
  /** Each port's schedule (only `port`'s when one was asked for), by code. */
  ports: Array<{ port: string; strikeLimit: number; quotaPercent: number }>;
}

export interface WaivableRow {
  port_code: string;
  status: string;
  waived: boolean;
  time_zone: string;
}

/** The reads behind strikes and waivers (the moves themselves are BookingTransitions'). */
@Injectable()
export class StrikesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** A firm's strikes and no-shows at `at`, with the schedules that judge them; undefined for an unknown firm. */
  standing(firmId: string, port: string | null, at: Date): Promise<StandingRow | undefined> {
    return one<StandingRow>(
      this.ds,
      `SELECT ${strikesOf('f.id', '$3::timestamptz')} AS strikes, ${noShowsOf('f.id', '$3::timestamptz')} AS no_shows,
              COALESCE((SELECT json_agg(json_build_object('port', sc.port_code, 'strikeLimit', sc.strike_limit,
                                                          'quotaPercent', sc.firm_quota_percent) ORDER BY sc.port_code)
                        FROM schedules sc WHERE $2::varchar IS NULL OR sc.port_code = $2), '[]') AS ports
       FROM firms f WHERE f.id = $1`,
      [firmId, port, at],
    );
  }

  /** The strikes and no-shows of each of `firmIds` at `at`. */
  strikesOfFirms(firmIds: string[], at: Date): Promise<Array<{ id: string; strikes: number; no_shows: number }>> {
    return rows(
      this.ds,
      `SELECT f.id, ${strikesOf('f.id', '$2::timestamptz')} AS strikes, ${noShowsOf('f.id', '$2::timestamptz')} AS no_shows
       FROM firms f WHERE f.id = ANY($1::uuid[])`,
      [firmIds, at],
    );
  }

  /** What a waiver needs to know of a booking first: its port (for the staff's scope), status and zone. */
  waivable(bookingId: string): Promise<WaivableRow | undefined> {
    return one<WaivableRow>(
      this.ds,
      `SELECT b.port_code, b.status, b.waived_at IS NOT NULL AS waived, p.time_zone
       FROM bookings b JOIN ports p ON p.code = b.port_code WHERE b.id = $1`,
      [bookingId],
    );
  }
}
