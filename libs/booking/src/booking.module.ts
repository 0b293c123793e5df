import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FirmStandings } from '@kouan/firms';
import { PortsModule } from '@kouan/ports';
import { BookingTransitions } from './booking-transitions.repository';
import { BookingService } from './booking.service';
import { BookingsRepository } from './bookings.repository';
import { DeclarationsRepository } from './declarations.repository';
import { DeclarationsService } from './declarations.service';
import { BookingsController } from './bookings.controller';
import { CounterpartTrafficController } from './counterpart-traffic.controller';
import { CounterpartTrafficRepository } from './counterpart-traffic.repository';
import { CounterpartTraffic } from './counterpart-traffic.service';
import { DriverCodeController } from './driver-code.controller';
import { DriverSessionRepository } from './driver-session.repository';
import { DriverSessionService } from './driver-session.service';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { OutcomeController, YardArrivalController } from './line-actions.controller';
import { PlacesRepository } from './places.repository';
import { StandingController, StrikesController } from './strikes.controller';
import { StrikesRepository } from './strikes.repository';
import { StrikesService } from './strikes.service';
import { BookingEvent } from './entities/booking-event.entity';
import { BookingEventFailure } from './entities/booking-event-failure.entity';
import { Booking } from './entities/booking.entity';
import { CounterpartArrival } from './entities/counterpart-arrival.entity';
import { DriverCodeAddressGuesses, DriverCodeGuesses } from './entities/driver-code-guess.entity';
import { IdempotencyKey } from './entities/idempotency-key.entity';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const BOOKING_ENTITIES = [
  Booking,
  BookingEvent,
  BookingEventFailure,
  IdempotencyKey,
  DriverCodeGuesses,
  DriverCodeAddressGuesses,
  CounterpartArrival,
];

@Module({
  imports: [TypeOrmModule.forFeature(BOOKING_ENTITIES), PortsModule],
  // Every route under /bookings is this lib's; the line's outcomes and the yard's arrival need BookingLineActions,
  // which the queue lib provides (BookingLineActionsModule); texting a driver code needs DriverCodeCourier, which the
  // notify lib provides (DriverCodeCourierModule).
  controllers: [
    BookingsController,
    StrikesController,
    OutcomeController,
    YardArrivalController,
    StandingController,
    DriverCodeController,
    CounterpartTrafficController,
  ],
  providers: [
    BookingService,
    BookingsRepository,
    PlacesRepository,
    IdempotencyKeysRepository,
    DeclarationsService,
    DeclarationsRepository,
    BookingTransitions,
    DriverSessionService,
    DriverSessionRepository,
    StrikesService,
    StrikesRepository,
    CounterpartTraffic,
    CounterpartTrafficRepository,
  ],
  exports: [BookingService, BookingTransitions, DriverSessionService, StrikesService, CounterpartTrafficRepository],
})
export class BookingModule {}

/**
 * What this lib provides to a lib below it that serves a route (docs/architecture.md, "Routes"): the strikes in the
 * firms lib's `GET /firms`. The API imports it; the worker serves no route and does not.
 */
@Global()
@Module({
  imports: [BookingModule],
  providers: [{ provide: FirmStandings, useExisting: StrikesService }],
  exports: [FirmStandings],
})
export class FirmStandingsModule {}
