import { Module } from '@nestjs/common';
import { PurgePortEventsJob } from './jobs/purge-port-events.job';
import { PortEventsModule } from './port-events.service';

/** The ports lib's side of the worker (apps/worker imports it): the port's outbox, for the relay, and its purge. */
@Module({ imports: [PortEventsModule], providers: [PurgePortEventsJob], exports: [PortEventsModule] })
export class PortsWorkerModule {}
