import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, page, rows } from '@kouan/common';
import { type Direction, FEES_IN_FORCE, type FeeColumns, feesDue, SLOTS_CHANGED_EVENT } from '@kouan/ports';
import { isoInZone } from '@kouan/calendar';
import type { BookingStatus } from './booking-status';
import { EVENT } from './booking-transitions.repository';
import { CLAIM_KEY, type KeyClaim, KEY_TAKEN } from './idempotency-keys.repository';
import type { DeclarationDto } from './dto/declaration.dto';
import type { BookingDto, ListBookingsQueryDto } from './dto/booking.dto';
import { placeCtes, type PlaceRow } from './places.repository';
import { stagesOf } from './stage-times';

export interface BookingRow extends FeeColumns {
  id: string;
  reference: string;
  status: BookingStatus;
  slot_id: string;
  port_code: string;
  direction: Direction;
  service_date: string;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  vehicle_id: string;
  plate: string;
  driver_id: string;
  driver_name: string;
  cargo_description: string;
  hs_code: string;
  weight_kg: number;
  perishable: boolean;
  declaration_no: string | null;
  created_at: Date;
  updated_at: Date;
  customs_office: string | null;
  declaration_documents: Array<{ kind: string; ref: string }>;
  declaration_status: DeclarationDto['status'] | null;
  declaration_note: string | null;
  checked_in_at: Date | null;
  called_at: Date | null;
  at_lane_at: Date | null;
  completed_at: Date | null;
  yard_arrived_at: Date | null;
}

/** What the booking statement needs besides the slot, the firm and the instant. */
export interface NewBooking {
  id: string;
  vehicleId: string;
  driverId: string;
  referenceSuffix: string;
  driverCodeHash: string;
  cargo: { description: string; hsCode: string; weightKg: number; perishable: boolean; declarationNo: string | null };
  createdBy: string;
  /** Who did it (jsonb), for the event: named here too, as the statement may run outside inTransaction. */
  actor: string;
  /** The request's Idempotency-Key, claimed with its answer in the booking's statement (CLAIM_KEY). */
  claim: KeyClaim | null;
}

/**
 * The booking statement's report: placeCtes' row, whether the firm owns vehicle and driver, the reference, and the
 * fees in force on the slot's day (what the answer shows, with no read after the statement).
 */
export type BookedRow = PlaceRow & { parties: boolean; reference: string | null } & FeeColumns;

/** A booking as its firm's reschedule sees it, the row locked. */
export interface LockedBookingRow {
  slot_id: string;
  status: BookingStatus;
  port_code: string;
  direction: Direction;
}

const SELECT_BOOKING = `
  SELECT b.id, b.reference, b.status, b.slot_id, b.port_code, b.direction, to_char(b.service_date, 'YYYY-MM-DD') AS service_date,
         sl.starts_at, sl.ends_at, p.time_zone, b.vehicle_id, v.plate, b.driver_id, d.name AS driver_name,
         b.cargo_description, b.hs_code, b.weight_kg, b.perishable, b.declaration_no, b.created_at, b.updated_at,
         fee.version AS fee_version, fee.currency AS fee_currency, fee.items AS fee_items,
         b.customs_office, b.declaration_documents, b.declaration_status, b.declaration_note,
         b.checked_in_at, b.called_at, b.at_lane_at, b.completed_at, b.yard_arrived_at
  FROM bookings b
  JOIN slots sl ON sl.id = b.slot_id
  JOIN ports p ON p.code = b.port_code
  JOIN vehicles v ON v.id = b.vehicle_id
  JOIN drivers d ON d.id = b.driver_id
  -- The port's fees in force on the slot's day (its local date): a later version does not change them.
  LEFT JOIN LATERAL (${FEES_IN_FORCE('b.port_code', '(sl.starts_at AT TIME ZONE p.time_zone)::date')}) fee ON true`;

/** What a booking owes (the ports lib's fee rule), null while the port has published no fees. */
export const feesOfBooking = (r: BookingRow) => feesDue(r, r.weight_kg);

export const toBookingDto = (r: BookingRow): BookingDto => ({
  id: r.id,
  reference: r.reference,
  status: r.status,
  slotId: r.slot_id,
  portCode: r.port_code,
  direction: r.direction,
  serviceDate: r.service_date,
  slotStartsAt: isoInZone(r.starts_at, r.time_zone),
  slotEndsAt: isoInZone(r.ends_at, r.time_zone),
  vehicleId: r.vehicle_id,
  plate: r.plate,
  driverId: r.driver_id,
  driverName: r.driver_name,
  cargo: {
    description: r.cargo_description,
    hsCode: r.hs_code,
    weightKg: r.weight_kg,
    perishable: r.perishable,
    ...(r.declaration_no ? { declarationNo: r.declaration_no } : {}),
  },
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  fees: feesOfBooking(r),
  declaration: r.declaration_status
    ? {
        declarationNo: r.declaration_no as string,
        customsOffice: r.customs_office,
        documents: r.declaration_documents,
        status: r.declaration_status,
        note: r.declaration_note,
      }
    : null,
  stages: stagesOf(r),
});

/** The slot's count after the booking statement took its place and share (none when it took neither). */
const SLOT_TAKEN = 'SELECT s.port_code, s.direction, $1::uuid AS slot_id, s.booked, s.capacity FROM s, u';

/** The statements on `bookings` (this lib's table) other than its status moves, which are BookingTransitions'. */
@Injectable()
export class BookingsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * One statement: the firm owns the vehicle and the driver, a place and a share of it are taken (placeCtes),
   * and the booking row is written with its booking.created event and the slot's new count (the ports lib's
   * slots.changed port event, for the boards). When the share is refused after the place was
   * taken, kouan_refuse() aborts the whole statement, so nothing is left half done, inside a transaction or not.
   */
  /**
   * The booking in one statement: the firm owns vehicle and driver, a place and a share of it are taken (a refused
   * share aborts the whole statement), the row and its events are written, and with a key, the key is claimed with
   * the answer (CLAIM_KEY: a key claimed before aborts it, `idempotency_key_taken`).
   */
  book(
    db: EntityManager | DataSource,
    slotId: string,
    firmId: string,
    n: NewBooking,
    at: Date,
  ): Promise<BookedRow | undefined> {
    return one<BookedRow>(
      db,
      `WITH parties AS (
         SELECT 1 FROM vehicles v JOIN drivers d ON d.firm_id = v.firm_id WHERE v.id = $3 AND d.id = $4 AND v.firm_id = $2
       ), ${placeCtes('$15::timestamptz', 'EXISTS (SELECT 1 FROM parties)')},
       b AS (
         INSERT INTO bookings (id, reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id,
           driver_code_hash, cargo_description, hs_code, weight_kg, perishable, declaration_no, created_by, created_at, updated_at)
         SELECT $5, s.port_code || '-' || replace(s.service_date, '-', '') || '-' || $6, $2, $1, s.port_code, s.direction,
           s.service_date::date, $3, $4, $7, $8, $9, $10, $11, $12, $13, $15, $15
         FROM s, u
         RETURNING id, firm_id, port_code, direction, reference, status, slot_id
       ), moved AS (SELECT * FROM b), ${EVENT('booking.created', `jsonb_build_object('slotId', m.slot_id)`, '$14::jsonb', '$15::timestamptz')},
       ${SLOTS_CHANGED_EVENT(SLOT_TAKEN, '$14::jsonb', '$15::timestamptz')}${n.claim ? `, ${CLAIM_KEY('$2', '$16', '$17', '$18', '$15')}` : ''}
       SELECT EXISTS (SELECT 1 FROM parties) AS parties, s.*, EXISTS (SELECT 1 FROM u) AS quota_ok,
              (SELECT reference FROM b) AS reference, fee.version AS fee_version, fee.currency AS fee_currency,
              fee.items AS fee_items,
              CASE WHEN s.port_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM u)
                   THEN kouan_refuse('quota_exceeded:' || s.quota || ':' || s.quota_halved) END AS refused
              ${n.claim ? `, ${KEY_TAKEN}` : ''}
       FROM (VALUES (1)) AS one_row (x) LEFT JOIN s ON true
       LEFT JOIN LATERAL (${FEES_IN_FORCE('s.port_code', 's.service_date::date')}) fee ON true`,
      [
        slotId,
        firmId,
        n.vehicleId,
        n.driverId,
        n.id,
        n.referenceSuffix,
        n.driverCodeHash,
        n.cargo.description,
        n.cargo.hsCode,
        n.cargo.weightKg,
        n.cargo.perishable,
        n.cargo.declarationNo,
        n.createdBy,
        n.actor,
        at,
        ...(n.claim ? [n.claim.key, n.claim.hash, n.claim.sealed] : []),
      ],
      { prepare: true },
    );
  }

  byId(id: string): Promise<BookingRow | undefined> {
    return one<BookingRow>(this.ds, `${SELECT_BOOKING} WHERE b.id = $1`, [id]);
  }

  ofFirm(id: string, firmId: string): Promise<BookingRow | undefined> {
    return one<BookingRow>(this.ds, `${SELECT_BOOKING} WHERE b.id = $1 AND b.firm_id = $2`, [id, firmId]);
  }

  list(firmId: string, q: ListBookingsQueryDto): Promise<BookingRow[]> {
    return rows<BookingRow>(
      this.ds,
      `${SELECT_BOOKING}
       WHERE b.firm_id = $1 AND ($2::date IS NULL OR b.service_date = $2::date) AND ($3::varchar IS NULL OR b.status = $3)
       ORDER BY sl.starts_at, b.created_at, b.id LIMIT $4 OFFSET $5`,
      [firmId, q.date ?? null, q.status ?? null, page(q).limit, page(q).offset],
    );
  }

  /** The firm's booking, its row locked until the transaction ends (undefined: not the firm's). */
  lockOfFirm(em: EntityManager, id: string, firmId: string): Promise<LockedBookingRow | undefined> {
    return one<LockedBookingRow>(
      em,
      'SELECT slot_id, status, port_code, direction FROM bookings WHERE id = $1 AND firm_id = $2 FOR UPDATE',
      [id, firmId],
    );
  }

  /** The status of the firm's booking (undefined: not the firm's). */
  async statusOfFirm(em: EntityManager, id: string, firmId: string): Promise<BookingStatus | undefined> {
    return (
      await one<{ status: BookingStatus }>(em, 'SELECT status FROM bookings WHERE id = $1 AND firm_id = $2', [
        id,
        firmId,
      ])
    )?.status;
  }
}
