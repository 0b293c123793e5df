import { Injectable } from '@nestjs/common';
import { DomainError } from '@kouan/common';
import type { PerformanceQueryDto, PortPerformanceDto } from './dto/performance.dto';
import { InsightsRepository } from './insights.repository';

/** The same limit as the KPI report (libs/queue/src/kpis.service.ts). */
const MAX_DAYS = 92;

const round = (v: number | null, places: number) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places);
const rate = (part: number, whole: number) => (whole ? round(part / whole, 3) : null);

/** GET /ports/performance: every road port side by side over local days [from, to] (docs/forecast.md). */
@Injectable()
export class PerformanceService {
  constructor(private readonly repo: InsightsRepository) {}

  async report(q: PerformanceQueryDto): Promise<PortPerformanceDto[]> {
    const days = await this.repo.spanDays(q.from, q.to);
    if (days < 1 || days > MAX_DAYS) throw new DomainError('bad_request', `to must be on or after from, at most ${MAX_DAYS} days apart`);
    return (await this.repo.performance(q.from, q.to)).map((r) => ({
      port: r.code,
      name: r.name,
      bookings: r.bookings,
      offered: r.offered,
      trucksServed: r.served,
      wait: { mean: round(r.wait_mean, 1), p90: round(r.wait_p90, 1) },
      noShowRate: rate(r.no_shows, r.decided),
      onTimeRate: rate(r.on_time, r.checked_in),
      slotUse: rate(r.bookings, r.offered),
      laneToYardMinutes: { mean: round(r.yard_mean, 1), p90: round(r.yard_p90, 1) },
    }));
  }
}
