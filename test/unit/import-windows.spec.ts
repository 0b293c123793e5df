import { DateTime } from 'luxon';
import { slotGrid } from '@kouan/calendar';
import { acceptanceByDate, ImportSlot, MAX_WINDOWS } from '@kouan/link';

/** Our import slots of `date` at Boten (Asia/Vientiane): hourly 08:00-20:00, `capacity` each. */
const botenDay = (date: string, capacity: number, slotMinutes = 60): ImportSlot[] =>
  slotGrid(date, { slotMinutes, openFrom: 8 * 60, openTo: 20 * 60 }, 'Asia/Vientiane').map((s) => ({ ...s, capacity }));

describe('our import capacity as the far side acceptance', () => {
  it("states each slot as a window of the far side's clock, and 0 where our port is closed", () => {
    const byDate = acceptanceByDate(botenDay('2026-12-06', 4), 'Asia/Shanghai');
    expect([...byDate.keys()]).toEqual(['2026-12-06']);
    const windows = byDate.get('2026-12-06')!;
    // Boten's 08:00 is Mohan's 09:00.
    expect(windows[0]).toEqual({ from: '00:00', to: '09:00', trucks: 0 });
    expect(windows[1]).toEqual({ from: '09:00', to: '10:00', trucks: 4 });
    expect(windows[12]).toEqual({ from: '20:00', to: '21:00', trucks: 4 });
    expect(windows[13]).toEqual({ from: '21:00', to: '24:00', trucks: 0 });
    expect(windows).toHaveLength(14);
  });

  it("counts a slot on the far side's date it starts on, cut at that date's midnight", () => {
    const late = [
      {
        startsAt: DateTime.fromISO('2026-12-06T22:30', { zone: 'Asia/Vientiane' }).toJSDate(),
        endsAt: DateTime.fromISO('2026-12-06T23:30', { zone: 'Asia/Vientiane' }).toJSDate(),
        capacity: 3,
      },
    ];
    const byDate = acceptanceByDate(late, 'Asia/Shanghai');
    expect(byDate.get('2026-12-06')).toEqual([
      { from: '00:00', to: '23:30', trucks: 0 },
      { from: '23:30', to: '24:00', trucks: 3 },
    ]);
  });

  it(`joins neighbouring windows past ${MAX_WINDOWS}, keeping the day's trucks`, () => {
    const windows = acceptanceByDate(botenDay('2026-12-06', 2, 10), 'Asia/Vientiane').get('2026-12-06')!;
    expect(windows.length).toBeLessThanOrEqual(MAX_WINDOWS);
    expect(windows.reduce((n, w) => n + w.trucks, 0)).toBe(72 * 2);
    expect(windows[0].from).toBe('00:00');
    expect(windows[windows.length - 1].to).toBe('24:00');
    windows.slice(1).forEach((w, i) => expect(w.from).toBe(windows[i].to));
  });
});
