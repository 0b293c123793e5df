import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BookingLineActions, BookingModule } from '@kouan/booking';
import { ParkingModule } from '@kouan/parking';
import { PortsModule } from '@kouan/ports';
import { CheckInService } from './check-in.service';
import { DriverController, DriverSessionController } from './driver.controller';
import { KpisService } from './kpis.service';
import { LaneArrivals } from './lane-arrivals.service';
import { LanesService } from './lanes.service';
import { LineActionsService } from './line-actions.service';
import { QueueController } from './queue.controller';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';
import { QueueTurns } from './queue-turns';
import { YardController } from './yard.controller';
import { YardService } from './yard.service';
import { QueueCount } from './entities/queue-count.entity';
import { QueueState } from './entities/queue-state.entity';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const QUEUE_ENTITIES = [QueueState, QueueCount];

@Module({
  imports: [TypeOrmModule.forFeature(QUEUE_ENTITIES), BookingModule, ParkingModule, PortsModule],
  controllers: [QueueController, DriverSessionController, DriverController, YardController],
  providers: [
    QueueReadService,
    QueueNotifier,
    CheckInService,
    LanesService,
    KpisService,
    YardService,
    LineActionsService,
    LaneArrivals,
    QueueTurns,
  ],
  exports: [QueueReadService, LineActionsService, LaneArrivals, CheckInService, YardService, QueueTurns],
})
export class QueueModule {}

/**
 * This lib's work behind the booking lib's routes `/bookings/:id/complete`, `skip`, `no-show` and `yard-arrival`
 * (docs/architecture.md, "Routes"): BookingLineActions for every module, the booking lib's controllers included.
 * The API imports it; the worker serves no route and does not.
 */
@Global()
@Module({
  imports: [QueueModule],
  providers: [{ provide: BookingLineActions, useExisting: LineActionsService }],
  exports: [BookingLineActions],
})
export class BookingLineActionsModule {}
