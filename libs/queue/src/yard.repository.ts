import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { BookingStatus } from '@kouan/booking';

/**
 * How long a truck completed at its lane stays awaited by the yard: long enough for any drive from lane to yard,
 * short enough that a truck nobody confirmed (or one completed before the yard used Kouan) leaves the list.
 */
export const YARD_AWAITS_HOURS = 12;

export interface AwaitedRow {
  id: string;
  reference: string;
  plate: string;
  status: 'called' | 'completed';
  lane_id: string;
  lane_name: string;
  called_at: Date;
  completed_at: Date | null;
  minutes: number;
}

/**
 * The trucks the yard of one port and direction waits for, in call order: called onto a lane, or completed there
 * within YARD_AWAITS_HOURS before `at` and not yet confirmed at the yard. Two index walks (the called trucks,
 * ix_bookings_yard_awaited), not one OR over both.
 */
export function awaitedRows(
  em: DataSource | EntityManager,
  port: string,
  direction: string,
  at: Date,
): Promise<AwaitedRow[]> {
  return rows<AwaitedRow>(
    em,
    `SELECT b.id, b.reference, v.plate, b.status, b.lane_id, l.name AS lane_name, b.called_at, b.completed_at,
            floor(extract(epoch FROM $4::timestamptz - b.called_at) / 60)::int AS minutes
     FROM (
       SELECT * FROM bookings WHERE port_code = $1 AND direction = $2 AND status = 'called'
       UNION ALL
       SELECT * FROM bookings WHERE port_code = $1 AND direction = $2 AND status = 'completed' AND yard_arrived_at IS NULL
         AND completed_at > $4::timestamptz - make_interval(hours => $3)
     ) b
     JOIN vehicles v ON v.id = b.vehicle_id
     JOIN lanes l ON l.id = b.lane_id
     ORDER BY b.called_at, b.id`,
    [port, direction, YARD_AWAITS_HOURS, at],
    { prepare: true },
  );
}

export interface ArrivalTarget {
  port_code: string;
  direction: string;
  status: BookingStatus;
  yard_arrived_at: Date | null;
}

/** Where a booking stands for a yard arrival: its queue, status and any arrival already confirmed. */
export function arrivalTarget(em: DataSource | EntityManager, id: string): Promise<ArrivalTarget | undefined> {
  return one<ArrivalTarget>(em, 'SELECT port_code, direction, status, yard_arrived_at FROM bookings WHERE id = $1', [
    id,
  ]);
}

export interface YardGateCandidate extends ArrivalTarget {
  id: string;
  firm_id: string;
}

/**
 * The trucks of `port` with a normalised `plate` that the yard awaits at `at` (as its view: called, or completed
 * within YARD_AWAITS_HOURS and not yet arrived), latest call first: what a yard-gate camera's read may mean.
 */
export function yardGateCandidates(
  db: DataSource | EntityManager,
  port: string,
  plate: string,
  at: Date,
): Promise<YardGateCandidate[]> {
  return rows<YardGateCandidate>(
    db,
    `SELECT b.id, b.firm_id, b.port_code, b.direction, b.status, b.yard_arrived_at FROM bookings b
     JOIN vehicles v ON v.id = b.vehicle_id
     WHERE v.plate = $2 AND b.port_code = $1 AND b.yard_arrived_at IS NULL
       AND (b.status = 'called'
            OR (b.status = 'completed' AND b.completed_at > $4::timestamptz - make_interval(hours => $3)))
     ORDER BY b.called_at DESC, b.id`,
    [port, plate, YARD_AWAITS_HOURS, at],
  );
}
