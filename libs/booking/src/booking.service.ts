import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, type Principal } from '@kouan/auth';
import { AppConfig } from '@kouan/config';
import { DomainError, inTransaction, isUniqueViolation, notFound, one, page, pgError, rows } from '@kouan/common';
import type { Direction, BookingFeesDto, FeeItem } from '@kouan/ports';
import type { DeclarationDto } from './dto/declaration.dto';
import { isoInZone } from '@kouan/calendar';
import { SlotsService } from '@kouan/ports';
import { LivePublisher } from '@kouan/realtime';
import { BookingStatus, illegalMove, sourcesOf } from './booking-status';
import { EVENT, MOVED } from './booking-transitions.repository';
import type {
  BookingDto,
  CreateBookingDto,
  CreatedBookingDto,
  FirmSlotDto,
  FirmSlotsQueryDto,
  ListBookingsQueryDto,
} from './dto/booking.dto';
import {
  FIRM_AVAILABILITY,
  freePlace,
  placeCtes,
  placeOutcome,
  PlaceRow,
  quotaExceeded,
  SlotCount,
  takePlace,
} from './places';
import { canonicalHash, hashDriverCode, newDriverCode, referenceSuffix, seal, unseal } from './secrets';

interface BookingRow {
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
  fee_version: number | null;
  fee_currency: string | null;
  fee_items: FeeItem[] | null;
  customs_office: string | null;
  declaration_documents: Array<{ kind: string; ref: string }>;
  declaration_status: DeclarationDto['status'] | null;
  declaration_note: string | null;
}

const SELECT_BOOKING = `
  SELECT b.id, b.reference, b.status, b.slot_id, b.port_code, b.direction, to_char(b.service_date, 'YYYY-MM-DD') AS service_date,
         sl.starts_at, sl.ends_at, p.time_zone, b.vehicle_id, v.plate, b.driver_id, d.name AS driver_name,
         b.cargo_description, b.hs_code, b.weight_kg, b.perishable, b.declaration_no, b.created_at, b.updated_at,
         fee.version AS fee_version, fee.currency AS fee_currency, fee.items AS fee_items,
         b.customs_office, b.declaration_documents, b.declaration_status, b.declaration_note
  FROM bookings b
  JOIN slots sl ON sl.id = b.slot_id
  JOIN ports p ON p.code = b.port_code
  JOIN vehicles v ON v.id = b.vehicle_id
  JOIN drivers d ON d.id = b.driver_id
  -- The port's fees in force on the slot's day (its local date): a later version does not change them.
  LEFT JOIN LATERAL (
    SELECT f.version, f.currency, f.items FROM port_fees f
    WHERE f.port_code = b.port_code AND f.effective_from <= (sl.starts_at AT TIME ZONE p.time_zone)::date
    ORDER BY f.effective_from DESC, f.version DESC LIMIT 1
  ) fee ON true`;

/** What a booking owes: per-truck items, and per-tonne items times its cargo's weight; rounded to cents. */
function feesOf(r: BookingRow): BookingFeesDto | null {
  if (r.fee_version === null || !r.fee_items) return null;
  const total = r.fee_items.reduce(
    (sum, i) => sum + (i.unit === 'per_tonne' ? i.amount * (r.weight_kg / 1000) : i.amount),
    0,
  );
  return {
    version: r.fee_version,
    currency: r.fee_currency as string,
    total: Math.round(total * 100) / 100,
    items: r.fee_items,
  };
}

const toDto = (r: BookingRow): BookingDto => ({
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
  fees: feesOf(r),
  declaration: r.declaration_status
    ? {
        declarationNo: r.declaration_no as string,
        customsOffice: r.customs_office,
        documents: r.declaration_documents,
        status: r.declaration_status,
        note: r.declaration_note,
      }
    : null,
});

/** A firm user's firm; only firm roles reach the booking routes. */
const firmOf = (p: Principal): string => p.firmId as string;

@Injectable()
export class BookingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly live: LivePublisher,
    private readonly slots: SlotsService,
  ) {}

  /** slots:update for the board, sent only once the change has committed. */
  private announce(...counts: SlotCount[]): void {
    for (const c of counts) {
      this.live.slots({
        port: c.portCode,
        direction: c.direction,
        slotId: c.slotId,
        booked: c.booked,
        available: Math.max(c.capacity - c.booked, 0),
      });
    }
  }

  /**
   * Without an Idempotency-Key a booking is one statement, atomic on its own: ownership check, place,
   * quota share and row (see book()). With a key, the key is claimed first in the same transaction. A
   * reference collision (four random characters per port and day) is simply retried.
   */
  async create(principal: Principal, dto: CreateBookingDto, key?: string): Promise<CreatedBookingDto> {
    const firmId = firmOf(principal);
    for (let attempt = 1; ; attempt++) {
      try {
        const { answer, count } =
          key === undefined
            ? await this.book(this.ds, principal, dto)
            : await inTransaction(this.ds, async (em): Promise<{ answer: CreatedBookingDto; count?: SlotCount }> => {
                const replay = await this.claimKey(em, firmId, key, canonicalHash(dto));
                if (replay) return { answer: replay };
                const booked = await this.book(em, principal, dto);
                const { driverCode, ...first } = booked.answer;
                await em.query(
                  'UPDATE idempotency_keys SET response = $3, driver_code_sealed = $4 WHERE firm_id = $1 AND key = $2',
                  [firmId, key, first, seal(this.config.env.jwtSecret, driverCode)],
                );
                return booked;
              });
        if (count) this.announce(count);
        // What the truck will be charged, from the fees in force on its slot's day (read after the commit).
        const row = await one<BookingRow>(this.ds, `${SELECT_BOOKING} WHERE b.id = $1`, [answer.id]);
        return { ...answer, fees: row ? feesOf(row) : null };
      } catch (e) {
        if (!isUniqueViolation(e, 'uq_bookings_reference') || attempt >= 5) throw e;
      }
    }
  }

  /**
   * One statement: the firm owns the vehicle and the driver, a place and a share of it are taken (placeCtes),
   * and the booking row is written. When the share is refused after the place was taken, kouan_refuse()
   * aborts the whole statement, so nothing is left half done, inside a transaction or not.
   */
  private async book(
    db: EntityManager | DataSource,
    p: Principal,
    dto: CreateBookingDto,
  ): Promise<{ answer: CreatedBookingDto; count: SlotCount }> {
    const firmId = firmOf(p);
    const id = randomUUID();
    const driverCode = newDriverCode();
    let row: (PlaceRow & { parties: boolean; reference: string | null }) | undefined;
    try {
      row = await one(
        db,
        `WITH parties AS (
           SELECT 1 FROM vehicles v JOIN drivers d ON d.firm_id = v.firm_id WHERE v.id = $3 AND d.id = $4 AND v.firm_id = $2
         ), ${placeCtes('EXISTS (SELECT 1 FROM parties)')},
         b AS (
           INSERT INTO bookings (id, reference, firm_id, slot_id, port_code, direction, service_date, vehicle_id, driver_id,
             driver_code_hash, cargo_description, hs_code, weight_kg, perishable, declaration_no, created_by)
           SELECT $5, s.port_code || '-' || replace(s.service_date, '-', '') || '-' || $6, $2, $1, s.port_code, s.direction,
             s.service_date::date, $3, $4, $7, $8, $9, $10, $11, $12, $13
           FROM s, u
           RETURNING id, firm_id, port_code, direction, reference, status, slot_id
         ), moved AS (SELECT * FROM b), ${EVENT('booking.created', `jsonb_build_object('slotId', m.slot_id)`, '$14::jsonb')}
         SELECT EXISTS (SELECT 1 FROM parties) AS parties, s.*, EXISTS (SELECT 1 FROM u) AS quota_ok,
                (SELECT reference FROM b) AS reference,
                CASE WHEN s.port_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM u)
                     THEN kouan_refuse('quota_exceeded:' || s.quota || ':' || s.quota_halved) END AS refused
         FROM (VALUES (1)) AS one_row (x) LEFT JOIN s ON true`,
        [
          dto.slotId,
          firmId,
          dto.vehicleId,
          dto.driverId,
          id,
          referenceSuffix(),
          hashDriverCode(this.config.env.jwtSecret, id, driverCode),
          dto.cargo.description,
          dto.cargo.hsCode,
          dto.cargo.weightKg,
          dto.cargo.perishable,
          dto.cargo.declarationNo ?? null,
          p.sub,
          // Named here too: without an Idempotency-Key the statement runs on its own, outside inTransaction.
          JSON.stringify(actorOf(p)),
        ],
      );
    } catch (e) {
      if (isUniqueViolation(e, 'uq_bookings_active_vehicle_port_day')) {
        throw new DomainError('vehicle_busy', 'this vehicle already holds an active booking at this port on that day');
      }
      const refusal =
        pgError(e)?.code === 'P0001' ? /^quota_exceeded:(\d+):(true|false)$/.exec((e as Error).message) : null;
      if (refusal) throw quotaExceeded(Number(refusal[1]), refusal[2] === 'true');
      throw e;
    }
    if (!row?.parties) throw notFound('vehicle or driver');
    const place = await placeOutcome(db, dto.slotId, row);
    return {
      answer: { id, reference: row.reference as string, status: 'booked', slotId: dto.slotId, driverCode },
      count: place,
    };
  }

  /**
   * Claims the key inside the booking's transaction. A racing retry blocks on the uncommitted row until the
   * first request commits (then it replays the answer) or rolls back (then it claims the key itself).
   */
  private async claimKey(
    em: EntityManager,
    firmId: string,
    key: string,
    hash: string,
  ): Promise<CreatedBookingDto | null> {
    const claimed = await rows(
      em,
      `INSERT INTO idempotency_keys (firm_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (firm_id, key) DO NOTHING RETURNING 1`,
      [firmId, key, hash],
    );
    if (claimed.length) return null;
    const prior = await one<{
      request_hash: string;
      response: CreatedBookingDto | null;
      driver_code_sealed: string | null;
    }>(em, 'SELECT request_hash, response, driver_code_sealed FROM idempotency_keys WHERE firm_id = $1 AND key = $2', [
      firmId,
      key,
    ]);
    if (!prior || !prior.response || !prior.driver_code_sealed) {
      throw new DomainError('conflict', 'a request with this Idempotency-Key is still being processed; retry');
    }
    if (prior.request_hash !== hash) {
      throw new DomainError('idempotency_mismatch', 'this Idempotency-Key was used with a different body');
    }
    return { ...prior.response, driverCode: unseal(this.config.env.jwtSecret, prior.driver_code_sealed) };
  }

  async list(p: Principal, q: ListBookingsQueryDto): Promise<BookingDto[]> {
    const list = await rows<BookingRow>(
      this.ds,
      `${SELECT_BOOKING}
       WHERE b.firm_id = $1 AND ($2::date IS NULL OR b.service_date = $2::date) AND ($3::varchar IS NULL OR b.status = $3)
       ORDER BY sl.starts_at, b.created_at, b.id LIMIT $4 OFFSET $5`,
      [firmOf(p), q.date ?? null, q.status ?? null, page(q).limit, page(q).offset],
    );
    return list.map(toDto);
  }

  /** A port's slots of a day as this firm may book them: the board's figures and its own share (FIRM_AVAILABILITY). */
  async slotsForFirm(p: Principal, q: FirmSlotsQueryDto): Promise<FirmSlotDto[]> {
    const slots = await this.slots.list(q.port.toUpperCase(), q);
    const mine = new Map(
      (
        await rows<{ slot_id: string; quota: number; held: number; available_to_you: number }>(
          this.ds,
          FIRM_AVAILABILITY,
          [firmOf(p), slots.map((s) => s.id)],
        )
      ).map((r) => [r.slot_id, r]),
    );
    return slots.map((s) => {
      const m = mine.get(s.id);
      return {
        ...s,
        quota: m?.quota ?? 0,
        held: m?.held ?? 0,
        availableToYou: s.bookable ? (m?.available_to_you ?? 0) : 0,
      };
    });
  }

  async get(p: Principal, id: string): Promise<BookingDto> {
    const row = await one<BookingRow>(this.ds, `${SELECT_BOOKING} WHERE b.id = $1 AND b.firm_id = $2`, [id, firmOf(p)]);
    if (!row) throw notFound('booking');
    return toDto(row);
  }

  /** Frees the place in the same transaction as the status change. */
  async cancel(p: Principal, id: string): Promise<{ status: BookingStatus }> {
    const firmId = firmOf(p);
    const freed = await inTransaction(this.ds, async (em) => {
      const done = await one<{ slot_id: string }>(
        em,
        `WITH moved AS (
           UPDATE bookings b SET status = 'cancelled', cancelled_at = now(), updated_at = now()
           WHERE b.id = $1 AND b.firm_id = $2 AND b.status = ANY($3) RETURNING ${MOVED}, b.slot_id
         ), ${EVENT('booking.cancelled')}
         SELECT slot_id FROM moved`,
        [id, firmId, sourcesOf('cancelled')],
      );
      if (!done) throw await this.whyNot(em, id, firmId, 'cancelled');
      return freePlace(em, done.slot_id, firmId);
    });
    // Its driver and firm hear of it from the booking.cancelled event (BookingLiveConsumer, through the relay).
    this.announce(freed);
    return { status: 'cancelled' };
  }

  /**
   * Moves a booked truck to another slot of the same port and direction. Takes the new place before freeing
   * the old one, all in one transaction: either both happen or nothing changes. Both slot rows are locked
   * in id order first, so two reschedules crossing between the same slots cannot deadlock.
   */
  async reschedule(p: Principal, id: string, slotId: string): Promise<BookingDto> {
    const firmId = firmOf(p);
    const counts = await inTransaction(this.ds, async (em) => {
      const b = await one<{ slot_id: string; status: BookingStatus; port_code: string; direction: Direction }>(
        em,
        'SELECT slot_id, status, port_code, direction FROM bookings WHERE id = $1 AND firm_id = $2 FOR UPDATE',
        [id, firmId],
      );
      if (!b) throw notFound('booking');
      if (b.status !== 'booked')
        throw new DomainError('illegal_transition', `a ${b.status} booking cannot be rescheduled`);
      if (b.slot_id === slotId) throw new DomainError('same_slot', 'the booking is already in this slot');
      const slots = await rows<{ id: string; port_code: string; direction: Direction }>(
        em,
        'SELECT id, port_code, direction FROM slots WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
        [[b.slot_id, slotId]],
      );
      const target = slots.find((s) => s.id === slotId);
      if (!target) throw notFound('slot');
      if (target.port_code !== b.port_code || target.direction !== b.direction) {
        throw new DomainError(
          'wrong_port_or_direction',
          `a booking can only move to another ${b.port_code} ${b.direction} slot`,
        );
      }
      const place = await takePlace(em, slotId, firmId);
      const freed = await freePlace(em, b.slot_id, firmId);
      try {
        await em.query(
          `WITH moved AS (
             UPDATE bookings b SET slot_id = $2, service_date = $3, updated_at = now() WHERE b.id = $1 RETURNING ${MOVED}
           ), ${EVENT('booking.rescheduled', `jsonb_build_object('slotId', $2::uuid, 'fromSlotId', $4::uuid)`)}
           SELECT id FROM moved`,
          [id, slotId, place.serviceDate, b.slot_id],
        );
      } catch (e) {
        if (isUniqueViolation(e, 'uq_bookings_active_vehicle_port_day')) {
          throw new DomainError(
            'vehicle_busy',
            'this vehicle already holds an active booking at this port on that day',
          );
        }
        throw e;
      }
      return [place, freed];
    });
    this.announce(...counts);
    return this.get(p, id);
  }

  /** After a conditional status UPDATE matched nothing: the booking is not the caller's (404) or the move is illegal (409). */
  private async whyNot(em: EntityManager, id: string, firmId: string, to: BookingStatus): Promise<DomainError> {
    const b = await one<{ status: BookingStatus }>(em, 'SELECT status FROM bookings WHERE id = $1 AND firm_id = $2', [
      id,
      firmId,
    ]);
    return b ? illegalMove(b.status, to) : notFound('booking');
  }
}
