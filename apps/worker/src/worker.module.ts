import { Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@kouan/audit';
import { BookingDeadlinesRepository } from '@kouan/booking/booking-deadlines.repository';
import { BookingEventsRepository } from '@kouan/booking/booking-events.repository';
import { BookingLiveConsumer } from '@kouan/booking/booking-live.consumer';
import { RemindDriversJob } from '@kouan/booking/jobs/remind-drivers.job';
import { BookingTransitions } from '@kouan/booking/booking-transitions.repository';
import { AppConfig, KouanConfigModule } from '@kouan/config';
import { Clock, loggerParams, SystemClock } from '@kouan/common';
import { DbModule } from '@kouan/db';
import { JobsModule, PurgeIdempotencyKeysJob } from '@kouan/jobs';
import { ExpireOverdueJob, QueueNotifier, QueueReadService, YardLiveConsumer, YardService } from '@kouan/queue';
import { NotifyModule } from '@kouan/notify';
import { RealtimeModule } from '@kouan/realtime';
import { WebhookDispatcher, WebhookFanOutConsumer, WebhooksRepository } from '@kouan/webhooks';
import { AuditTrail } from './audit-trail';
import { DeadlineJobs } from './deadlines';
import { JobDispatcher } from './job-dispatcher';
import { MaintenanceProcessor } from './maintenance.processor';
import { OutboxRelay } from './outbox-relay';
import { RecurringJobs } from './schedules';
import { WorkerWiring } from './worker-wiring';

@Module({})
export class WorkerModule {
  /** `overrides` replace environment variables; `extra` adds providers (a test's own consumer). */
  static forRoot(overrides: Record<string, string> = {}, extra: { providers?: Provider[] } = {}) {
    return {
      module: WorkerModule,
      imports: [
        KouanConfigModule.forRoot(overrides),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => loggerParams(c.env.logLevel, 'worker'),
        }),
        DiscoveryModule,
        DbModule,
        JobsModule,
        RealtimeModule,
        NotifyModule,
        AuditModule,
      ],
      providers: [
        { provide: Clock, useClass: SystemClock },
        AuditTrail,
        BookingDeadlinesRepository,
        DeadlineJobs,
        BookingEventsRepository,
        BookingLiveConsumer,
        WebhooksRepository,
        WebhookFanOutConsumer,
        WebhookDispatcher,
        BookingTransitions,
        WorkerWiring,
        OutboxRelay,
        JobDispatcher,
        MaintenanceProcessor,
        RecurringJobs,
        PurgeIdempotencyKeysJob,
        ExpireOverdueJob,
        RemindDriversJob,
        QueueReadService,
        QueueNotifier,
        YardService,
        YardLiveConsumer,
        ...(extra.providers ?? []),
      ],
    };
  }
}
