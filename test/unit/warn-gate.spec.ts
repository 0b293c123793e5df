import { warnGate } from '@kouan/db';

describe('warnGate: one warning per window while Redis is away', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-30T04:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('lets the first warning through, holds the rest for the window, then lets one through again', () => {
    const gate = warnGate(30_000);
    expect([gate.due(), gate.due()]).toEqual([true, false]);
    jest.advanceTimersByTime(29_999);
    expect(gate.due()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(gate.due()).toBe(true);
  });

  it('opens again at once after a reset (the next outage is news)', () => {
    const gate = warnGate(30_000);
    expect(gate.due()).toBe(true);
    gate.reset();
    expect(gate.due()).toBe(true);
  });
});
