import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BookingModule } from '@kouan/booking';
import { PortEventsModule } from '@kouan/ports';
import { QueueModule } from '@kouan/queue';
import { DeviceGuard } from './device.guard';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { GateDevice } from './entities/gate-device.entity';
import { GateRead } from './entities/gate-read.entity';
import { GateReadImage } from './entities/gate-read-image.entity';
import { GateController } from './gate.controller';
import { IsapiController } from './isapi.controller';
import { GateDevicesRepository } from './gate-devices.repository';
import { GateReadsController } from './gate-reads.controller';
import { GateReadsRepository } from './gate-reads.repository';
import { GateReadsService } from './gate-reads.service';
import { GateReviewService } from './gate-review.service';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const GATE_ENTITIES = [GateDevice, GateRead, GateReadImage];

/**
 * Gate cameras (issue 19): devices and their keys, plate reads and what each read does at its position, and staff's
 * review of reads. Routes: `/gate` (the cameras: JSON reads, Hikvision ISAPI alerts, heartbeats), `/ports/:code/devices`, `/ports/:code/gate-reads`.
 * `GateReadsService.take` and `DeviceGuard` are exported for other formats of reads (Hikvision ISAPI).
 */
@Module({
  imports: [TypeOrmModule.forFeature(GATE_ENTITIES), BookingModule, QueueModule, PortEventsModule],
  controllers: [GateController, IsapiController, DevicesController, GateReadsController],
  providers: [
    GateDevicesRepository,
    GateReadsRepository,
    DeviceGuard,
    DevicesService,
    GateReadsService,
    GateReviewService,
  ],
  exports: [GateReadsService, GateDevicesRepository, DeviceGuard],
})
export class GateModule {}
