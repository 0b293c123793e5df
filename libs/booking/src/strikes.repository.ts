import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one } from '@kouan/common';
import { noShowsOf, strikesOf } from './strikes';

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

  /** A firm's strikes and no-shows now, with the schedules that judge them; undefined for an unknown firm. */
  standing(firmId: string, port: string | null): Promise<StandingRow | undefined> {
    return one<StandingRow>(
      this.ds,
      `SELECT ${strikesOf('f.id')} AS strikes, ${noShowsOf('f.id')} AS no_shows,
              COALESCE((SELECT json_agg(json_build_object('port', sc.port_code, 'strikeLimit', sc.strike_limit,
                                                          'quotaPercent', sc.firm_quota_percent) ORDER BY sc.port_code)
                        FROM schedules sc WHERE $2::varchar IS NULL OR sc.port_code = $2), '[]') AS ports
       FROM firms f WHERE f.id = $1`,
      [firmId, port],
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
