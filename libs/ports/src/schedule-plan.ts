import { DomainError } from '@kouan/common';
import { parseClock } from '@kouan/calendar';
import type { DayPlan } from '@kouan/calendar';
import type { PutScheduleDto } from './dto/schedule.dto';

/**
 * Where a schedule's slots fall in a day, or 422 invalid_schedule: the one check a schedule's PUT and its preview
 * share, so a preview is refused exactly when the PUT would be.
 */
export function dayPlanOf(dto: PutScheduleDto): DayPlan {
  const openFrom = parseClock(dto.openFrom) as number;
  const openTo = parseClock(dto.openTo) as number;
  if (openTo <= openFrom) throw new DomainError('invalid_schedule', 'openTo must be later than openFrom');
  if (openTo - openFrom < dto.slotMinutes) {
    throw new DomainError('invalid_schedule', 'the opening hours must hold at least one slot');
  }
  return { slotMinutes: dto.slotMinutes, openFrom, openTo };
}
