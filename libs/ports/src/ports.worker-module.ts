import { Module } from '@nestjs/common';
import { IncidentsReader } from './incidents-reader';
import { IncidentsRepository } from './incidents.repository';
import { PurgePortEventsJob } from './jobs/purge-port-events.job';
import { PortEventsModule } from './port-events.service';

/**
 * The ports lib's side of the worker (apps/worker imports it): the port's outbox, for the relay, and its purge; the
 * port's open incidents, for the link that relays them to the far side.
 */
@Module({
  imports: [PortEventsModule],
  providers: [PurgePortEventsJob, IncidentsRepository, IncidentsReader],
  exports: [PortEventsModule, IncidentsReader],
})
export class PortsWorkerModule {}
