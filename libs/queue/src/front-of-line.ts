import { EntityManager } from 'typeorm';
import type { BookingTransitions } from '@kouan/booking';
import { countMergeLeave, HEAD, Head, headOf } from './queue.repository';

export { HEAD, type Head };

/**
 * The head of the merge leaves it (it is called, or a skip holds it at the front): the green channel's count of
 * regular trucks since the last green one moves on. Done only for a truck of the merge, so the rest of the merge
 * keeps its order (a pure removal) whether the head left by a call or by being held.
 */
export async function leaveMerge(em: EntityManager, port: string, direction: string, head: Head): Promise<void> {
  if (head.held) return;
  await countMergeLeave(em, port, direction, head.green);
}

/**
 * Puts a truck back into the line directly behind the truck first in line now, whatever that truck's slot or
 * channel, and ahead of every other waiting truck (contract: Skip). Caller holds the queue lock.
 *
 * `readmit` moves the truck back to checked_in (BookingTransitions.requeue: `front_key` from `queue_key_seq`) and says whether it
 * moved; when it did not, the caller throws and the transaction rolls back whatever this did. The head then takes a
 * larger key from the same sequence, so it stays first and the readmitted truck is second: ahead of trucks held
 * earlier (held trucks go by front_key, larger first) and of the whole merge. Nothing else changes place, so a
 * skip is one insertion at position 2 (1 when nobody waits). `at`: the instant of the operation (the head is the
 * line's as it stands then).
 *
 * While held, trucks stay ahead of later check-ins, green or of an earlier slot: whoever was first in line or
 * was skipped keeps its place at the front until called.
 */
export async function readmitBehindHead(
  em: EntityManager,
  transitions: BookingTransitions,
  port: string,
  direction: string,
  at: Date,
  readmit: () => Promise<boolean>,
): Promise<boolean> {
  const head = await headOf(em, port, direction, at);
  if (!(await readmit())) return false;
  if (head) {
    await transitions.holdAtFront(em, head.id);
    await leaveMerge(em, port, direction, head);
  }
  return true;
}
