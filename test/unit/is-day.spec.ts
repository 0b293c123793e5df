import { isDay } from '@kouan/common';

describe('isDay', () => {
  it.each(['2026-11-30', '2024-02-29', '0001-01-01', '9999-12-31'])('takes %s', (d) => {
    expect(isDay(d)).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2026-02-31',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '0000-01-01',
    'tomorrow',
    '2026-2-3',
    '20261130',
    '2026-11-30T08:00',
    '',
    20261130,
    null,
  ])('refuses %p', (d) => {
    expect(isDay(d)).toBe(false);
  });
});
