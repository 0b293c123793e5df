import { Module } from '@nestjs/common';
import { BookingTransitions } from './booking-transitions.repository';
import { BookingService } from './booking.service';
import { BookingsController, DriverSessionController } from './bookings.controller';
import { DriverSessionRepository } from './driver-session.repository';
import { DriverSessionService } from './driver-session.service';

@Module({
  controllers: [BookingsController, DriverSessionController],
  providers: [BookingService, BookingTransitions, DriverSessionService, DriverSessionRepository],
  exports: [BookingService, BookingTransitions],
})
export class BookingModule {}
