import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one, rows } from '@kouan/common';

/** Our port's schedule, as far as the import capacity it offers the far side goes. */
export interface ImportPlanRow {
  time_zone: string;
  slot_minutes: number;
  open_from: number;
  open_to: number;
  capacity_import: number;
  horizon_days: number;
}

export interface LinkStateRow {
  port_code: string;
  remote: string;
  departures_cursor: string | null;
  pushed: Record<string, string>;
  pushed_status: string | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  failures: number;
  last_error: string | null;
}

/** The link lib's statements: its own table (`counterpart_links`) and reads of our port's schedule and slots. */
@Injectable()
export class LinkRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  importPlan(port: string): Promise<ImportPlanRow | undefined> {
    return one<ImportPlanRow>(
      this.ds,
      `SELECT p.time_zone, sc.slot_minutes, sc.open_from, sc.open_to, sc.capacity_import, sc.horizon_days
       FROM ports p JOIN schedules sc ON sc.port_code = p.code WHERE p.code = $1`,
      [port],
    );
  }

  /** Our port's time zone (its incidents' `until` is written in it). */
  async timeZone(port: string): Promise<string | undefined> {
    return (await one<{ time_zone: string }>(this.ds, `SELECT time_zone FROM ports WHERE code = $1`, [port]))
      ?.time_zone;
  }

  /** The capacity of our import slots already made between two instants (a slot not made yet has the schedule's). */
  importSlots(port: string, from: Date, to: Date): Promise<Array<{ starts_at: Date; capacity: number }>> {
    return rows(
      this.ds,
      `SELECT starts_at, capacity FROM slots
       WHERE port_code = $1 AND direction = 'import' AND retired_at IS NULL AND starts_at >= $2 AND starts_at < $3`,
      [port, from, to],
    );
  }

  state(port: string): Promise<LinkStateRow | undefined> {
    return one<LinkStateRow>(this.ds, `SELECT * FROM counterpart_links WHERE port_code = $1`, [port]);
  }

  /** The link's row for `remote`, made (or reset, when the port was paired with another remote) `at`. */
  async ensure(port: string, remote: string, at: Date): Promise<LinkStateRow> {
    return (
      (await one<LinkStateRow>(
        this.ds,
        `INSERT INTO counterpart_links AS l (port_code, remote, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (port_code) DO UPDATE SET remote = EXCLUDED.remote, departures_cursor = NULL, pushed = '{}', pushed_status = NULL,
         failures = 0, last_error = NULL, updated_at = EXCLUDED.updated_at
         WHERE l.remote <> EXCLUDED.remote
       RETURNING *`,
        [port, remote, at],
      )) ?? ((await this.state(port)) as LinkStateRow)
    );
  }

  /** Takes the link's lease until `until` unless a run holds it; false when one does. */
  async lease(port: string, at: Date, until: Date): Promise<boolean> {
    const taken = await rows(
      this.ds,
      `UPDATE counterpart_links SET lease_until = $3 WHERE port_code = $1 AND (lease_until IS NULL OR lease_until <= $2)
       RETURNING 1`,
      [port, at, until],
    );
    return taken.length === 1;
  }

  async release(port: string): Promise<void> {
    await this.ds.query(`UPDATE counterpart_links SET lease_until = NULL WHERE port_code = $1`, [port]);
  }

  /** What was pushed for their date `date` (their windows as JSON text). */
  async pushed(port: string, date: string, windows: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE counterpart_links SET pushed = pushed || jsonb_build_object($2::text, $3::text), updated_at = $4
       WHERE port_code = $1`,
      [port, date, windows, at],
    );
  }

  /** The status last posted to their side (JSON text). */
  async pushedStatus(port: string, status: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE counterpart_links SET pushed_status = $2, updated_at = $3 WHERE port_code = $1`, [
      port,
      status,
      at,
    ]);
  }

  /** Forgets what was pushed for their dates before `firstDate` (gone by on their side). */
  async forgetPushedBefore(port: string, firstDate: string): Promise<void> {
    await this.ds.query(
      `UPDATE counterpart_links SET pushed = COALESCE(
         (SELECT jsonb_object_agg(key, value) FROM jsonb_each(pushed) WHERE key >= $2), '{}')
       WHERE port_code = $1`,
      [port, firstDate],
    );
  }

  /**
   * Moves the departures cursor from `from` to `to`; false when another run moved it first (its arrivals are recorded
   * by then, and this run's are recorded again harmlessly: arrivals are keyed by their plate and departure).
   */
  async advanceCursor(port: string, from: string | null, to: string, at: Date): Promise<boolean> {
    const moved = await rows(
      this.ds,
      `UPDATE counterpart_links SET departures_cursor = $3, updated_at = $4
       WHERE port_code = $1 AND departures_cursor IS NOT DISTINCT FROM $2 RETURNING 1`,
      [port, from, to, at],
    );
    return moved.length === 1;
  }

  async succeeded(port: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE counterpart_links SET last_success_at = $2, failures = 0, last_error = NULL, updated_at = $2
       WHERE port_code = $1`,
      [port, at],
    );
  }

  async failed(port: string, error: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE counterpart_links SET last_failure_at = $2, failures = failures + 1, last_error = left($3, 500), updated_at = $2
       WHERE port_code = $1`,
      [port, at, error],
    );
  }
}
