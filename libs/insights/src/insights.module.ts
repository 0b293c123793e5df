import { Module } from '@nestjs/common';
import { ForecastService } from './forecast.service';
import { ForecastController, InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { PerformanceService } from './performance.service';

/** Forecast and port performance (docs/forecast.md): reads only, over bookings, slots, lanes and schedules. */
@Module({
  controllers: [InsightsController, ForecastController],
  providers: [InsightsRepository, ForecastService, PerformanceService],
})
export class InsightsModule {}
