import { Module } from '@nestjs/common';
import { BookingDeadlinesRepository } from './booking-deadlines.repository';
import { BookingEventsRepository } from './booking-events.repository';
import { BookingLiveConsumer } from './booking-live.consumer';
import { BookingTransitions } from './booking-transitions.repository';
import { CounterpartTrafficRepository } from './counterpart-traffic.repository';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { PurgeIdempotencyKeysJob } from './jobs/purge-idempotency-keys.job';
import { RemindDriversJob } from './jobs/remind-drivers.job';

/**
 * The booking lib's side of the worker (apps/worker imports it): the outbox, the deadlines, the status moves, the
 * live consumer of booking events, the reminders and the idempotency-key purge jobs, the far side's traffic (the yard view's trucks on the way, the
 * counterpart's departure webhooks). Needs a `Clock` (the worker provides one, globally).
 */
@Module({
  providers: [
    BookingEventsRepository,
    BookingDeadlinesRepository,
    BookingTransitions,
    BookingLiveConsumer,
    RemindDriversJob,
    IdempotencyKeysRepository,
    PurgeIdempotencyKeysJob,
    CounterpartTrafficRepository,
  ],
  exports: [BookingEventsRepository, BookingDeadlinesRepository, BookingTransitions, CounterpartTrafficRepository],
})
export class BookingWorkerModule {}
