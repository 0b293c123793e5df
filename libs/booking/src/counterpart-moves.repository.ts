import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { rows } from '@kouan/common';
import { ACTIVE_STATUSES } from './booking-status';

/** A booked truck a cut slot holds beyond its capacity, locked. */
export interface ExcessBookingRow {
  id: string;
  firm_id: string;
  vehicle_id: string;
  slot_id: string;
}

/** The reads of a counterpart's capacity cut (docs/counterpart.md, "Capacity"); the moves are BookingTransitions'. */
@Injectable()
export class CounterpartMovesRepository {
  /** The `count` most recently booked trucks of slot `slotId` still booked, newest first, locked. */
  excess(em: EntityManager, slotId: string, count: number): Promise<ExcessBookingRow[]> {
    return rows<ExcessBookingRow>(
      em,
      `SELECT id, firm_id, vehicle_id, slot_id FROM bookings WHERE slot_id = $1 AND status = 'booked'
       ORDER BY created_at DESC, id DESC LIMIT $2 FOR UPDATE`,
      [slotId, count],
    );
  }

  /**
   * Slots a truck of `vehicleId` (booking `bookingId`) may move to from a slot of `portCode` starting at `after`: the
   * later export slots with a free place, within the horizon at `at`, on a day the vehicle has no other booking; in
   * start order. The firm's share is checked when the place is taken.
   */
  later(
    em: EntityManager,
    portCode: string,
    after: Date,
    vehicleId: string,
    bookingId: string,
    at: Date,
  ): Promise<Array<{ id: string }>> {
    return rows<{ id: string }>(
      em,
      `SELECT sl.id FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code JOIN ports p ON p.code = sl.port_code
       WHERE sl.port_code = $1 AND sl.direction = 'export' AND sl.retired_at IS NULL AND sl.starts_at > $2
         AND sl.booked < sl.capacity
         AND sl.ends_at > $3::timestamptz AND sl.starts_at <= $3::timestamptz + make_interval(days => sc.horizon_days)
         AND NOT EXISTS (
           SELECT 1 FROM bookings o
           WHERE o.vehicle_id = $4 AND o.port_code = sl.port_code AND o.id <> $5 AND o.status = ANY($6)
             AND o.service_date = (sl.starts_at AT TIME ZONE p.time_zone)::date)
       ORDER BY sl.starts_at`,
      [portCode, after, at, vehicleId, bookingId, ACTIVE_STATUSES],
    );
  }
}
