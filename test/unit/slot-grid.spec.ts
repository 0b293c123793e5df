import {
  fitsPlan,
  formatClock,
  isoInZone,
  parseClock,
  parseLocalDate,
  slotGrid,
  type DayPlan,
  type SlotWindow,
} from '@kouan/calendar';

const SHANGHAI = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;

const plan = (openFrom: string, openTo: string, slotMinutes: number): DayPlan => ({
  slotMinutes,
  openFrom: parseClock(openFrom)!,
  openTo: parseClock(openTo)!,
});
const iso = (slots: SlotWindow[], zone: string) =>
  slots.map((s) => [isoInZone(s.startsAt, zone), isoInZone(s.endsAt, zone)]);

/** Every slot has a positive length, and they follow one another without overlapping or repeating. */
function expectWellFormed(slots: SlotWindow[]): void {
  for (const s of slots) expect(s.endsAt.getTime()).toBeGreaterThan(s.startsAt.getTime());
  for (let i = 1; i < slots.length; i++)
    expect(slots[i].startsAt.getTime()).toBeGreaterThanOrEqual(slots[i - 1].endsAt.getTime());
  expect(new Set(slots.map((s) => s.startsAt.getTime())).size).toBe(slots.length);
}

describe('slotGrid', () => {
  it('cuts a Shanghai day of 08:00-20:00 into twelve one-hour slots on the local clock', () => {
    const slots = slotGrid('2026-11-29', plan('08:00', '20:00', 60), SHANGHAI);
    expect(slots).toHaveLength(12);
    expect(slots[0].startsAt.toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(slots[0].endsAt.toISOString()).toBe('2026-11-29T01:00:00.000Z');
    expect(slots[11].endsAt.toISOString()).toBe('2026-11-29T12:00:00.000Z');
    expect(isoInZone(slots[0].startsAt, SHANGHAI)).toBe('2026-11-29T08:00:00+08:00');
    expect(isoInZone(slots[11].startsAt, SHANGHAI)).toBe('2026-11-29T19:00:00+08:00');
    expect(isoInZone(slots[11].endsAt, SHANGHAI)).toBe('2026-11-29T20:00:00+08:00');
    for (const s of slots) expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(HOUR);
    expectWellFormed(slots);
  });

  it('runs "until 24:00" to the next local midnight', () => {
    const slots = slotGrid('2026-11-29', plan('20:00', '24:00', 60), SHANGHAI);
    expect(iso(slots, SHANGHAI)).toEqual([
      ['2026-11-29T20:00:00+08:00', '2026-11-29T21:00:00+08:00'],
      ['2026-11-29T21:00:00+08:00', '2026-11-29T22:00:00+08:00'],
      ['2026-11-29T22:00:00+08:00', '2026-11-29T23:00:00+08:00'],
      ['2026-11-29T23:00:00+08:00', '2026-11-30T00:00:00+08:00'],
    ]);
    expect(slots[3].endsAt.toISOString()).toBe('2026-11-29T16:00:00.000Z');

    const allDay = slotGrid('2026-11-29', plan('00:00', '24:00', 30), SHANGHAI);
    expect(allDay).toHaveLength(48);
    expect(isoInZone(allDay[0].startsAt, SHANGHAI)).toBe('2026-11-29T00:00:00+08:00');
    expect(isoInZone(allDay[47].endsAt, SHANGHAI)).toBe('2026-11-30T00:00:00+08:00');
    expectWellFormed(allDay);
  });

  it('does not offer a remainder shorter than a slot', () => {
    const slots = slotGrid('2026-11-29', plan('08:00', '09:45', 30), SHANGHAI);
    expect(iso(slots, SHANGHAI).map(([from, to]) => `${from.slice(11, 16)}-${to.slice(11, 16)}`)).toEqual([
      '08:00-08:30',
      '08:30-09:00',
      '09:00-09:30',
    ]);
    expect(slotGrid('2026-11-29', plan('08:00', '08:59', 60), SHANGHAI)).toEqual([]);
    expect(slotGrid('2026-11-29', plan('08:00', '09:00', 60), SHANGHAI)).toHaveLength(1);
  });

  it("uses the date in the port's zone, not in UTC", () => {
    // 2026-11-29 00:00 in Shanghai is still 2026-11-28 in UTC.
    const [first] = slotGrid('2026-11-29', plan('00:00', '01:00', 60), SHANGHAI);
    expect(first.startsAt.toISOString()).toBe('2026-11-28T16:00:00.000Z');
  });

  it('keeps local wall-clock hours in Berlin on an ordinary winter and summer day', () => {
    const winter = slotGrid('2026-03-28', plan('08:00', '10:00', 60), BERLIN);
    expect(winter.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-03-28T07:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
    ]);
    const summer = slotGrid('2026-03-30', plan('08:00', '10:00', 60), BERLIN);
    expect(summer.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-03-30T06:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    expect(isoInZone(summer[0].startsAt, BERLIN)).toBe('2026-03-30T08:00:00+02:00');
  });

  it('skips the hour that does not exist when Berlin moves its clocks forward (2026-03-29)', () => {
    const slots = slotGrid('2026-03-29', plan('00:00', '06:00', 60), BERLIN);
    expectWellFormed(slots);
    // 02:00-03:00 local never happens that night: the clock jumps from 02:00 CET to 03:00 CEST.
    expect(iso(slots, BERLIN)).toEqual([
      ['2026-03-29T00:00:00+01:00', '2026-03-29T01:00:00+01:00'],
      ['2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00'],
      ['2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00'],
      ['2026-03-29T04:00:00+02:00', '2026-03-29T05:00:00+02:00'],
      ['2026-03-29T05:00:00+02:00', '2026-03-29T06:00:00+02:00'],
    ]);
    for (const s of slots) expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(HOUR);

    const half = slotGrid('2026-03-29', plan('01:00', '04:00', 30), BERLIN);
    expectWellFormed(half);
    expect(half.map((s) => isoInZone(s.startsAt, BERLIN).slice(11, 16))).toEqual(['01:00', '01:30', '03:00', '03:30']);

    const day = slotGrid('2026-03-29', plan('08:00', '20:00', 60), BERLIN);
    expect(day).toHaveLength(12);
    expect(day[0].startsAt.toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expectWellFormed(day);
  });

  it('keeps slots positive and apart when Berlin moves its clocks back (2026-10-25)', () => {
    const slots = slotGrid('2026-10-25', plan('00:00', '06:00', 60), BERLIN);
    expectWellFormed(slots);
    const starts = slots.map((s) => isoInZone(s.startsAt, BERLIN).slice(11, 16));
    expect(starts).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00', '05:00']);
    expect(isoInZone(slots[5].endsAt, BERLIN)).toBe('2026-10-25T06:00:00+01:00');
    // The whole night covers the 25-hour day's first seven real hours.
    expect(slots[5].endsAt.getTime() - slots[0].startsAt.getTime()).toBe(7 * HOUR);
  });

  it('refuses a date that is not a date', () => {
    expect(() => slotGrid('2026-02-30', plan('08:00', '20:00', 60), SHANGHAI)).toThrow(RangeError);
    expect(() => slotGrid('tomorrow', plan('08:00', '20:00', 60), SHANGHAI)).toThrow(/tomorrow/);
  });
});

describe('fitsPlan', () => {
  const old = plan('08:00', '20:00', 60);
  const grid = slotGrid('2026-11-29', old, SHANGHAI);

  it('accepts every slot of its own grid, on any date', () => {
    for (const s of grid) expect(fitsPlan(s, old, SHANGHAI)).toBe(true);
    for (const s of slotGrid('2027-01-01', old, SHANGHAI)) expect(fitsPlan(s, old, SHANGHAI)).toBe(true);
  });

  it('accepts a slot a wider plan with the same rhythm also creates', () => {
    expect(fitsPlan(grid[0], plan('06:00', '22:00', 60), SHANGHAI)).toBe(true);
  });

  it('rejects a slot from the old grid that the new plan would not create', () => {
    expect(fitsPlan(grid[0], plan('08:00', '20:00', 30), SHANGHAI)).toBe(false); // other length
    expect(fitsPlan(grid[0], plan('07:30', '20:00', 60), SHANGHAI)).toBe(false); // shifted start
    expect(fitsPlan(grid[11], plan('08:00', '18:00', 60), SHANGHAI)).toBe(false); // after closing
    expect(fitsPlan(grid[10], plan('08:00', '18:00', 60), SHANGHAI)).toBe(false);
    expect(fitsPlan(grid[9], plan('08:00', '18:00', 60), SHANGHAI)).toBe(true); // 17:00-18:00 stays
    expect(fitsPlan(grid[0], plan('09:00', '20:00', 60), SHANGHAI)).toBe(false); // before opening
  });

  it('rejects a slot whose start fits but whose end does not', () => {
    const stretched = { startsAt: grid[0].startsAt, endsAt: new Date(grid[0].endsAt.getTime() + 60_000) };
    expect(fitsPlan(stretched, old, SHANGHAI)).toBe(false);
  });

  it('judges a slot by the date and clock of the zone it is asked about', () => {
    // 08:00 in Shanghai is 01:00 in Berlin (winter): not a Berlin 08:00 slot.
    expect(fitsPlan(grid[0], old, BERLIN)).toBe(false);
  });
});

describe('parseClock and formatClock', () => {
  it.each([
    ['00:00', 0],
    ['07:00', 420],
    ['08:00', 480],
    ['12:34', 754],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('reads %s as minute %i and writes it back', (text, minutes) => {
    expect(parseClock(text)).toBe(minutes);
    expect(formatClock(minutes)).toBe(text);
  });

  it.each(['24:30', '24:01', '25:00', '7:00', '07:0', '08:60', 'ab', '', ' 08:00', '08:00 ', '0800', '08.00', '-1:00'])(
    'rejects %p',
    (text) => {
      expect(parseClock(text)).toBeNull();
    },
  );
});

describe('parseLocalDate', () => {
  it('reads a real date as local midnight in the zone', () => {
    const day = parseLocalDate('2026-11-29', SHANGHAI);
    expect(day?.toISO()).toBe('2026-11-29T00:00:00.000+08:00');
    expect(parseLocalDate('2028-02-29', SHANGHAI)?.toISODate()).toBe('2028-02-29');
  });

  it.each([
    '2026-02-30',
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    'tomorrow',
    '2026-2-3',
    '20261129',
    '2026-11-29T08:00',
    '',
  ])('rejects %p', (text) => {
    expect(parseLocalDate(text, SHANGHAI)).toBeNull();
  });
});
