import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one } from '@kouan/common';
import { ACTIVE_STATUSES, BookingStatus } from './booking-status';
import { DRIVER_CODE_PER_HOUR } from './secrets';

/** What opening or refreshing a driver session needs to know about a booking, judged by the database clock. */
export interface DriverSessionRow {
  id: string;
  firm_id: string;
  port_code: string;
  status: BookingStatus;
  driver_code_hash: string;
  /** Carried in the driver tokens signed under the current code. */
  driver_code_version: number;
  /** Slot end + the schedule's check-in grace. */
  window_closes_at: Date;
  time_zone: string;
}

/** Where one reference stands, and one client address with it. */
export interface GuessState {
  /** Wrong codes for the reference in all, from every address, since its code was issued. */
  failures: number;
  /** Set while this address's hour of wrong codes is used up: when that hour ends. */
  throttled_until: Date | null;
  /**
   * The time zone of the port the reference names (PORT-YYYYMMDD-XXXX), China's when none: a made-up reference
   * is answered in the same zone as a real one of that port.
   */
  time_zone: string;
}

/** A reissued code: what the audit entry and the live message need. */
export interface ReissuedRow {
  id: string;
  port_code: string;
  driver_code_version: number;
}

const SELECT_SESSION = `
  SELECT b.id, b.firm_id, b.port_code, b.status, b.driver_code_hash, b.driver_code_version,
         sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) AS window_closes_at, p.time_zone
  FROM bookings b
  JOIN slots sl ON sl.id = b.slot_id
  JOIN schedules sc ON sc.port_code = b.port_code
  JOIN ports p ON p.code = b.port_code`;

/**
 * The address's current hour of wrong codes is still running at the instant in parameter `$3` (an SQL expression on
 * driver_code_address_guesses `a`): the caller's Clock, never the database's clock.
 */
const IN_WINDOW = `a.window_start > $3::timestamptz - interval '1 hour'`;

/**
 * The driver-code statements: on `bookings`, and on the wrong-code counts `driver_code_guesses` (per reference,
 * from every address) and `driver_code_address_guesses` (per reference and address), all owned by this lib.
 * Every change to a reference's counts happens while its `driver_code_guesses` row is locked (`lockGuesses`),
 * so racing attempts are judged one after the other on counts that are up to date.
 */
@Injectable()
export class DriverSessionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  byReference(em: EntityManager, reference: string): Promise<DriverSessionRow | undefined> {
    return one<DriverSessionRow>(em, `${SELECT_SESSION} WHERE b.reference = $1`, [reference]);
  }

  byId(id: string): Promise<DriverSessionRow | undefined> {
    return one<DriverSessionRow>(this.ds, `${SELECT_SESSION} WHERE b.id = $1`, [id]);
  }

  /** The booking's current driver-code version (undefined: no such booking). One primary-key read. */
  async codeVersion(id: string): Promise<number | undefined> {
    return (await one<{ v: number }>(this.ds, 'SELECT driver_code_version AS v FROM bookings WHERE id = $1', [id]))?.v;
  }

  /**
   * Locks the reference's count until the transaction ends, creating it at zero for a reference never tried
   * (whether or not it is booked). The no-op update is what takes the lock when the row exists.
   */
  async lockGuesses(em: EntityManager, reference: string): Promise<void> {
    await em.query(
      `INSERT INTO driver_code_guesses AS g (reference) VALUES ($1) ON CONFLICT (reference) DO UPDATE SET failures = g.failures`,
      [reference],
    );
  }

  /**
   * The counts for a reference and an address. Read after `lockGuesses`, in a statement of its own, it sees what
   * the previous lock holder committed; read without it, it may be behind.
   */
  async state(db: EntityManager | DataSource, reference: string, address: string, at: Date): Promise<GuessState> {
    const r = await one<GuessState>(
      db,
      `SELECT COALESCE((SELECT failures FROM driver_code_guesses WHERE reference = $1), 0) AS failures,
              (SELECT a.window_start + interval '1 hour' FROM driver_code_address_guesses a
               WHERE a.reference = $1 AND a.address = $2 AND ${IN_WINDOW} AND a.failures >= ${DRIVER_CODE_PER_HOUR}) AS throttled_until,
              COALESCE((SELECT time_zone FROM ports WHERE code = substring($1 from '^(.+)-[0-9]{8}-[0-9A-Z]{4}$')), 'Asia/Shanghai') AS time_zone`,
      [reference, address, at],
    );
    return r as GuessState;
  }

  /**
   * Counts one wrong code for the reference (in all) and for the address (in its hour, or starting a new hour).
   * Only under `lockGuesses`, after the limits were checked; the tables' CHECKs refuse a count past them.
   */
  async countWrongCode(em: EntityManager, reference: string, address: string, at: Date): Promise<void> {
    await em.query(
      `WITH g AS (UPDATE driver_code_guesses SET failures = failures + 1, updated_at = $3 WHERE reference = $1)
       INSERT INTO driver_code_address_guesses AS a (reference, address, window_start, failures) VALUES ($1, $2, $3, 1)
       ON CONFLICT (reference, address) DO UPDATE SET
         window_start = CASE WHEN ${IN_WINDOW} THEN a.window_start ELSE $3 END,
         failures = CASE WHEN ${IN_WINDOW} THEN a.failures + 1 ELSE 1 END`,
      [reference, address, at],
    );
  }

  /**
   * A new code for an active booking of the firm, one version up (which ends the sessions of the old code),
   * with the reference's wrong-code counts deleted; an idempotent replay of the booking then shows the new
   * code, not the dead one. Undefined when nothing was reissued (not the firm's, or final).
   */
  reissue(
    em: EntityManager,
    id: string,
    firmId: string,
    hash: string,
    sealed: string,
    at: Date,
  ): Promise<ReissuedRow | undefined> {
    return one<ReissuedRow>(
      em,
      `WITH b AS (
         UPDATE bookings SET driver_code_hash = $3, driver_code_version = driver_code_version + 1, updated_at = $6
         WHERE id = $1 AND firm_id = $2 AND status = ANY($5) RETURNING id, reference, port_code, driver_code_version
       ), k AS (
         UPDATE idempotency_keys SET driver_code_sealed = $4
         WHERE firm_id = $2 AND response->>'id' = $1::text AND EXISTS (SELECT 1 FROM b)
       ), g AS (
         DELETE FROM driver_code_guesses WHERE reference = (SELECT reference FROM b)
       )
       SELECT id, port_code, driver_code_version FROM b`,
      [id, firmId, hash, sealed, ACTIVE_STATUSES, at],
    );
  }

  /** The status of the firm's booking (undefined: not the firm's), to say why nothing was reissued. */
  async statusOf(id: string, firmId: string): Promise<BookingStatus | undefined> {
    return (
      await one<{ status: BookingStatus }>(this.ds, 'SELECT status FROM bookings WHERE id = $1 AND firm_id = $2', [
        id,
        firmId,
      ])
    )?.status;
  }
}
