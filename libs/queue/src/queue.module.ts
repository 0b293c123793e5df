import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BookingModule } from '@kouan/booking';
import { ParkingModule } from '@kouan/parking';
import { PortsModule } from '@kouan/ports';
import { CheckInService } from './check-in.service';
import { DriverController, DriverSessionController } from './driver.controller';
import { KpisService } from './kpis.service';
import { LanesService } from './lanes.service';
import { OutcomeController, QueueController } from './queue.controller';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';
import { YardArrivalController, YardController } from './yard.controller';
import { YardService } from './yard.service';
import { QueueCount } from './entities/queue-count.entity';
import { QueueState } from './entities/queue-state.entity';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const QUEUE_ENTITIES = [QueueState, QueueCount];

@Module({
  imports: [TypeOrmModule.forFeature(QUEUE_ENTITIES), BookingModule, ParkingModule, PortsModule],
  controllers: [
    QueueController,
    OutcomeController,
    DriverSessionController,
    DriverController,
    YardController,
    YardArrivalController,
  ],
  providers: [QueueReadService, QueueNotifier, CheckInService, LanesService, KpisService, YardService],
  exports: [QueueReadService],
})
export class QueueModule {}
