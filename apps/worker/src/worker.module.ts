import { Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@kouan/audit';
import { BookingWorkerModule } from '@kouan/booking';
import { AppConfig, KouanConfigModule } from '@kouan/config';
import { Clock, loggerParams } from '@kouan/common';
import { DbModule } from '@kouan/db';
import { GateWorkerModule } from '@kouan/gate';
import { JobsModule } from '@kouan/jobs';
import { LinkWorkerModule } from '@kouan/link';
import { QueueWorkerModule } from '@kouan/queue';
import { NotifyModule } from '@kouan/notify';
import { PortsWorkerModule } from '@kouan/ports';
import { RealtimeModule } from '@kouan/realtime';
import { WebhooksWorkerModule } from '@kouan/webhooks';
import { processClock } from '../../clock';
import { ENTITIES } from '../../entities';
import { AuditTrail, PortAuditTrail } from './audit-trail';
import { DeadlineJobs } from './deadlines';
import { JobDispatcher } from './job-dispatcher';
import { MaintenanceProcessor } from './maintenance.processor';
import { OutboxRelay, PortEventsRelay } from './outbox-relay';
import { RecurringJobs } from './schedules';
import { WorkerWiring } from './worker-wiring';

/**
 * The worker: each lib's worker module brings its consumers, jobs and loops; this app adds the relays (booking and
 * port events), the audit trail's consumers, the job dispatcher and the schedules. Nothing is listed twice:
 * WorkerWiring refuses to boot when a declared consumer or job handler is missing.
 */
@Module({})
export class WorkerModule {
  /**
   * `overrides` replace environment variables; `extra` adds providers (a test's own consumer) or sets the clock (a
   * test's instant; the system's time otherwise).
   */
  static forRoot(overrides: Record<string, string> = {}, extra: { providers?: Provider[]; clock?: Clock } = {}) {
    return {
      module: WorkerModule,
      imports: [
        KouanConfigModule.forRoot(overrides),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => loggerParams(c.env.logLevel, 'worker'),
        }),
        DiscoveryModule,
        // The instant every rule over time and every lease is judged at: the system's, a test's, or the soak's.
        processClock(extra.clock),
        DbModule.forRoot(ENTITIES),
        JobsModule,
        RealtimeModule,
        AuditModule,
        PortsWorkerModule,
        BookingWorkerModule,
        QueueWorkerModule,
        WebhooksWorkerModule,
        NotifyModule,
        GateWorkerModule,
        LinkWorkerModule,
      ],
      providers: [
        WorkerWiring,
        OutboxRelay,
        PortEventsRelay,
        AuditTrail,
        PortAuditTrail,
        DeadlineJobs,
        JobDispatcher,
        MaintenanceProcessor,
        RecurringJobs,
        ...(extra.providers ?? []),
      ],
    };
  }
}
