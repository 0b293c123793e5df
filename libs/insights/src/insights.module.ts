import { Global, Module } from '@nestjs/common';
import { BookingModule } from '@kouan/booking';
import { PortPerformanceReport } from '@kouan/ports';
import { ForecastService } from './forecast.service';
import { ForecastController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { PerformanceService } from './performance.service';

/** Forecast and port performance (docs/forecast.md): reads only, over bookings, slots, lanes and schedules,
 * and the far side's trucks on the way (the booking lib's). */
@Module({
  imports: [BookingModule],
  controllers: [ForecastController],
  providers: [InsightsRepository, ForecastService, PerformanceService],
  exports: [PerformanceService],
})
export class InsightsModule {}

/**
 * This lib's report behind the ports lib's route `GET /ports/performance` (docs/architecture.md, "Routes"):
 * PortPerformanceReport for every module, the ports lib's controllers included. The API imports it.
 */
@Global()
@Module({
  imports: [InsightsModule],
  providers: [{ provide: PortPerformanceReport, useExisting: PerformanceService }],
  exports: [PortPerformanceReport],
})
export class PortPerformanceReportModule {}
