import { Module } from '@nestjs/common';
import { BookingWorkerModule } from '@kouan/booking';
import { ExpireOverdueJob } from './jobs/expire-overdue.job';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';
import { YardLiveConsumer } from './yard-live.consumer';
import { YardService } from './yard.service';

/** The queue lib's side of the worker (apps/worker imports it): the expiry job and the yard's live consumer. */
@Module({
  imports: [BookingWorkerModule],
  providers: [ExpireOverdueJob, QueueReadService, QueueNotifier, YardService, YardLiveConsumer],
})
export class QueueWorkerModule {}
