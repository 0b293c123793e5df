import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { Direction } from './entities/lane.entity';

export interface SlotRow {
  id: string;
  direction: Direction;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  booked: number;
  bookable: boolean;
}

/** A slot holding bookings, as a schedule preview weighs it. */
export interface BookedSlotRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  direction: Direction;
  booked: number;
}

export interface SlotPlanRow {
  slot_minutes: number;
  open_from: number;
  open_to: number;
}

/**
 * SQL, ports-owned, for the booking lib's place statements: the conditional UPDATE that takes one place of slot `$1`
 * while it is open, not full and within the horizon at `at` (an SQL parameter), with the slot's schedule `sc` and
 * port `p` in scope. `guard` is an extra condition, `from` adds FROM items and `returning` RETURNING columns for the
 * caller's CTEs. A fragment, not a method: the booking statement must take the place and the firm's share in one
 * statement (docs/architecture.md, "Invariants"), so it embeds this UPDATE as its CTE `s`.
 */
export const TAKE_SLOT_PLACE = (at: string, guard = 'true', from = '', returning = '') => `
    UPDATE slots sl SET booked = sl.booked + 1
    FROM schedules sc, ports p${from}
    WHERE sl.id = $1 AND (${guard}) AND sc.port_code = sl.port_code AND p.code = sl.port_code
      AND sl.retired_at IS NULL AND sl.booked < sl.capacity
      AND sl.ends_at > ${at} AND sl.starts_at <= ${at} + make_interval(days => sc.horizon_days)
    RETURNING sl.port_code, sl.direction, sl.booked, sl.capacity,
      to_char(sl.starts_at AT TIME ZONE p.time_zone, 'YYYY-MM-DD') AS service_date${returning}`;

/** SQL, ports-owned: gives back a place TAKE_SLOT_PLACE took in slot `$1` (the booking lib runs it with the share's). */
export const RELEASE_SLOT_PLACE =
  'UPDATE slots SET booked = booked - 1 WHERE id = $1 RETURNING port_code, direction, booked, capacity';

/** The statements on `slots` (and the schedule fields they need). */
@Injectable()
export class SlotsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The plan behind the grid, its row held FOR SHARE so a schedule change cannot slip in before the insert. */
  async planForShare(em: EntityManager, portCode: string): Promise<SlotPlanRow | undefined> {
    const [plan] = await rows<SlotPlanRow>(
      em,
      'SELECT slot_minutes, open_from, open_to FROM schedules WHERE port_code = $1 FOR SHARE',
      [portCode],
    );
    return plan;
  }

  /**
   * Inserts the missing slots of a grid for both directions, created `at`; the partial unique index makes it once per
   * slot.
   */
  async insertGrid(em: EntityManager, portCode: string, startsAt: Date[], endsAt: Date[], at: Date): Promise<void> {
    await em.query(
      `INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity, created_at)
       SELECT s.port_code, d.direction, g.starts_at, g.ends_at,
              CASE d.direction WHEN 'export' THEN s.capacity_export ELSE s.capacity_import END, $4::timestamptz
       FROM schedules s
       CROSS JOIN unnest($2::timestamptz[], $3::timestamptz[]) AS g(starts_at, ends_at)
       CROSS JOIN (VALUES ('export'), ('import')) AS d(direction)
       WHERE s.port_code = $1
       ON CONFLICT (port_code, direction, starts_at) WHERE retired_at IS NULL DO NOTHING`,
      [portCode, startsAt, endsAt, at],
    );
  }

  /** The slots starting in [from, to), each `bookable` as judged at `at` (not over, within the horizon). */
  listBetween(
    em: EntityManager,
    portCode: string,
    from: Date,
    to: Date,
    direction: Direction | null,
    at: Date,
  ): Promise<SlotRow[]> {
    return rows<SlotRow>(
      em,
      `SELECT sl.id, sl.direction, sl.starts_at, sl.ends_at, sl.capacity, sl.booked,
              (sl.ends_at > $5::timestamptz AND sl.starts_at <= $5::timestamptz + make_interval(days => sc.horizon_days)) AS bookable
       FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code
       WHERE sl.port_code = $1 AND sl.retired_at IS NULL AND sl.starts_at >= $2 AND sl.starts_at < $3
         AND ($4::varchar IS NULL OR sl.direction = $4)
       ORDER BY sl.starts_at, sl.direction`,
      [portCode, from, to, direction, at],
    );
  }

  /** How many days ahead the port takes bookings; null for a port without a schedule. */
  async horizonDays(portCode: string): Promise<number | null> {
    const row = await one<{ horizon_days: number }>(
      this.ds,
      'SELECT horizon_days FROM schedules WHERE port_code = $1',
      [portCode],
    );
    return row?.horizon_days ?? null;
  }

  /** The port's slots not over at `at` and not retired: those a schedule change may retire or resize. */
  open(em: EntityManager, portCode: string, at: Date): Promise<Array<{ id: string; starts_at: Date; ends_at: Date }>> {
    return rows(
      em,
      'SELECT id, starts_at, ends_at FROM slots WHERE port_code = $1 AND ends_at > $2 AND retired_at IS NULL',
      [portCode, at],
    );
  }

  /** The port's slots not over at `at`, not retired, that hold bookings: those a schedule change may affect. */
  bookedOpen(portCode: string, at: Date): Promise<BookedSlotRow[]> {
    return rows<BookedSlotRow>(
      this.ds,
      `SELECT id, starts_at, ends_at, direction, booked FROM slots
       WHERE port_code = $1 AND ends_at > $2 AND retired_at IS NULL AND booked > 0 ORDER BY starts_at, direction`,
      [portCode, at],
    );
  }

  /** Retires those of `ids` that nobody booked: a booking racing this either lands first (its slot is kept) or finds it retired. */
  async retireUnbooked(em: EntityManager, ids: string[], at: Date): Promise<void> {
    await em.query(
      'UPDATE slots SET retired_at = $2 WHERE id = ANY($1::uuid[]) AND booked = 0 AND retired_at IS NULL',
      [ids, at],
    );
  }

  /**
   * The port's slots not over at `at` take the new capacity of their direction, an export slot at most the far side's
   * share (`accepted`), never below what is booked in them.
   */
  async resizeOpen(
    em: EntityManager,
    portCode: string,
    exportCapacity: number,
    importCapacity: number,
    at: Date,
  ): Promise<void> {
    await em.query(
      `UPDATE slots SET capacity = GREATEST(CASE direction WHEN 'export' THEN LEAST($2::int, COALESCE(accepted, $2::int)) ELSE $3::int END, booked)
       WHERE port_code = $1 AND ends_at > $4::timestamptz AND retired_at IS NULL`,
      [portCode, exportCapacity, importCapacity, at],
    );
  }
}
