import { Injectable } from '@nestjs/common';
import { assertPortScope, Principal } from '@kouan/auth';
import { assertReportDays, notFound } from '@kouan/common';
import { ReplicaReads } from '@kouan/db';
import { toStageSeconds } from '@kouan/booking';
import type { KpiDayDto, KpiQueryDto } from './dto/kpi.dto';
import { kpiRows } from './kpis.repository';
import { portExists } from './queue.repository';

const round1 = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

/**
 * Per local day and direction: places offered (slot capacity), booked (not cancelled), used (completed),
 * the no-show rate among booked, the wait from check-in to call, the lanes' service time (call to
 * complete), and the lane-to-yard time (call to the yard's confirmation: not from completion, which a yard
 * confirming a called truck stamps at the same instant), in minutes; and each stage of the visits (holding wait,
 * call → lane, lane service, lane → yard, turn time: STAGE_SECONDS), p50 and p90 in seconds with their counts. One
 * query over slots and bookings, where reads may lag (a report of days does not need the last second).
 */
@Injectable()
export class KpisService {
  constructor(private readonly reads: ReplicaReads) {}

  async report(p: Principal, port: string, q: KpiQueryDto): Promise<KpiDayDto[]> {
    assertPortScope(p, port);
    const report = await this.reads.lagging(async (db) => {
      if (!(await portExists(db, port))) throw notFound(`port ${port}`);
      assertReportDays(q.from, q.to);
      return kpiRows(db, port, q.from, q.to);
    });
    return report.map((r) => ({
      date: r.day,
      direction: r.direction,
      slots: r.slots,
      offered: r.offered,
      booked: r.booked,
      used: r.used,
      noShows: r.no_shows,
      noShowRate: r.booked ? Math.round((r.no_shows / r.booked) * 1000) / 1000 : null,
      waitMinutes: { mean: round1(r.wait_mean), p90: round1(r.wait_p90) },
      serviceMinutes: { mean: round1(r.service_mean), median: round1(r.service_median) },
      laneToYardMinutes: { mean: round1(r.yard_mean), p90: round1(r.yard_p90) },
      stageSeconds: toStageSeconds(r),
    }));
  }
}
