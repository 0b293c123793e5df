import { Module } from '@nestjs/common';
import { BookingService } from './booking.service';
import { BookingsController, DriverSessionController } from './bookings.controller';
import { DriverSessionService } from './driver-session.service';

@Module({
  controllers: [BookingsController, DriverSessionController],
  providers: [BookingService, DriverSessionService],
  exports: [BookingService],
})
export class BookingModule {}
