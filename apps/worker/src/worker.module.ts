import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@kouan/audit';
import {
  BookingDeadlinesRepository,
  BookingEventsRepository,
  BookingLiveConsumer,
  RemindDriversJob,
  BookingTransitions,
} from '@kouan/booking';
import { AppConfig, KouanConfigModule } from '@kouan/config';
import { ClockModule, loggerParams } from '@kouan/common';
import { DbModule } from '@kouan/db';
import { JobsModule } from '@kouan/jobs';
import { IdempotencyKeysRepository, PurgeIdempotencyKeysJob } from '@kouan/booking';
import { ExpireOverdueJob, QueueNotifier, QueueReadService, YardLiveConsumer, YardService } from '@kouan/queue';
import { NotifyModule } from '@kouan/notify';
import { RealtimeModule } from '@kouan/realtime';
import { WebhookDispatcher, WebhookFanOutConsumer, WebhooksRepository } from '@kouan/webhooks';
import { ENTITIES } from '../../entities';
import { AuditTrail } from './audit-trail';
import { DeadlineJobs } from './deadlines';
import { JobDispatcher } from './job-dispatcher';
import { MaintenanceProcessor } from './maintenance.processor';
import { OutboxRelay } from './outbox-relay';
import { RecurringJobs } from './schedules';

@Module({})
export class WorkerModule {
  static forRoot(overrides: Record<string, string> = {}) {
    return {
      module: WorkerModule,
      imports: [
        KouanConfigModule.forRoot(overrides),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => loggerParams(c.env.logLevel, 'worker'),
        }),
        DiscoveryModule,
        ClockModule,
        DbModule.forRoot(ENTITIES),
        JobsModule,
        RealtimeModule,
        NotifyModule,
        AuditModule,
      ],
      providers: [
        AuditTrail,
        BookingDeadlinesRepository,
        DeadlineJobs,
        BookingEventsRepository,
        BookingLiveConsumer,
        WebhooksRepository,
        WebhookFanOutConsumer,
        WebhookDispatcher,
        BookingTransitions,
        OutboxRelay,
        JobDispatcher,
        MaintenanceProcessor,
        RecurringJobs,
        PurgeIdempotencyKeysJob,
        IdempotencyKeysRepository,
        ExpireOverdueJob,
        RemindDriversJob,
        QueueReadService,
        QueueNotifier,
        YardService,
        YardLiveConsumer,
      ],
    };
  }
}
