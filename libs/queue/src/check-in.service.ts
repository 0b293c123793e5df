import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { BookingTransitions } from '@kouan/booking';
import { Clock, CommitBehind, DomainError, inTransaction, normalisePlate, notFound } from '@kouan/common';
import type { ParkingDto } from '@kouan/parking';
import { ParkingService } from '@kouan/parking';
import { isoInZone } from '@kouan/calendar';
import type { QueueDelta, QueueTruck } from '@kouan/realtime';
import { bookingUpdate } from '@kouan/realtime';
import { Arrival, arrivalByReference, arrivalOf, phoneCheckInAllowed, plateHolders } from './check-in.repository';
import type { CheckInCandidateDto, CheckInResultDto } from './dto/queue.dto';
import { message } from './messages';
import { QueueNotifier } from './queue-notifier';
import { lockQueue } from './queue.repository';
import { QueueReadService } from './queue-read.service';
import { QueueTurns } from './queue-turns';

/** The check-in answer from the delta its transaction read: the truck's place and parking. */
function answerOf(bookingId: string, delta: QueueDelta): CheckInResultDto {
  const mine = bookingUpdate(delta, delta.joined as QueueTruck);
  return { bookingId, position: mine.position as number, parking: mine.parking as ParkingDto };
}

export interface GateCheckIn {
  plate?: string;
  reference?: string;
  bookingId?: string;
}

@Injectable()
export class CheckInService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly parking: ParkingService,
    private readonly reader: QueueReadService,
    private readonly notifier: QueueNotifier,
    private readonly transitions: BookingTransitions,
    private readonly turns: QueueTurns,
    private readonly clock: Clock,
  ) {}

  /**
   * Gate camera or staff: by `reference`, or by `plate` (with `bookingId` once the officer has picked one). A plate
   * is unique only within a firm, so it may be on bookings of several firms today: then nothing is checked in and
   * the answer lists them (409 ambiguous_plate) — guessing one let a second scan check the same truck in twice.
   */
  async atGate(principal: Principal, port: string, by: GateCheckIn): Promise<CheckInResultDto> {
    assertPortScope(principal, port);
    const at = this.clock.now();
    return this.checkIn(await this.pick(this.ds, port, by, at), null, at);
  }

  /**
   * Check-in as staff's at the gate (`atGate`, same rules and the same errors), inside the caller's transaction `em`
   * at its instant `at`, with no user behind it: a gate camera at a holding area's entry (`preferAreaId`, the area it
   * watches, gets the truck if it has a bay), or staff confirming a camera's read together with marking the read.
   * Nothing is published: the caller calls `announce` once its transaction has committed. The caller's transaction
   * runs in its turn (QueueTurns.atPort), and its last statement is the change's port event, still in flight.
   *
   * `beforeLock`, once the truck passed every rule and before the queue's lock is taken, lets the caller write what
   * the check-in means for it (a camera's read and its event) outside the time the lock is held: its first statement
   * must be sent as it is called (rows()), so it leaves ahead of the lock in the same round trip. It is undone with
   * the rest if the move still fails (the truck checked in a moment ago by another hand).
   */
  async within(
    em: EntityManager,
    port: string,
    by: GateCheckIn,
    preferAreaId: string | null,
    at: Date,
    beforeLock?: (bookingId: string) => Promise<void>,
  ): Promise<CommitBehind<{ result: CheckInResultDto; announce: () => void }>> {
    const arrival = await this.pick(em, port, by, at);
    const delta = await this.admit(em, arrival, preferAreaId, at, beforeLock);
    // The delta as its port event, in the caller's transaction, still in flight: the caller's work ends with it
    // (CommitBehind), or waits for it (`settled`) before it writes more. Published once the transaction committed.
    return new CommitBehind(
      { result: answerOf(arrival.id, delta), announce: () => this.notifier.changed(delta) },
      this.notifier.record(em, delta, at),
    );
  }

  /**
   * The booking a gate check-in means (`atGate`), with what check-in needs to decide (one statement): 404 none, 409
   * ambiguous_plate, 409 already_checked_in.
   */
  private async pick(db: DataSource | EntityManager, port: string, by: GateCheckIn, at: Date): Promise<Arrival> {
    if (by.reference !== undefined) {
      const found = await arrivalByReference(db, by.reference, port, at);
      if (!found) throw notFound(`an active booking ${by.reference} at ${port}`);
      return found;
    }
    const plate = normalisePlate(by.plate as string) as string;
    const holders = await plateHolders(db, plate, port, at);
    const picked = by.bookingId === undefined ? holders : holders.filter((h) => h.id === by.bookingId);
    if (!picked.length)
      throw notFound(
        `a booking for ${plate} at ${port} today${by.bookingId === undefined ? '' : ` with id ${by.bookingId}`}`,
      );
    if (new Set(picked.map((h) => h.firm_id)).size > 1) {
      const candidates: CheckInCandidateDto[] = picked.map((h) => ({
        bookingId: h.id,
        reference: h.reference,
        firmName: h.firm_name,
      }));
      throw new DomainError(
        'ambiguous_plate',
        `${plate} is on bookings of ${new Set(picked.map((h) => h.firm_id)).size} firms today: check in again with bookingId or reference`,
        { candidates },
      );
    }
    const found = picked[0];
    if (found.status !== 'booked') throw new DomainError('already_checked_in', `${plate} is already ${found.status}`);
    return found;
  }

  /** The driver's phone, from inside one of the port's holding areas. */
  async byLocation(principal: Principal, point: { lat: number; lon: number }): Promise<CheckInResultDto> {
    const bookingId = principal.bookingId as string;
    const at = this.clock.now();
    const arrival = await arrivalOf(this.ds, bookingId, at);
    if (!arrival) throw notFound('booking');
    const port = arrival.port_code;
    // Where cameras see trucks in, a phone's position (sent as the phone likes) checks nobody in.
    if (!(await phoneCheckInAllowed(this.ds, port)))
      throw new DomainError(
        'phone_check_in_off',
        `${port} checks trucks in at its holding areas' gates: drive in and the camera or staff check you in`,
      );
    const areaId = await this.parking.areaAt(port, point);
    if (!areaId)
      throw new DomainError('outside_geofence', `you are not inside a holding area of ${port}; drive there first`);
    return this.checkIn(arrival, areaId, at);
  }

  /**
   * Checks a truck in at `at` (its window is judged then, and the line it joins is the line of then), from what was
   * read of it at `at` (`arrival`, before its turn: the move itself takes only a truck still booked).
   */
  private async checkIn(arrival: Arrival, preferAreaId: string | null, at: Date): Promise<CheckInResultDto> {
    // Nothing is written before the queue's lock (admit). The change's port event and the commit that ends the lock
    // leave together.
    const delta = await this.turns.atPort(arrival.port_code, () =>
      inTransaction<QueueDelta>(this.ds, async (em) => {
        const changed = await this.admit(em, arrival, preferAreaId, at);
        return new CommitBehind(changed, this.notifier.record(em, changed, at));
      }),
    );
    this.notifier.changed(delta);
    return answerOf(arrival.id, delta);
  }

  /**
   * The truck's rules judged on `a` (what was read of it at `at`), then the queue's lock (as every queue change), and
   * the booking moves booked → checked_in only if it still is booked: a second check-in of the same truck, from any
   * process, finds nothing to move (409). Returns the queue's delta, read after the move under the lock.
   */
  private async admit(
    em: EntityManager,
    a: Arrival,
    preferAreaId: string | null,
    at: Date,
    beforeLock?: (bookingId: string) => Promise<void>,
  ): Promise<QueueDelta> {
    const bookingId = a.id;
    if (a.status !== 'booked') {
      throw a.status === 'checked_in' || a.status === 'called'
        ? new DomainError('already_checked_in', `this truck is already ${a.status}`)
        : new DomainError('illegal_transition', `a ${a.status} booking cannot check in`, { currentStatus: a.status });
    }
    if (a.too_early) {
      throw new DomainError(
        'too_early',
        `too early for this slot: come back at ${isoInZone(a.come_back_at, a.time_zone)}`,
        {
          comeBackAt: isoInZone(a.come_back_at, a.time_zone),
        },
      );
    }
    if (a.too_late) throw new DomainError('too_late', 'the check-in window of this slot has closed; book a new slot');
    if (a.declaration_missing) {
      // The port checks in only trucks whose papers customs accepted: the others wait at the firm's depot.
      throw new DomainError(
        'declaration_missing',
        `this port needs a declaration customs accepted before check-in (now: ${a.declaration_status ?? 'none'})`,
        {
          declarationStatus: a.declaration_status,
        },
      );
    }
    // What the caller writes before the lock, then everything to the commit that holds the queue's lock, as few
    // round trips as it can be: the caller's writes, the queue's and the port's areas' locks, the move with its bay
    // and the delta's read leave together on the pipelined connection (each call below sends its statement as it
    // is made, and Postgres runs them in that order, each seeing the one before); then the delta's port event with
    // the commit. The lock serialises check-ins of this port and direction, so the move's count of the slot's
    // green-channel trucks and taking one more cannot overshoot the cap.
    const written = beforeLock?.(bookingId);
    const locked = lockQueue(em, a.port_code, a.direction, { areas: true, generic: true });
    const moved = this.transitions.checkIn(
      em,
      bookingId,
      {
        perishable: a.perishable,
        slotId: a.slot_id,
        priorityCap: a.priority_cap,
        port: a.port_code,
        // A reefer with perishable cargo takes a powered bay first; other trucks leave them for reefers while they can.
        needsPower: a.reefer && a.perishable,
        preferAreaId,
        language: a.language,
        // The area named in the driver's language (the data gives each a name per language).
        instructions: message('waitInBay', a.language, { bay: '{bay}', area: '{area}' }),
      },
      at,
    );
    const read = this.reader.delta(
      em,
      a.port_code,
      a.direction,
      locked.then((l) => l.version),
      at,
      bookingId,
    );
    const [, , done, delta] = await Promise.all([written, locked, moved, read]);
    if (!done) throw new DomainError('already_checked_in', 'this truck was checked in a moment ago');
    return delta;
  }
}
