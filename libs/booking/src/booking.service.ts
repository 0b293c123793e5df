import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, type Principal } from '@kouan/auth';
import { AppConfig } from '@kouan/config';
import { Clock, DomainError, inTransaction, isUniqueViolation, notFound, pgError } from '@kouan/common';
import { feesDue, PortEvents, SlotsService } from '@kouan/ports';
import { BookingStatus, illegalMove } from './booking-status';
import { BookingTransitions } from './booking-transitions.repository';
import { BookedRow, BookingsRepository, feesOfBooking, toBookingDto } from './bookings.repository';
import type {
  BookingDto,
  CreateBookingDto,
  CreatedBookingDto,
  FirmSlotDto,
  FirmSlotsQueryDto,
  ListBookingsQueryDto,
} from './dto/booking.dto';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { announceSlots, PlacesRepository, quotaExceeded, SlotCount } from './places.repository';
import { canonicalHash, hashDriverCode, newDriverCode, referenceSuffix, seal, unseal } from './secrets';

/** A firm user's firm; only firm roles reach the booking routes. */
const firmOf = (p: Principal): string => p.firmId as string;

const vehicleBusy = () =>
  new DomainError('vehicle_busy', 'this vehicle already holds an active booking at this port on that day');

@Injectable()
export class BookingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly slots: SlotsService,
    private readonly events: PortEvents,
    private readonly clock: Clock,
    private readonly bookings: BookingsRepository,
    private readonly places: PlacesRepository,
    private readonly keys: IdempotencyKeysRepository,
    private readonly transitions: BookingTransitions,
  ) {}

  /**
   * The slots' new counts as port events (slots.changed), in the change's transaction: the worker's relay sends the
   * boards their slots:update. (The booking statement writes its own, in the statement: BookingsRepository.book.)
   */
  private announce(em: EntityManager, at: Date, ...counts: SlotCount[]): Promise<void> {
    return announceSlots(this.events, em, at, counts);
  }

  /**
   * A booking is one statement, atomic on its own: ownership check, place, quota share and row (see book()), and
   * with an Idempotency-Key, the key claimed with the answer. A key used before makes the statement undo itself
   * (KEY_TAKEN, or before that the truck's own booking or the place it took): whatever refused it, a key the firm
   * sent before is then answered from its first answer (a retry after a lost answer; a twin racing with the same
   * key), and 422 when it came with another body. So a first request costs one round trip, a retry three. A
   * reference collision (four random characters per port and day) is simply retried.
   */
  async create(principal: Principal, dto: CreateBookingDto, key?: string): Promise<CreatedBookingDto> {
    const firmId = firmOf(principal);
    const at = this.clock.now();
    const hash = key === undefined ? null : canonicalHash(dto);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.book(principal, dto, at, key === undefined ? null : { key, hash: hash as string });
      } catch (e) {
        const replay = key === undefined ? undefined : await this.replay(firmId, key, hash as string);
        if (replay) return replay;
        if (pgError(e)?.code === 'P0001' && (e as Error).message === 'idempotency_key_taken') {
          throw new DomainError('conflict', 'a request with this Idempotency-Key is still being processed; retry');
        }
        if (!isUniqueViolation(e, 'uq_bookings_reference') || attempt >= 5) throw e;
      }
    }
  }

  /**
   * One statement (BookingsRepository.book): the firm owns the vehicle and the driver, a place and a share of it
   * are taken, the booking row is written and the key claimed with the answer; a refused share aborts the whole
   * statement. The answer shows what the truck will be charged: the fees in force on its slot's day.
   */
  private async book(
    p: Principal,
    dto: CreateBookingDto,
    at: Date,
    key: { key: string; hash: string } | null,
  ): Promise<CreatedBookingDto> {
    const firmId = firmOf(p);
    const id = randomUUID();
    const driverCode = newDriverCode();
    let row: BookedRow | undefined;
    try {
      row = await this.bookings.book(
        this.ds,
        dto.slotId,
        firmId,
        {
          id,
          vehicleId: dto.vehicleId,
          driverId: dto.driverId,
          referenceSuffix: referenceSuffix(),
          driverCodeHash: hashDriverCode(this.config.env.jwtSecret, id, driverCode),
          cargo: {
            description: dto.cargo.description,
            hsCode: dto.cargo.hsCode,
            weightKg: dto.cargo.weightKg,
            perishable: dto.cargo.perishable,
            declarationNo: dto.cargo.declarationNo ?? null,
          },
          createdBy: p.sub,
          actor: JSON.stringify(actorOf(p)),
          claim: key && { ...key, sealed: seal(this.config.env.jwtSecret, driverCode) },
        },
        at,
      );
    } catch (e) {
      if (isUniqueViolation(e, 'uq_bookings_active_vehicle_port_day')) throw vehicleBusy();
      const refusal =
        pgError(e)?.code === 'P0001' ? /^quota_exceeded:(\d+):(true|false)$/.exec((e as Error).message) : null;
      if (refusal) throw quotaExceeded(Number(refusal[1]), refusal[2] === 'true');
      throw e;
    }
    if (!row?.parties) throw notFound('vehicle or driver');
    await this.places.outcome(this.ds, dto.slotId, row, at);
    return {
      id,
      reference: row.reference as string,
      status: 'booked',
      slotId: dto.slotId,
      driverCode,
      fees: feesDue(row, dto.cargo.weightKg),
    };
  }

  /**
   * The first answer to a key the firm sent before (its driver code unsealed, its fees read now), or undefined when
   * the key is new; 422 when it came with another body.
   */
  private async replay(firmId: string, key: string, hash: string): Promise<CreatedBookingDto | undefined> {
    const prior = await this.keys.prior(firmId, key);
    if (!prior) return undefined;
    if (!prior.response || !prior.driver_code_sealed) {
      throw new DomainError('conflict', 'a request with this Idempotency-Key is still being processed; retry');
    }
    if (prior.request_hash !== hash) {
      throw new DomainError('idempotency_mismatch', 'this Idempotency-Key was used with a different body');
    }
    const row = await this.bookings.byId(prior.response.id);
    return {
      ...prior.response,
      driverCode: unseal(this.config.env.jwtSecret, prior.driver_code_sealed),
      fees: row ? feesOfBooking(row) : null,
    };
  }

  async list(p: Principal, q: ListBookingsQueryDto): Promise<BookingDto[]> {
    return (await this.bookings.list(firmOf(p), q)).map(toBookingDto);
  }

  /** A port's slots of a day as this firm may book them: the board's figures and its own share. */
  async slotsForFirm(p: Principal, q: FirmSlotsQueryDto): Promise<FirmSlotDto[]> {
    const at = this.clock.now();
    const slots = await this.slots.list(q.port.toUpperCase(), q);
    const mine = new Map(
      (
        await this.places.availability(
          firmOf(p),
          slots.map((s) => s.id),
          at,
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
    const row = await this.bookings.ofFirm(id, firmOf(p));
    if (!row) throw notFound('booking');
    return toBookingDto(row);
  }

  /** Frees the place in the same transaction as the status change (BookingTransitions.cancel). */
  async cancel(p: Principal, id: string): Promise<{ status: BookingStatus }> {
    const firmId = firmOf(p);
    const at = this.clock.now();
    await inTransaction(this.ds, async (em) => {
      const done = await this.transitions.cancel(em, id, firmId, at);
      if (!done) throw await this.whyNot(em, id, firmId, 'cancelled');
      await this.announce(em, at, await this.places.free(em, done.slot_id, firmId));
    });
    // Its driver and firm hear of it from the booking.cancelled event (BookingLiveConsumer, through the relay).
    return { status: 'cancelled' };
  }

  /**
   * Moves a booked truck to another slot of the same port and direction. Takes the new place before freeing
   * the old one, all in one transaction: either both happen or nothing changes. Both slot rows are locked
   * in id order first, so two reschedules crossing between the same slots cannot deadlock.
   */
  async reschedule(p: Principal, id: string, slotId: string): Promise<BookingDto> {
    const firmId = firmOf(p);
    const at = this.clock.now();
    await inTransaction(this.ds, async (em) => {
      const b = await this.bookings.lockOfFirm(em, id, firmId);
      if (!b) throw notFound('booking');
      if (b.status !== 'booked')
        throw new DomainError('illegal_transition', `a ${b.status} booking cannot be rescheduled`);
      if (b.slot_id === slotId) throw new DomainError('same_slot', 'the booking is already in this slot');
      const slots = await this.places.lockSlots(em, [b.slot_id, slotId]);
      const target = slots.find((s) => s.id === slotId);
      if (!target) throw notFound('slot');
      if (target.port_code !== b.port_code || target.direction !== b.direction) {
        throw new DomainError(
          'wrong_port_or_direction',
          `a booking can only move to another ${b.port_code} ${b.direction} slot`,
        );
      }
      const place = await this.places.take(em, slotId, firmId, at);
      const freed = await this.places.free(em, b.slot_id, firmId);
      try {
        await this.transitions.reschedule(em, id, slotId, place.serviceDate, b.slot_id, at);
      } catch (e) {
        if (isUniqueViolation(e, 'uq_bookings_active_vehicle_port_day')) throw vehicleBusy();
        throw e;
      }
      await this.announce(em, at, place, freed);
    });
    return this.get(p, id);
  }

  /** After a conditional status UPDATE matched nothing: the booking is not the caller's (404) or the move is illegal (409). */
  private async whyNot(em: EntityManager, id: string, firmId: string, to: BookingStatus): Promise<DomainError> {
    const status = await this.bookings.statusOfFirm(em, id, firmId);
    return status ? illegalMove(status, to) : notFound('booking');
  }
}
