import { DomainError } from '@kouan/common';

export const BOOKING_STATUSES = ['booked', 'checked_in', 'called', 'completed', 'cancelled', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Statuses that hold a place in a slot and count for "one active booking per vehicle, port and day". */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['booked', 'checked_in', 'called'];

/** The only moves a booking may make (contract: booking status). */
const MOVES: Record<BookingStatus, readonly BookingStatus[]> = {
  booked: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['called'],
  called: ['completed', 'checked_in', 'no_show'],
  completed: [],
  cancelled: [],
  no_show: [],
};

export const canMove = (from: BookingStatus, to: BookingStatus): boolean => MOVES[from].includes(to);

/** Statuses from which `to` may be reached: the `WHERE status IN (...)` of a transition's UPDATE. */
export const sourcesOf = (to: BookingStatus): BookingStatus[] => BOOKING_STATUSES.filter((from) => canMove(from, to));

export function illegalMove(from: BookingStatus, to: BookingStatus): DomainError {
  return new DomainError('illegal_transition', `a ${from} booking cannot become ${to}`, { currentStatus: from });
}
