import { Module } from '@nestjs/common';
import { PortsModule } from '@kouan/ports/ports.module';
import { BookingTransitions } from './booking-transitions.repository';
import { BookingService } from './booking.service';
import { DeclarationsRepository } from './declarations.repository';
import { DeclarationsService } from './declarations.service';
import { BookingsController, DriverSessionController } from './bookings.controller';
import { DriverSessionRepository } from './driver-session.repository';
import { DriverSessionService } from './driver-session.service';
import { StrikesController } from './strikes.controller';
import { StrikesRepository } from './strikes.repository';
import { StrikesService } from './strikes.service';

@Module({
  imports: [PortsModule],
  controllers: [BookingsController, DriverSessionController, StrikesController],
  providers: [
    BookingService,
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
