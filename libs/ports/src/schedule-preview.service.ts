import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '@kouan/common';
import { fitsPlan, isoInZone, slotGrid } from '@kouan/calendar';
import type { AffectedSlotDto, PutScheduleDto, SchedulePreviewDto } from './dto/schedule.dto';
import { PortsService } from './ports.service';
import { dayPlanOf } from './schedule-plan';
import { SlotsRepository } from './slots.repository';

/**
 * What a schedule would give before it is put: its slot grid over the horizon, and the booked slots it would
 * touch. Reads only (the grid is computed, not materialised), so a preview leaves every table as it was.
 */
@Injectable()
export class SchedulePreviewService {
  constructor(
    private readonly ports: PortsService,
    private readonly slots: SlotsRepository,
    private readonly clock: Clock,
  ) {}

  async preview(code: string, dto: PutScheduleDto): Promise<SchedulePreviewDto> {
    const port = await this.ports.getOrFail(code);
    const plan = dayPlanOf(dto);
    const at = this.clock.now();
    const zone = port.timeZone;
    const today = DateTime.fromJSDate(at, { zone }).startOf('day');
    // The days whose slots may be listed and booked under it: today and the horizon's (SlotsService's range).
    const days = Array.from({ length: dto.horizonDays + 1 }, (_, i) => today.plus({ days: i }).toISODate() as string);
    const affected: AffectedSlotDto[] = [];
    for (const s of await this.slots.bookedOpen(code, at)) {
      const capacity = dto.capacity[s.direction];
      const fits = fitsPlan({ startsAt: s.starts_at, endsAt: s.ends_at }, plan, zone);
      if (fits && s.booked <= capacity) continue;
      affected.push({
        slotId: s.id,
        startsAt: isoInZone(s.starts_at, zone),
        direction: s.direction,
        booked: s.booked,
        capacity,
        reason: fits ? 'over_capacity' : 'outside_plan',
      });
    }
    return {
      days: days.map((date) => ({
        date,
        slots: slotGrid(date, plan, zone).map((w) => ({
          startsAt: isoInZone(w.startsAt, zone),
          endsAt: isoInZone(w.endsAt, zone),
          capacity: { export: dto.capacity.export, import: dto.capacity.import },
        })),
      })),
      affected,
    };
  }
}
