import { ACTIVE_STATUSES, BOOKING_STATUSES, type BookingStatus, canMove, illegalMove, sourcesOf } from '@kouan/booking';

/** The contract's moves, written out independently of the code under test. */
const ALLOWED: ReadonlyArray<readonly [BookingStatus, BookingStatus]> = [
  ['booked', 'checked_in'],
  ['checked_in', 'called'],
  ['called', 'completed'],
  ['booked', 'cancelled'],
  ['booked', 'no_show'],
  ['called', 'checked_in'], // skip: back behind the next truck
  ['called', 'no_show'],
];

const ALL: BookingStatus[] = ['booked', 'checked_in', 'called', 'completed', 'cancelled', 'no_show'];
const allowed = (from: BookingStatus, to: BookingStatus) => ALLOWED.some(([f, t]) => f === from && t === to);
const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));

describe('booking status', () => {
  it('knows exactly the six statuses of the contract', () => {
    expect([...BOOKING_STATUSES].sort()).toEqual([...ALL].sort());
  });

  it('checks all 36 pairs', () => {
    expect(pairs).toHaveLength(36);
  });

  it.each(pairs)('%s → %s follows the contract', (from, to) => {
    expect(canMove(from, to)).toBe(allowed(from, to));
  });

  it('has the whole table right at once', () => {
    const table = Object.fromEntries(ALL.map((from) => [from, ALL.filter((to) => canMove(from, to))]));
    expect(table).toEqual({
      booked: ['checked_in', 'cancelled', 'no_show'],
      checked_in: ['called'],
      called: ['checked_in', 'completed', 'no_show'],
      completed: [],
      cancelled: [],
      no_show: [],
    });
  });

  it('never stays put and never leaves an end state', () => {
    for (const s of ALL) expect(canMove(s, s)).toBe(false);
    for (const end of ['completed', 'cancelled', 'no_show'] as const) {
      for (const to of ALL) expect(canMove(end, to)).toBe(false);
    }
  });

  it.each([
    ['booked', []],
    ['checked_in', ['booked', 'called']],
    ['called', ['checked_in']],
    ['completed', ['called']],
    ['cancelled', ['booked']],
    ['no_show', ['booked', 'called']],
  ] as const)('sourcesOf(%s) is %p', (to, from) => {
    expect([...sourcesOf(to)].sort()).toEqual([...from].sort());
  });

  it('counts only the statuses that hold a place as active', () => {
    expect([...ACTIVE_STATUSES].sort()).toEqual(['booked', 'called', 'checked_in']);
  });

  it('turns an illegal move into a 409-coded domain error naming both statuses', () => {
    const e = illegalMove('completed', 'booked');
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('illegal_transition');
    expect(e.status).toBe(409);
    expect(e.details).toEqual({ currentStatus: 'completed' });
    expect(e.message).toContain('completed');
    expect(e.message).toContain('booked');
  });
});
