import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, isUniqueViolation } from '@kouan/common';
import { CounterpartCapacityMoves, PortEvents, PortEventsModule, SlotCut } from '@kouan/ports';
import { BookingModule } from './booking.module';
import { BookingTransitions } from './booking-transitions.repository';
import { CounterpartMovesRepository, ExcessBookingRow } from './counterpart-moves.repository';
import { announceSlots, PlacesRepository, SlotCount } from './places.repository';

/** Why the port moved or cancelled a booking: the far side takes fewer trucks than its slot held. */
export const COUNTERPART_CAPACITY = 'counterpart_capacity';

/**
 * The booking lib's part of a counterpart's acceptance cut (ports' CounterpartCapacityMoves): in the acceptance's
 * transaction, the most recently booked beyond each cut slot's capacity move to the next slot with room, or are
 * cancelled by the port. Neither is a strike (strikes are no-shows). Each move writes its booking event, so the relay's
 * consumers tell the driver (booking:update, a text) and the firm (webhook) once.
 */
@Injectable()
export class CounterpartMovesService extends CounterpartCapacityMoves {
  constructor(
    private readonly repo: CounterpartMovesRepository,
    private readonly places: PlacesRepository,
    private readonly transitions: BookingTransitions,
    private readonly events: PortEvents,
  ) {
    super();
  }

  async makeRoom(em: EntityManager, cuts: SlotCut[], at: Date): Promise<void> {
    for (const cut of cuts) {
      for (const b of await this.repo.excess(em, cut.slotId, cut.booked - cut.capacity)) {
        if (!(await this.moveLater(em, cut, b, at))) {
          await this.transitions.cancelByPort(em, b.id, COUNTERPART_CAPACITY, at);
          await this.announce(em, at, await this.places.free(em, b.slot_id, b.firm_id));
        }
      }
    }
  }

  /**
   * Into the first later slot that takes it (a free place and the firm's share, taken by the booking statement's own
   * CTEs); each try under a savepoint, so a refused one leaves nothing behind. False when none does.
   */
  private async moveLater(em: EntityManager, cut: SlotCut, b: ExcessBookingRow, at: Date): Promise<boolean> {
    for (const target of await this.repo.later(em, cut.portCode, cut.startsAt, b.vehicle_id, b.id, at)) {
      await em.query('SAVEPOINT counterpart_move');
      try {
        const place = await this.places.take(em, target.id, b.firm_id, at);
        await this.transitions.reschedule(em, b.id, target.id, place.serviceDate, b.slot_id, at, COUNTERPART_CAPACITY);
        await em.query('RELEASE SAVEPOINT counterpart_move');
        await this.announce(em, at, place, await this.places.free(em, b.slot_id, b.firm_id));
        return true;
      } catch (e) {
        // Full meanwhile, the firm's share taken, or the truck booked that day meanwhile: try the next slot.
        if (!(e instanceof DomainError) && !isUniqueViolation(e, 'uq_bookings_active_vehicle_port_day')) throw e;
        await em.query('ROLLBACK TO SAVEPOINT counterpart_move');
      }
    }
    return false;
  }

  private announce(em: EntityManager, at: Date, ...counts: SlotCount[]): Promise<void> {
    return announceSlots(this.events, em, at, counts);
  }
}

/**
 * What this lib provides to the ports lib's counterpart acceptance (docs/architecture.md, "Routes"). The API imports
 * it; the worker serves no route and does not.
 */
@Global()
@Module({
  imports: [BookingModule, PortEventsModule],
  providers: [
    CounterpartMovesRepository,
    PlacesRepository,
    CounterpartMovesService,
    { provide: CounterpartCapacityMoves, useExisting: CounterpartMovesService },
  ],
  exports: [CounterpartCapacityMoves],
})
export class CounterpartMovesModule {}
