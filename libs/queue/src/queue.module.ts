import { Module } from '@nestjs/common';
import { BookingModule } from '@kouan/booking/booking.module';
import { ParkingModule } from '@kouan/parking/parking.module';
import { PortsModule } from '@kouan/ports/ports.module';
import { CheckInService } from './check-in.service';
import { DriverController } from './driver.controller';
import { KpisService } from './kpis.service';
import { LanesService } from './lanes.service';
import { OutcomeController, QueueController } from './queue.controller';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';
import { YardArrivalController, YardController } from './yard.controller';
import { YardService } from './yard.service';

@Module({
  imports: [BookingModule, ParkingModule, PortsModule],
  controllers: [QueueController, OutcomeController, DriverController, YardController, YardArrivalController],
  providers: [QueueReadService, QueueNotifier, CheckInService, LanesService, KpisService, YardService],
  exports: [QueueReadService],
})
export class QueueModule {}
