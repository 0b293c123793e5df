import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@kouan/audit';
import { AuthModule } from '@kouan/auth';
import { BookingEventsRepository, BookingModule, CounterpartMovesModule, FirmStandingsModule } from '@kouan/booking';
import { HttpExceptionFilter, loggerParams } from '@kouan/common';
import { AppConfig, KouanConfigModule } from '@kouan/config';
import { DbModule, RedisModule } from '@kouan/db';
import { FirmsModule } from '@kouan/firms';
import { GateModule } from '@kouan/gate';
import { LinkModule } from '@kouan/link';
import { InsightsModule, PortPerformanceReportModule } from '@kouan/insights';
import { JobsModule } from '@kouan/jobs';
import { DriverCodeCourierModule, DriverPushModule } from '@kouan/notify';
import { OpenDataModule } from '@kouan/opendata';
import { OutlookModule } from '@kouan/outlook';
import { PortsModule } from '@kouan/ports';
import { BookingLineActionsModule, QueueFollower, QueueModule } from '@kouan/queue';
import { RealtimeModule } from '@kouan/realtime';
import { WebhooksModule } from '@kouan/webhooks';
import { ENTITIES } from '../../entities';
import { processClock } from '../../clock';
import { AuditController } from './audit.controller';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLetters } from './dead-letters';
import { HealthController } from './health.controller';
import { JobsBoardModule } from './jobs-board/jobs-board.module';
import { LiveGateway } from './live.gateway';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { PagesController } from './pages.controller';

/**
 * Default metrics describe the Node process, not one Nest app, and prom-client's registry is process-wide:
 * registering them per app throws when one process boots a second app (the two-process tests).
 */
const metrics = PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: true } });

@Module({})
export class ApiModule {
  /** `overrides` replace environment variables; tests use them to give each file its own database and prefix. */
  static forRoot(overrides: Record<string, string> = {}) {
    return {
      module: ApiModule,
      imports: [
        KouanConfigModule.forRoot(overrides),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => loggerParams(c.env.logLevel, 'api'),
        }),
        // The API's time (SQL, sessions, access tokens): a test replaces it (test/support/harness.ts, clock), the soak
        // scales it (CLOCK_START).
        processClock(),
        DbModule.forRoot(ENTITIES),
        RedisModule,
        JobsModule,
        TerminusModule.forRoot({ logger: false }),
        metrics,
        AuditModule,
        AuthModule,
        PortsModule,
        FirmsModule,
        RealtimeModule,
        BookingModule,
        QueueModule,
        InsightsModule,
        GateModule,
        OpenDataModule,
        OutlookModule,
        LinkModule,
        // The work behind routes that a lower lib owns (docs/architecture.md, "Routes"): BookingLineActions for
        // /bookings/:id/complete, skip, no-show and yard-arrival, PortPerformanceReport for /ports/performance,
        // DriverCodeCourier for /bookings/:id/driver-code/send, DriverPushSubscriptions for /driver/push-subscription.
        BookingLineActionsModule,
        DriverCodeCourierModule,
        FirmStandingsModule,
        CounterpartMovesModule,
        PortPerformanceReportModule,
        DriverPushModule,
        WebhooksModule,
        JobsBoardModule,
      ],
      controllers: [AuditController, DeadLettersController, HealthController, PagesController],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        QueueFollower,
        LiveGateway,
        MetricsServer,
        BookingEventsRepository,
        DeadLetters,
      ],
    };
  }
}
