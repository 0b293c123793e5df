import { Module } from '@nestjs/common';
import { PortsModule } from '@kouan/ports';
import { BookingTransitions } from './booking-transitions.repository';
import { BookingService } from './booking.service';
import { BookingsRepository } from './bookings.repository';
import { DeclarationsRepository } from './declarations.repository';
import { DeclarationsService } from './declarations.service';
import { BookingsController, DriverSessionController } from './bookings.controller';
import { DriverSessionRepository } from './driver-session.repository';
import { DriverSessionService } from './driver-session.service';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { PlacesRepository } from './places.repository';
import { StrikesController } from './strikes.controller';
import { StrikesRepository } from './strikes.repository';
import { StrikesService } from './strikes.service';

@Module({
  imports: [PortsModule],
  controllers: [BookingsController, DriverSessionController, StrikesController],
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
  ],
  exports: [BookingService, BookingTransitions],
})
export class BookingModule {}
