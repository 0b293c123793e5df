import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';

/** The statements check-in reads with (the moves themselves are BookingTransitions'). */

export interface Arrival {
  id: string;
  status: string;
  port_code: string;
  direction: string;
  slot_id: string;
  perishable: boolean;
  reefer: boolean;
  language: string;
  time_zone: string;
  too_early: boolean;
  too_late: boolean;
  declaration_missing: boolean;
  declaration_status: string | null;
  come_back_at: Date;
  priority_cap: number;
}

/**
 * A booking with what check-in needs to decide, judged at the caller's instant (`at`: the parameter that holds it),
 * from `bookings b` and the rows ARRIVAL_JOINS joins to it.
 */
const ARRIVAL_COLUMNS = (at: string) => `
  b.id, b.status, b.port_code, b.direction, b.slot_id, b.perishable, v.reefer, d.language, p.time_zone,
  ${at}::timestamptz < sl.starts_at - make_interval(mins => sc.early_arrival_minutes) AS too_early,
  ${at}::timestamptz > sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) AS too_late,
  sc.require_declaration AND b.declaration_status IS DISTINCT FROM 'accepted' AS declaration_missing, b.declaration_status,
  sl.starts_at - make_interval(mins => sc.early_arrival_minutes) AS come_back_at,
  (sl.capacity * sc.priority_cap_percent + 99) / 100 AS priority_cap`;

const ARRIVAL_JOINS = `
  JOIN slots sl ON sl.id = b.slot_id
  JOIN schedules sc ON sc.port_code = b.port_code
  JOIN ports p ON p.code = b.port_code
  JOIN vehicles v ON v.id = b.vehicle_id
  JOIN drivers d ON d.id = b.driver_id`;

/** A booking that holds a plate at a port today, with its firm: one of several firms' when the plate is ambiguous. */
export interface Holder extends Arrival {
  reference: string;
  firm_id: string;
  firm_name: string;
}

/**
 * The active bookings at a port holding a plate today (slot date today at the port, or check-in window open now),
 * of every firm, each with what check-in needs to decide (ARRIVAL_COLUMNS): the plate's own booking first, then by
 * slot. $1 = normalised plate, $2 = port, $3 = now.
 */
const HOLDERS = `
  SELECT ${ARRIVAL_COLUMNS('$3')}, b.reference, b.firm_id, f.name AS firm_name
  FROM bookings b ${ARRIVAL_JOINS}
  JOIN firms f ON f.id = b.firm_id
  WHERE v.plate = $1 AND b.port_code = $2 AND b.status IN ('booked', 'checked_in', 'called')
    AND (b.service_date = ($3::timestamptz AT TIME ZONE p.time_zone)::date
         OR $3::timestamptz BETWEEN sl.starts_at - make_interval(mins => sc.early_arrival_minutes)
                      AND sl.ends_at + make_interval(mins => sc.check_in_grace_minutes))
  ORDER BY (b.status = 'booked') DESC, sl.starts_at, b.reference`;

/** An active booking of `port` by its reference (any case), with what check-in needs to decide at `at`. */
export function arrivalByReference(
  db: DataSource | EntityManager,
  reference: string,
  port: string,
  at: Date,
): Promise<Arrival | undefined> {
  return one<Arrival>(
    db,
    `SELECT ${ARRIVAL_COLUMNS('$3')} FROM bookings b ${ARRIVAL_JOINS}
     WHERE b.reference = upper($1) AND b.port_code = $2 AND b.status IN ('booked', 'checked_in', 'called')`,
    [reference, port, at],
    { prepare: true },
  );
}

/** The active bookings of `port` holding a normalised `plate` on the port's day of `at` (HOLDERS). */
export function plateHolders(db: DataSource | EntityManager, plate: string, port: string, at: Date): Promise<Holder[]> {
  return rows<Holder>(db, HOLDERS, [plate, port, at], { prepare: true });
}

/** A booking with what check-in needs to decide at `at`. */
export function arrivalOf(db: DataSource | EntityManager, bookingId: string, at: Date): Promise<Arrival | undefined> {
  return one<Arrival>(
    db,
    `SELECT ${ARRIVAL_COLUMNS('$2')} FROM bookings b ${ARRIVAL_JOINS} WHERE b.id = $1`,
    [bookingId, at],
    {
      prepare: true,
    },
  );
}

/** Whether drivers may check in at `port` by their phone's position (the schedule's phone_check_in; true without one). */
export async function phoneCheckInAllowed(db: DataSource | EntityManager, port: string): Promise<boolean> {
  const row = await one<{ phone_check_in: boolean }>(db, `SELECT phone_check_in FROM schedules WHERE port_code = $1`, [
    port,
  ]);
  return row?.phone_check_in ?? true;
}
