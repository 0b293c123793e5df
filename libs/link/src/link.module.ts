import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BookingWorkerModule } from '@kouan/booking';
import { JobsModule } from '@kouan/jobs';
import { PortsModule, PortsWorkerModule } from '@kouan/ports';
import { IncidentRelayConsumer } from './incident-relay.consumer';
import { CounterpartLinkState } from './entities/counterpart-link.entity';
import { SyncCounterpartLinkJob } from './jobs/sync-counterpart-link.job';
import { LinkController } from './link.controller';
import { LinkRepository } from './link.repository';
import { LinkService } from './link.service';
import { LinkStatusService } from './link-status.service';

/** The tables this lib owns. */
export const LINK_ENTITIES = [CounterpartLinkState];

/** The API's side: the link's status for the port admin. */
@Module({
  imports: [TypeOrmModule.forFeature(LINK_ENTITIES), PortsModule],
  controllers: [LinkController],
  providers: [LinkRepository, LinkStatusService],
})
export class LinkModule {}

/** The worker's side (apps/worker imports it): the job that runs each link, and what runs it at an incident. */
@Module({
  imports: [TypeOrmModule.forFeature(LINK_ENTITIES), BookingWorkerModule, PortsWorkerModule, JobsModule],
  providers: [LinkRepository, LinkService, SyncCounterpartLinkJob, IncidentRelayConsumer],
})
export class LinkWorkerModule {}
