import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { AcceptanceWindow, CounterpartStatusValue } from './entities/counterpart.entity';

export interface CounterpartStatusRow {
  status: CounterpartStatusValue;
  reason: string;
  reasons: Record<string, string>;
  until: Date | null;
  set_at: Date;
}

export interface AcceptanceRow {
  service_date: string;
  windows: AcceptanceWindow[];
  reason: string | null;
  set_at: Date;
}

/** An export slot of a day, locked, with the schedule's capacity for export. */
export interface ExportSlotRow {
  id: string;
  starts_at: Date;
  capacity: number;
  booked: number;
  accepted: number | null;
  schedule_capacity: number;
}

/** A slot's share of its window, as the acceptance gives it (null: in no window, the schedule's capacity). */
export interface SlotShare {
  slotId: string;
  accepted: number | null;
}

/** The statements on `counterpart_status` and `counterpart_acceptance`, and the acceptance's share of the slots. */
@Injectable()
export class CounterpartRepository {
  async putStatus(
    em: EntityManager,
    portCode: string,
    s: { status: CounterpartStatusValue; reason: string; reasons: Record<string, string>; until: Date | null },
    setBy: string,
    at: Date,
  ): Promise<void> {
    await em.query(
      `INSERT INTO counterpart_status (port_code, status, reason, reasons, until, set_by, set_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
       ON CONFLICT (port_code) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
         reasons = EXCLUDED.reasons, until = EXCLUDED.until, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
      [portCode, s.status, s.reason, JSON.stringify(s.reasons), s.until, setBy, at],
    );
  }

  status(db: EntityManager | DataSource, portCode: string): Promise<CounterpartStatusRow | undefined> {
    return one<CounterpartStatusRow>(
      db,
      'SELECT status, reason, reasons, until, set_at FROM counterpart_status WHERE port_code = $1',
      [portCode],
    );
  }

  /** The status rows of `portCodes` (those that have one). */
  statuses(
    db: EntityManager | DataSource,
    portCodes: string[],
  ): Promise<Array<CounterpartStatusRow & { port_code: string }>> {
    return rows(
      db,
      'SELECT port_code, status, reason, reasons, until, set_at FROM counterpart_status WHERE port_code = ANY($1::varchar[])',
      [portCodes],
    );
  }

  async putAcceptance(
    em: EntityManager,
    portCode: string,
    date: string,
    windows: AcceptanceWindow[],
    reason: string | null,
    setBy: string,
    at: Date,
  ): Promise<void> {
    await em.query(
      `INSERT INTO counterpart_acceptance (port_code, service_date, windows, reason, set_by, set_at)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6)
       ON CONFLICT (port_code, service_date) DO UPDATE SET windows = EXCLUDED.windows, reason = EXCLUDED.reason,
         set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
      [portCode, date, JSON.stringify(windows), reason, setBy, at],
    );
  }

  /** The acceptance stated for the first date on or after `fromDate` that has one. */
  nextAcceptance(
    db: EntityManager | DataSource,
    portCode: string,
    fromDate: string,
  ): Promise<AcceptanceRow | undefined> {
    return one<AcceptanceRow>(
      db,
      `SELECT to_char(service_date, 'YYYY-MM-DD') AS service_date, windows, reason, set_at FROM counterpart_acceptance
       WHERE port_code = $1 AND service_date >= $2::date ORDER BY service_date LIMIT 1`,
      [portCode, fromDate],
    );
  }

  /**
   * The export slots starting in [from, to), locked in start order: a booking's TAKE_SLOT_PLACE waits for this
   * transaction, then re-checks `booked < capacity` on the capacity it leaves.
   */
  lockExportSlots(em: EntityManager, portCode: string, from: Date, to: Date): Promise<ExportSlotRow[]> {
    return rows<ExportSlotRow>(
      em,
      `SELECT sl.id, sl.starts_at, sl.capacity, sl.booked, sl.accepted, sc.capacity_export AS schedule_capacity
       FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code
       WHERE sl.port_code = $1 AND sl.direction = 'export' AND sl.retired_at IS NULL
         AND sl.starts_at >= $2 AND sl.starts_at < $3
       ORDER BY sl.starts_at FOR UPDATE OF sl`,
      [portCode, from, to],
    );
  }

  /**
   * Each slot takes its share: capacity = the schedule's export capacity, at most `accepted`, and never below what it
   * holds. Returns every slot's counters after.
   */
  applyShares(
    em: EntityManager,
    shares: SlotShare[],
  ): Promise<Array<{ slotId: string; booked: number; capacity: number }>> {
    return rows(
      em,
      `UPDATE slots sl SET accepted = v.accepted,
         capacity = GREATEST(LEAST(sc.capacity_export, COALESCE(v.accepted, sc.capacity_export)), sl.booked)
       FROM unnest($1::uuid[], $2::int[]) AS v(id, accepted), schedules sc
       WHERE sl.id = v.id AND sc.port_code = sl.port_code
       RETURNING sl.id AS "slotId", sl.booked, sl.capacity`,
      [shares.map((s) => s.slotId), shares.map((s) => s.accepted)],
    );
  }
}
