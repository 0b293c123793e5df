import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ParkingModule } from '@kouan/parking';
import { Lane } from './entities/lane.entity';
import { Port } from './entities/port.entity';
import { Schedule } from './entities/schedule.entity';
import { Slot, SlotFirmUsage } from './entities/slot.entity';
import { LanesRepository } from './lanes.repository';
import { LanesAdminService } from './lanes-admin.service';
import { SchedulePreviewService } from './schedule-preview.service';
import { FeesPreviewService } from './fees-preview.service';
import { FeesRepository } from './fees.repository';
import { FeesService } from './fees.service';
import { PortPerformanceController } from './port-performance.controller';
import { PortSeedService } from './port-seed.service';
import { PortsController } from './ports.controller';
import { PortsRepository } from './ports.repository';
import { PortsService } from './ports.service';
import { SlotsRepository } from './slots.repository';
import { SlotsService } from './slots.service';
import { PortFeeSchedule } from './entities/fee-schedule.entity';
import { LaneStatusChange } from './entities/lane-status-change.entity';
import { PortEventFailure } from './entities/port-event-failure.entity';
import { StoredPortEvent } from './entities/port-event.entity';
import { PortEventsModule } from './port-events.service';
import { CounterpartAcceptance, CounterpartStatus } from './entities/counterpart.entity';
import { CounterpartController } from './counterpart.controller';
import { CounterpartReader } from './counterpart-reader';
import { CounterpartRepository } from './counterpart.repository';
import { CounterpartService } from './counterpart.service';
import { PortIncident } from './entities/incident.entity';
import { IncidentsController } from './incidents.controller';
import { IncidentsReader } from './incidents-reader';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const PORTS_ENTITIES = [
  Port,
  Lane,
  LaneStatusChange,
  Schedule,
  Slot,
  SlotFirmUsage,
  PortFeeSchedule,
  StoredPortEvent,
  PortEventFailure,
  CounterpartStatus,
  CounterpartAcceptance,
  PortIncident,
];

@Module({
  imports: [TypeOrmModule.forFeature(PORTS_ENTITIES), ParkingModule, PortEventsModule],
  // PortPerformanceController first: Nest registers routes in this order, and PortsController's GET /ports/:code
  // would take /ports/performance. Its report is the insights lib's (PortPerformanceReportModule).
  controllers: [PortPerformanceController, PortsController, CounterpartController, IncidentsController],
  providers: [
    PortsService,
    PortsRepository,
    SlotsService,
    SlotsRepository,
    PortSeedService,
    LanesRepository,
    LanesAdminService,
    SchedulePreviewService,
    FeesPreviewService,
    FeesService,
    FeesRepository,
    CounterpartRepository,
    CounterpartReader,
    CounterpartService,
    IncidentsRepository,
    IncidentsReader,
    IncidentsService,
  ],
  exports: [
    PortsService,
    SlotsService,
    PortSeedService,
    LanesRepository,
    LanesAdminService,
    PortEventsModule,
    CounterpartReader,
    IncidentsReader,
  ],
})
export class PortsModule {}
