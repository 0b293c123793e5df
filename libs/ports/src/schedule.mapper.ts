import { Schedule } from './entities/schedule.entity';
import type { ScheduleResponseDto } from './dto/schedule.dto';
import { formatClock } from '@kouan/calendar';

export const toScheduleDto = (s: Schedule, timeZone: string): ScheduleResponseDto => ({
  portCode: s.portCode,
  slotMinutes: s.slotMinutes,
  capacity: { export: s.capacityExport, import: s.capacityImport },
  openFrom: formatClock(s.openFrom),
  openTo: formatClock(s.openTo),
  firmQuotaPercent: s.firmQuotaPercent,
  horizonDays: s.horizonDays,
  earlyArrivalMinutes: s.earlyArrivalMinutes,
  checkInGraceMinutes: s.checkInGraceMinutes,
  calledTimeoutMinutes: s.calledTimeoutMinutes,
  priorityRatio: s.priorityRatio,
  priorityCapPercent: s.priorityCapPercent,
  defaultServiceMinutes: s.defaultServiceMinutes,
  strikeLimit: s.strikeLimit,
  requireDeclaration: s.requireDeclaration,
  anprMinConfidence: s.anprMinConfidence,
  dedupeSeconds: s.dedupeSeconds,
  phoneCheckIn: s.phoneCheckIn,
  keepGateImages: s.keepGateImages,
  timeZone,
  updatedAt: new Date(s.updatedAt).toISOString(),
});
