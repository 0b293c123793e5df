import { Module } from '@nestjs/common';
import { PortEventsModule } from '@kouan/ports';
import { GateDevicesRepository } from './gate-devices.repository';
import { GateLiveConsumer } from './gate-live.consumer';
import { GateReadsRepository } from './gate-reads.repository';
import { MarkDevicesOfflineJob } from './jobs/mark-devices-offline.job';
import { PurgeGateReadsJob } from './jobs/purge-gate-reads.job';

/**
 * The gate lib's side of the worker (apps/worker imports it): the live consumer of its port events (gate:read,
 * gate:alert, device:update), the offline sweep and the 30-day purge of reads.
 */
@Module({
  imports: [PortEventsModule],
  providers: [GateDevicesRepository, GateReadsRepository, GateLiveConsumer, MarkDevicesOfflineJob, PurgeGateReadsJob],
})
export class GateWorkerModule {}
