import { DEFAULT_ARRIVAL_OFFSETS, DEFAULT_SHOW_UP_RATE, forecast, ForecastInput, MIN_DECIDED } from '@kouan/insights';
import { DEFAULT_ARRIVAL, DEFAULT_NO_SHOW } from '@kouan/sim';

const input = (over: Partial<ForecastInput> = {}): ForecastInput => ({
  measured: {
    decided: 20,
    checkedIn: 16,
    // 12 checked in 10 minutes after their slot's start, 4 half an hour before it.
    offsets: [
      { minutes: 10, count: 12 },
      { minutes: -30, count: 4 },
    ],
    serviceMinutes: { export: 20, import: null },
  },
  defaultServiceMinutes: 8,
  booked: [],
  lanes: { export: 1, import: 1 },
  ...over,
});

const at = (r: ReturnType<typeof forecast>, hour: string, direction: string) =>
  r.hours.find((h) => h.hour === hour && h.direction === direction);

describe('forecast (pure)', () => {
  it('spreads booked places over the hours by show-up rate and arrival offsets, and sizes the lanes', () => {
    const r = forecast(
      input({
        booked: [
          { direction: 'export', minute: 600, count: 5 },
          { direction: 'export', minute: 660, count: 5 },
        ],
      }),
    );
    expect(r.basis).toEqual({
      decided: 20,
      checkedIn: 16,
      measured: true,
      showUpRate: 0.8,
      arrivalOffsets: [
        { hours: -1, share: 0.25 },
        { hours: 0, share: 0.75 },
      ],
      serviceMinutes: { export: 20, import: 8 },
    });
    expect(r.hours).toHaveLength(48);
    expect(r.hours.slice(0, 2).map((h) => `${h.hour} ${h.direction}`)).toEqual(['00:00 export', '00:00 import']);
    // 09:00: 5 × 0.8 × 0.25; 10:00: 5 × 0.8 × 0.75 + 5 × 0.8 × 0.25; 11:00: 5 × 0.8 × 0.75.
    expect(at(r, '09:00', 'export')).toEqual({
      hour: '09:00',
      direction: 'export',
      booked: 0,
      expectedArrivals: 1,
      lanesNeeded: 1,
      lanes: 1,
      short: false,
    });
    expect(at(r, '10:00', 'export')).toEqual({
      hour: '10:00',
      direction: 'export',
      booked: 5,
      expectedArrivals: 4,
      lanesNeeded: 2,
      lanes: 1,
      short: true,
    });
    // 3 trucks × 20 min = exactly one lane-hour: float dust must not ask for a second lane.
    expect(at(r, '11:00', 'export')).toMatchObject({ booked: 5, expectedArrivals: 3, lanesNeeded: 1, short: false });
    expect(
      r.hours
        .filter((h) => !['09:00', '10:00', '11:00'].includes(h.hour) || h.direction === 'import')
        .every((h) => h.expectedArrivals === 0 && h.lanesNeeded === 0 && h.booked === 0),
    ).toBe(true);
  });

  it("takes its defaults from the simulator's assumptions: show-up 1 - no-show, and the arrival shares of its normal spread", () => {
    expect(DEFAULT_SHOW_UP_RATE).toBe(1 - DEFAULT_NO_SHOW);
    // Φ by the Abramowitz-Stegun erf (error < 1.5e-7): ample for shares given to two places.
    const erf = (x: number) => {
      const t = 1 / (1 + 0.3275911 * Math.abs(x));
      const y =
        1 -
        ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
          t *
          Math.exp(-x * x);
      return Math.sign(x) * y;
    };
    const phi = (minutes: number) =>
      0.5 * (1 + erf((minutes - DEFAULT_ARRIVAL.mean) / DEFAULT_ARRIVAL.sd / Math.SQRT2));
    // Before the slot's start (the earliest wait for check-in to open, 60 min before): the hour before; then its first hour.
    const derived = [
      { hours: -1, share: phi(0) },
      { hours: 0, share: phi(60) - phi(0) },
    ].map((o) => ({ ...o, share: Math.round(o.share * 100) / 100 }));
    expect(derived).toEqual([...DEFAULT_ARRIVAL_OFFSETS]);
  });

  it(`uses the simulator's defaults below ${MIN_DECIDED} decided bookings, and the schedule's service time without completed trucks`, () => {
    const r = forecast(
      input({
        measured: {
          decided: MIN_DECIDED - 1,
          checkedIn: 19,
          offsets: [{ minutes: 200, count: 19 }],
          serviceMinutes: { export: null, import: null },
        },
        booked: [{ direction: 'import', minute: 480, count: 10 }],
      }),
    );
    expect(r.basis).toMatchObject({
      measured: false,
      showUpRate: DEFAULT_SHOW_UP_RATE,
      arrivalOffsets: [...DEFAULT_ARRIVAL_OFFSETS],
      serviceMinutes: { export: 8, import: 8 },
    });
    // 07:00: 10 × 0.92 × 0.75 = 6.9 → ceil(6.9 × 8 / 60) = 1; 08:00: 10 × 0.92 × 0.25 = 2.3.
    expect(at(r, '07:00', 'import')).toMatchObject({ booked: 0, expectedArrivals: 6.9, lanesNeeded: 1 });
    expect(at(r, '08:00', 'import')).toMatchObject({ booked: 10, expectedArrivals: 2.3, lanesNeeded: 1 });
  });

  it("counts the neighbouring days' early and late arrivals across midnight, and only the day's hours", () => {
    const measured = {
      decided: 20,
      checkedIn: 16,
      offsets: [
        { minutes: -20, count: 4 },
        { minutes: 15, count: 8 },
        { minutes: 70, count: 4 },
      ],
      serviceMinutes: { export: 20, import: 20 },
    };
    const r = forecast(
      input({
        measured,
        booked: [
          { direction: 'export', minute: 1440, count: 10 },
          { direction: 'export', minute: -60, count: 10 },
          { direction: 'export', minute: 0, count: 4 },
        ],
      }),
    );
    // Shares 0.25 / 0.5 / 0.25. 23:00: the next day's 00:00 slot, 10 × 0.8 × 0.25 (its -1 hour).
    expect(at(r, '23:00', 'export')).toMatchObject({ booked: 0, expectedArrivals: 2 });
    // 00:00: the day before's 23:00 slot, 10 × 0.8 × 0.25 (its +1 hour), and the day's own 00:00 slot, 4 × 0.8 × 0.5.
    expect(at(r, '00:00', 'export')).toMatchObject({ booked: 4, expectedArrivals: 3.6 });
    expect(r.hours.every((h) => /^([01]\d|2[0-3]):00$/.test(h.hour))).toBe(true);
  });

  it('counts a slot that starts off the hour by when its trucks arrive, to the minute', () => {
    // Measured: a quarter check in 30 min before the start, the rest 10 min after. A 10:30 slot's trucks come at
    // 10:00 and 10:40: all in the 10:00 hour (counted by the slot's hour, a quarter would have gone to 09:00).
    const measured = forecast(input({ booked: [{ direction: 'export', minute: 630, count: 5 }] }));
    expect(at(measured, '09:00', 'export')).toMatchObject({ booked: 0, expectedArrivals: 0 });
    expect(at(measured, '10:00', 'export')).toMatchObject({ booked: 5, expectedArrivals: 4, lanesNeeded: 2 });
    expect(measured.basis.arrivalOffsets).toEqual([
      { hours: -1, share: 0.25 },
      { hours: 0, share: 0.75 },
    ]);
    // The defaults are whole-hour shares, spread evenly over their minutes: the hour before a 10:30 start is
    // 09:30-10:29 (0.75: half at 09:00, half at 10:00), its first hour 10:30-11:29 (0.25: half each).
    const defaults = forecast(
      input({
        measured: { decided: 0, checkedIn: 0, offsets: [], serviceMinutes: { export: null, import: null } },
        booked: [{ direction: 'export', minute: 630, count: 20 }],
      }),
    );
    expect(at(defaults, '09:00', 'export')).toMatchObject({ expectedArrivals: 6.9 }); // 20 × 0.92 × 0.375
    expect(at(defaults, '10:00', 'export')).toMatchObject({ booked: 20, expectedArrivals: 9.2 }); // × 0.5
    expect(at(defaults, '11:00', 'export')).toMatchObject({ expectedArrivals: 2.3 }); // × 0.125
  });
});
