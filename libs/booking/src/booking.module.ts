import { Module } from '@nestjs/common';
import { BookingService } from './booking.service';
import { BookingsController, DriverSessionController } from './bookings.controller';
import { DriverSessionRepository } from './driver-session.repository';
import { DriverSessionService } from './driver-session.service';

@Module({
  controllers: [BookingsController, DriverSessionController],
  providers: [BookingService, DriverSessionService, DriverSessionRepository],
  exports: [BookingService],
})
export class BookingModule {}
