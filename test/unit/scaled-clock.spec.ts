import { ScaledClock, SystemClock } from '@kouan/common';

describe('ScaledClock (CLOCK_START, CLOCK_RUN_FROM, CLOCK_SPEED: the soak)', () => {
  const start = Date.parse('2026-12-07T07:45:00+08:00');
  afterEach(() => jest.restoreAllMocks());

  it('stands at its start until it runs, then runs speed times as fast; its timers shrink by the same factor', () => {
    const real = jest.spyOn(Date, 'now');
    const clock = new ScaledClock({ start, runFrom: 1_000_000, speed: 60 });
    real.mockReturnValue(900_000);
    expect(clock.now().getTime()).toBe(start);
    real.mockReturnValue(1_000_000);
    expect(clock.now().getTime()).toBe(start);
    real.mockReturnValue(1_001_000);
    expect(clock.now().toISOString()).toBe('2026-12-06T23:46:00.000Z');
    real.mockReturnValue(1_000_000 + 15_000);
    expect(clock.now().toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(clock.realMs(15 * 60_000)).toBe(15_000);
  });

  it('leaves the system clock’s timers as they are', () => {
    expect(new SystemClock().realMs(60_000)).toBe(60_000);
  });
});
