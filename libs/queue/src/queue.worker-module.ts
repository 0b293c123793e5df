import { Module } from '@nestjs/common';
import { BookingWorkerModule } from '@kouan/booking';
import { PortEventsModule } from '@kouan/ports';
import { ExpireOverdueJob } from './jobs/expire-overdue.job';
import { PortLiveConsumer } from './port-live.consumer';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';
import { YardLiveConsumer } from './yard-live.consumer';
import { YardService } from './yard.service';

/**
 * The queue lib's side of the worker (apps/worker imports it): the expiry job, the yard's live consumer of booking
 * events and the live consumer of port events.
 */
@Module({
  imports: [BookingWorkerModule, PortEventsModule],
  providers: [ExpireOverdueJob, QueueReadService, QueueNotifier, YardService, YardLiveConsumer, PortLiveConsumer],
})
export class QueueWorkerModule {}
