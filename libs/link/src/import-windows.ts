import { DateTime } from 'luxon';
import { formatClock } from '@kouan/calendar';

/** One of our import slots: what our port can take from the far side then. */
export interface ImportSlot {
  startsAt: Date;
  endsAt: Date;
  capacity: number;
}

/** A window as the far side's `PUT …/counterpart/acceptance` takes it: its local clocks, "24:00" for midnight. */
export interface PushWindow {
  from: string;
  to: string;
  trucks: number;
}

/** The most windows one acceptance may carry (PutAcceptanceDto). */
export const MAX_WINDOWS = 48;

/**
 * Our import capacity as the far side's acceptance, by their local date: each of our import slots becomes a window
 * of their clock taking its capacity, and the rest of a date that has any of our slots takes 0 (our port is closed
 * then: their trucks would only wait at our gate). A slot is counted on their date it starts on and cut at that
 * date's midnight. Past MAX_WINDOWS, neighbouring windows are joined (their trucks summed).
 */
export function acceptanceByDate(slots: ImportSlot[], theirZone: string): Map<string, PushWindow[]> {
  const byDate = new Map<string, Array<{ from: number; to: number; trucks: number }>>();
  for (const s of [...slots].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())) {
    const start = DateTime.fromJSDate(s.startsAt, { zone: theirZone });
    const day = start.startOf('day');
    const date = day.toISODate() as string;
    const from = Math.round(start.diff(day, 'minutes').minutes);
    const to = Math.min(
      Math.round(DateTime.fromJSDate(s.endsAt, { zone: theirZone }).diff(day, 'minutes').minutes),
      1440,
    );
    const windows = byDate.get(date) ?? [];
    const last = windows[windows.length - 1];
    // Slots never overlap; a slot of an instant a DST change repeats would: it joins the window before it.
    if (last && from < last.to) {
      last.trucks += s.capacity;
      last.to = Math.max(last.to, to);
    } else windows.push({ from, to, trucks: s.capacity });
    byDate.set(date, windows);
  }
  const result = new Map<string, PushWindow[]>();
  for (const [date, windows] of byDate) {
    const full: Array<{ from: number; to: number; trucks: number }> = [];
    let at = 0;
    for (const w of windows) {
      if (w.from > at) full.push({ from: at, to: w.from, trucks: 0 });
      full.push(w);
      at = w.to;
    }
    if (at < 1440) full.push({ from: at, to: 1440, trucks: 0 });
    const per = Math.ceil(full.length / MAX_WINDOWS);
    const joined: typeof full = [];
    for (let i = 0; i < full.length; i += per) {
      const group = full.slice(i, i + per);
      joined.push({
        from: group[0].from,
        to: group[group.length - 1].to,
        trucks: group.reduce((n, w) => n + w.trucks, 0),
      });
    }
    result.set(
      date,
      joined.map((w) => ({ from: formatClock(w.from), to: formatClock(w.to), trucks: w.trucks })),
    );
  }
  return result;
}
