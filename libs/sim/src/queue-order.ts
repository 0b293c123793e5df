/**
 * The product's queue order (docs/queue-rules.md, "Order", "Green channel", "Skip") as a pure function of the
 * waiting trucks, so the simulator calls trucks exactly as call-next would. It is written from the rules, not
 * from PLACE's arithmetic: test/e2e/sim-order.e2e.spec.ts proves it equal to `WAITING_ORDER` on random queues.
 */
export interface Waiting {
  /** Check-in order (`bookings.queue_key`). */
  queueKey: number;
  /** Set while a skip holds the truck at the front (`bookings.front_key`). */
  frontKey: number | null;
  /** Granted the green channel at check-in (`bookings.priority`). */
  priority: boolean;
  /** Start of the truck's slot, in the same unit as `now`. */
  slotStart: number;
}

/** `priorityRatio` and `queue_state.regular_since_priority`. */
export interface MergeState {
  ratio: number;
  since: number;
}

/** A truck takes its green turn only once its slot has started (later slots wait by slot and check-in). */
export const isGreen = (t: Waiting, now: number): boolean => t.priority && t.slotStart <= now;

/**
 * The waiting line in call order: held trucks (larger front key first); then the merge of started slots by
 * check-in with the first green truck after max(ratio - since, 0) regular ones and each further one after
 * `ratio` more (whichever kind runs out, the other follows); then later slots by slot start and check-in.
 */
export function waitingOrder<T extends Waiting>(trucks: readonly T[], now: number, s: MergeState): T[] {
  const held = trucks
    .filter((t) => t.frontKey !== null)
    .sort((a, b) => (b.frontKey as number) - (a.frontKey as number));
  const free = trucks.filter((t) => t.frontKey === null);
  const started = free.filter((t) => t.slotStart <= now).sort((a, b) => a.queueKey - b.queueKey);
  const later = free
    .filter((t) => t.slotStart > now)
    .sort((a, b) => a.slotStart - b.slotStart || a.queueKey - b.queueKey);
  const greens = started.filter((t) => t.priority);
  const regulars = started.filter((t) => !t.priority);
  const merge: T[] = [];
  let r = 0;
  let g = 0;
  let regularsBeforeGreen = Math.max(s.ratio - s.since, 0);
  while (r < regulars.length || g < greens.length) {
    if (g < greens.length && (regularsBeforeGreen <= 0 || r >= regulars.length)) {
      merge.push(greens[g++]);
      regularsBeforeGreen = s.ratio;
    } else {
      merge.push(regulars[r++]);
      regularsBeforeGreen--;
    }
  }
  return [...held, ...merge, ...later];
}

/**
 * The head left the line (called, or held at the front by a skip): `leaveMerge` in front-of-line.ts. A held
 * head is outside the merge and leaves the count alone; a green one resets it, a regular one adds one.
 */
export function leaveMerge(s: MergeState, head: Waiting, now: number): void {
  if (head.frontKey !== null) return;
  s.since = isGreen(head, now) ? 0 : s.since + 1;
}

/** call-next: the head leaves the line (a call clears its front key) and the merge count moves on. */
export function takeHead<T extends Waiting>(line: T[], now: number, s: MergeState): T | undefined {
  const head = waitingOrder(line, now, s)[0];
  if (!head) return undefined;
  leaveMerge(s, head, now);
  line.splice(line.indexOf(head), 1);
  head.frontKey = null;
  return head;
}

/**
 * A skip or a first called timeout (`readmitBehindHead`): the truck comes back without the green channel and
 * with the next key; the head then takes a larger one, so it stays first and the truck is second.
 */
export function readmitBehindHead<T extends Waiting>(
  line: T[],
  truck: T,
  now: number,
  s: MergeState,
  nextKey: () => number,
): void {
  const head = waitingOrder(line, now, s)[0];
  truck.priority = false;
  truck.frontKey = nextKey();
  line.push(truck);
  if (head) {
    leaveMerge(s, head, now);
    head.frontKey = nextKey();
  }
}
