import { IndexHeap } from './index-heap';
import type { MergeState } from './queue-order';

/**
 * The product's queue order (`waitingOrder` in queue-order.ts) kept incrementally, for a line of thousands of trucks
 * called hundreds of times a run: held trucks by front key, started slots in two heaps by check-in key (regular and
 * green, merged by the ratio as `takeHead` does), later slots in one bucket per slot until it starts. A call costs a
 * heap pop instead of sorting the line. test/unit/live-line.spec.ts proves the calls equal `takeHead`'s on random lines.
 */
export interface LineTruck {
  queueKey: number;
  /** Held at the front by a skip (`bookings.front_key`), larger first. */
  frontKey: number | null;
  priority: boolean;
  /** Index of the truck's slot in `slotStarts`. */
  slot: number;
}

export class LiveLine {
  private held: number[] = [];
  private regulars: IndexHeap;
  private greens: IndexHeap;
  /** Per slot not yet started: its trucks in check-in order, and how many of them were called before the start. */
  private later: number[][];
  private laterTaken: number[];
  private started: boolean[];
  private count = 0;

  /**
   * `keys[i]` is truck i's check-in key (room for trucks that check in later: `add` sets theirs); `priority[i]` whether
   * it has the green channel (set before `add`); `slotStarts` the slots' starts in the unit of `now`, ascending.
   */
  constructor(
    private readonly trucks: ReadonlyArray<Pick<LineTruck, 'frontKey' | 'slot'>>,
    private readonly keys: Float64Array,
    private readonly priority: Uint8Array,
    private readonly slotStarts: readonly number[],
    private readonly merge: MergeState,
    now: number,
  ) {
    const before = (a: number, b: number) => keys[a] < keys[b];
    this.regulars = new IndexHeap(before);
    this.greens = new IndexHeap(before);
    this.later = slotStarts.map(() => []);
    this.laterTaken = slotStarts.map(() => 0);
    this.started = slotStarts.map((s) => s <= now);
  }

  /**
   * The same line over other arrays (copies of this one's keys and flags, with room for the trucks that join) and
   * merge state: a run of the model starts from a copy instead of sorting thousands of waiting trucks again.
   */
  copy(keys: Float64Array, priority: Uint8Array, merge: MergeState): LiveLine {
    const line = new LiveLine(this.trucks, keys, priority, this.slotStarts, merge, -Infinity);
    line.held = this.held.slice();
    const before = (a: number, b: number) => keys[a] < keys[b];
    line.regulars = this.regulars.copy(before);
    line.greens = this.greens.copy(before);
    line.later = this.later.map((b) => b.slice());
    line.laterTaken = this.laterTaken.slice();
    line.started = this.started.slice();
    line.count = this.count;
    return line;
  }

  get size(): number {
    return this.count;
  }

  /** Trucks already in line, in any order; then `add` in check-in order for those who join. */
  seed(indices: readonly number[]): void {
    const sorted = [...indices].sort((a, b) => this.keys[a] - this.keys[b]);
    for (const i of sorted) {
      if (this.trucks[i].frontKey !== null) this.held.push(i);
      else this.add(i);
    }
    this.held.sort((a, b) => (this.trucks[b].frontKey as number) - (this.trucks[a].frontKey as number));
    this.count += this.held.length;
  }

  /** A truck joins the line with a key larger than every key in it. */
  add(i: number): void {
    const s = this.trucks[i].slot;
    if (this.started[s]) (this.priority[i] ? this.greens : this.regulars).push(i);
    else this.later[s].push(i);
    this.count++;
  }

  /** Slot `s` has started: its waiting trucks join the merge. Call at its start, before any call at that instant. */
  start(s: number): void {
    if (this.started[s]) return;
    this.started[s] = true;
    const bucket = this.later[s];
    for (let k = this.laterTaken[s]; k < bucket.length; k++)
      (this.priority[bucket[k]] ? this.greens : this.regulars).push(bucket[k]);
    this.later[s] = [];
  }

  /**
   * A skip or a first called timeout (`readmitBehindHead` in queue-order.ts): truck `i` comes back held at the front,
   * behind the head, which is held first (leaving the merge as a call would). Its green flag the caller clears.
   */
  readmit(i: number): void {
    const head = this.take();
    this.held.unshift(i);
    this.count++;
    if (head === undefined) return;
    this.held.unshift(head);
    this.count++;
  }

  /** call-next: the head leaves the line and the merge count moves on (`takeHead`). Undefined when empty. */
  take(): number | undefined {
    if (!this.count) return undefined;
    this.count--;
    if (this.held.length) return this.held.shift();
    if (this.greens.size || this.regulars.size) {
      const regularsBeforeGreen = Math.max(this.merge.ratio - this.merge.since, 0);
      if (this.greens.size && (regularsBeforeGreen <= 0 || !this.regulars.size)) {
        this.merge.since = 0;
        return this.greens.pop();
      }
      this.merge.since++;
      return this.regulars.pop();
    }
    // Nobody of a started slot: the earliest later slot's first truck, a regular turn (its green one has not begun).
    for (let s = 0; s < this.slotStarts.length; s++) {
      if (this.laterTaken[s] < this.later[s].length) {
        this.merge.since++;
        return this.later[s][this.laterTaken[s]++];
      }
    }
    return undefined;
  }
}
