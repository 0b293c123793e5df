import { Module } from '@nestjs/common';
import { ParkingModule } from '@kouan/parking/parking.module';
import { CheckInService } from './check-in.service';
import { DriverController } from './driver.controller';
import { LanesService } from './lanes.service';
import { OutcomeController, QueueController } from './queue.controller';
import { QueueReadService } from './queue-read.service';

@Module({
  imports: [ParkingModule],
  controllers: [QueueController, OutcomeController, DriverController],
  providers: [QueueReadService, CheckInService, LanesService],
  exports: [QueueReadService],
})
export class QueueModule {}
