import { DateTime } from 'luxon';

/** The part of a schedule that decides where slots fall in a day. Times are minutes after local midnight. */
export interface DayPlan {
  slotMinutes: number;
  openFrom: number;
  /** Up to 1440: "24:00", the next midnight. */
  openTo: number;
}

export interface SlotWindow {
  startsAt: Date;
  endsAt: Date;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD, or null. */
export function parseLocalDate(date: string, timeZone: string): DateTime | null {
  if (!DATE.test(date)) return null;
  const day = DateTime.fromISO(date, { zone: timeZone });
  return day.isValid ? day.startOf('day') : null;
}

/** Wall-clock minute of a local day (1440 = the next midnight), as an instant. */
function atMinute(day: DateTime, minute: number): DateTime {
  if (minute >= 1440) return day.plus({ days: 1 }).startOf('day');
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
}

/**
 * The slots of one local date under a plan: back to back from `openFrom`, each `slotMinutes` long, the last
 * one ending no later than `openTo`. A remainder shorter than a slot is not offered.
 */
export function slotGrid(date: string, plan: DayPlan, timeZone: string): SlotWindow[] {
  const day = parseLocalDate(date, timeZone);
  if (!day) throw new RangeError(`not a date: ${date}`);
  const slots: SlotWindow[] = [];
  for (let m = plan.openFrom; m + plan.slotMinutes <= plan.openTo; m += plan.slotMinutes) {
    const startsAt = atMinute(day, m);
    // A start the clock skips (a DST spring-forward) does not exist: luxon would move it onto the next slot's
    // start, giving an empty or duplicate slot.
    if (startsAt.hour * 60 + startsAt.minute !== m % 1440) continue;
    slots.push({ startsAt: startsAt.toJSDate(), endsAt: atMinute(day, m + plan.slotMinutes).toJSDate() });
  }
  return slots;
}

/** Whether an existing slot is one the plan would create on its own date (same start and length). */
export function fitsPlan(slot: SlotWindow, plan: DayPlan, timeZone: string): boolean {
  const date = DateTime.fromJSDate(slot.startsAt, { zone: timeZone }).toISODate() as string;
  return slotGrid(date, plan, timeZone).some(
    (g) => g.startsAt.getTime() === slot.startsAt.getTime() && g.endsAt.getTime() === slot.endsAt.getTime(),
  );
}

/** "HH:MM" (00:00–24:00) to minutes after midnight, or null. */
export function parseClock(value: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}

export const formatClock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** ISO-8601 with the port's offset, e.g. 2026-11-29T08:00:00+08:00. */
export const isoInZone = (instant: Date, timeZone: string): string =>
  DateTime.fromJSDate(instant, { zone: timeZone }).toISO({ suppressMilliseconds: true }) as string;
