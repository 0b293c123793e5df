import { Injectable } from '@nestjs/common';
import { assertReportDays } from '@kouan/common';
import { toStageSeconds } from '@kouan/booking';
import type { PerformanceQueryDto, PortPerformanceDto, PortPerformanceReport } from '@kouan/ports';
import { InsightsRepository } from './insights.repository';

const round = (v: number | null, places: number) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places);
const rate = (part: number, whole: number) => (whole ? round(part / whole, 3) : null);

/**
 * The ports lib's GET /ports/performance (PortPerformanceReport): every road port side by side over local days
 * [from, to] (docs/forecast.md).
 */
@Injectable()
export class PerformanceService implements PortPerformanceReport {
  constructor(private readonly repo: InsightsRepository) {}

  async report(q: PerformanceQueryDto): Promise<PortPerformanceDto[]> {
    assertReportDays(q.from, q.to);
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
      stageSeconds: toStageSeconds(r),
    }));
  }
}
