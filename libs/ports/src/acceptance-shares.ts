import { DomainError } from '@kouan/common';
import { parseClock } from '@kouan/calendar';
import type { AcceptanceWindow } from './entities/counterpart.entity';

/** An export slot of the day: its id and where it starts, in minutes from the port's local midnight. */
export interface DaySlot {
  id: string;
  startMinute: number;
}

/** The windows as minutes, in order; 422 invalid_acceptance where one ends before it starts or two overlap. */
export function acceptanceWindows(windows: AcceptanceWindow[]): Array<{ from: number; to: number; trucks: number }> {
  const parsed = windows
    .map((w) => ({ from: parseClock(w.from) as number, to: parseClock(w.to) as number, trucks: w.trucks }))
    .sort((a, b) => a.from - b.from);
  parsed.forEach((w, i) => {
    if (w.to <= w.from) throw new DomainError('invalid_acceptance', 'a window must end after it starts');
    if (i > 0 && parsed[i - 1].to > w.from) throw new DomainError('invalid_acceptance', 'windows must not overlap');
  });
  return parsed;
}

/**
 * Each slot's share of the window it starts in: the window's trucks spread evenly over its slots, the remainder one
 * each to the earliest. A slot in no window gets null (the schedule's capacity holds there).
 */
export function acceptanceShares(slots: DaySlot[], windows: AcceptanceWindow[]): Map<string, number | null> {
  const shares = new Map<string, number | null>(slots.map((s) => [s.id, null]));
  for (const w of acceptanceWindows(windows)) {
    const inside = slots
      .filter((s) => s.startMinute >= w.from && s.startMinute < w.to)
      .sort((a, b) => a.startMinute - b.startMinute);
    const base = Math.floor(w.trucks / Math.max(inside.length, 1));
    const rest = w.trucks - base * inside.length;
    inside.forEach((s, i) => shares.set(s.id, base + (i < rest ? 1 : 0)));
  }
  return shares;
}
