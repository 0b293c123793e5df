import { Injectable } from '@nestjs/common';
import { assertPortScope, Principal } from '@kouan/auth';
import { CounterpartTrafficRepository } from '@kouan/booking';
import { Clock, notFound } from '@kouan/common';
import type { ForecastDto, ForecastQueryDto } from './dto/forecast.dto';
import { DIRECTIONS, forecast } from './forecast';
import { InsightsRepository } from './insights.repository';

/** GET /ports/:code/forecast: reads the measured basis and the day's bookings, then `forecast` does the arithmetic. */
@Injectable()
export class ForecastService {
  constructor(
    private readonly repo: InsightsRepository,
    private readonly traffic: CounterpartTrafficRepository,
    private readonly clock: Clock,
  ) {}

  async forecast(p: Principal, port: string, q: ForecastQueryDto): Promise<ForecastDto> {
    const at = this.clock.now();
    const day = await this.repo.forecastPort(port, q.date, at);
    assertPortScope(p, port);
    if (!day) throw notFound(`port ${port}`);
    // Only road ports take bookings and have a schedule; there is nothing to forecast elsewhere.
    if (day.default_service_minutes === null) throw notFound(`schedule of port ${port}`);
    const [counts, offsets, service, booked, onTheWay] = await Promise.all([
      this.repo.basisCounts(port, day.from_date, day.to_date),
      this.repo.arrivalOffsets(port, day.from_date, day.to_date),
      this.repo.serviceMinutes(port, day.from_date, day.to_date),
      this.repo.bookedByMinute(port, day.date),
      this.traffic.onTheWay(port, at),
    ]);
    const measuredService = (d: string) => service.find((s) => s.direction === d)?.mean ?? null;
    const result = forecast({
      measured: {
        decided: counts.decided,
        checkedIn: counts.checked_in,
        offsets,
        serviceMinutes: { export: measuredService('export'), import: measuredService('import') },
      },
      defaultServiceMinutes: day.default_service_minutes,
      booked: booked.filter((b) => (DIRECTIONS as readonly string[]).includes(b.direction)),
      lanes: { export: day.lanes_export, import: day.lanes_import },
    });
    return {
      port,
      date: day.date,
      basis: { fromDate: day.from_date, toDate: day.to_date, ...result.basis },
      hours: result.hours,
      onTheWay: { count: onTheWay.length, trucks: onTheWay },
    };
  }
}
