import type { LaneTimingView, LaneView, QueueDelta, QueueSnapshot, QueueTruck } from '@kouan/realtime';
import { estimateEta } from './eta';

/** What one change did to a kept queue: who must hear of it. */
export interface Applied {
  /** Waiting trucks from this index on have a new position or ETA (the line's length when none has). */
  from: number;
  /** Trucks the change itself was about (joined or moved), in their new state. */
  changed: QueueTruck[];
  /** Positions (at the version before) of the waiting trucks the change took off the line, ascending. */
  removed: number[];
  /** The truck that joined the line, at its new position (after the removals), if one did. */
  inserted: QueueTruck | null;
}

/**
 * One queue as an API process keeps it between changes: the waiting line in order, the called trucks and the
 * lanes' pace. Built from a snapshot (one whole read), then moved on by deltas in version order, each costing
 * nothing but this process's memory: a change removes the trucks it moved (a call takes the head) and inserts
 * the one that joined at the position the database gave it; every other truck keeps its order, so positions
 * are indices and ETAs follow from them exactly as `QueueReadService` computes them for REST.
 */
export class KeptQueue {
  private waiting: QueueTruck[] = [];
  private called: QueueTruck[] = [];
  private texts: string[] = [];
  private readonly textIndex = new Map<string, number>();
  /** How many waiting trucks each slot start has: the next start is found among the slots, not the trucks. */
  private readonly slotStarts = new Map<string, number>();
  /** The waiting trucks' bookings: a truck that is not in the line (one joining) is not looked for in it. */
  private readonly inLine = new Set<string>();
  private lanes: LaneView[] = [];
  private timings: LaneTimingView[] = [];
  private defaultServiceMinutes = 8;

  private constructor(
    readonly port: string,
    readonly direction: string,
    private current: number,
  ) {}

  static from(s: QueueSnapshot): KeptQueue {
    const q = new KeptQueue(s.port, s.direction, s.version);
    q.pace(s);
    for (const t of s.trucks) {
      const own = q.own(t, s.texts);
      if (t.status === 'checked_in' && t.position !== null) q.waiting.push(own);
      else if (t.status === 'called') q.called.push(own);
    }
    for (const t of q.waiting) q.count(t, 1);
    q.renumber(0);
    return q;
  }

  get version(): number {
    return this.current;
  }

  get length(): number {
    return this.waiting.length;
  }

  /** Applies the change that follows the current version (the caller orders them). */
  apply(d: QueueDelta): Applied {
    if (d.version !== this.current + 1) throw new Error(`delta ${d.version} does not follow ${this.current}`);
    const changed = [...d.moved, ...(d.joined ? [d.joined] : [])].map((t) => this.own(t, d.texts));
    const ids = new Set(changed.map((t) => t.bookingId));
    // A change touches one or two trucks: each is looked for in the line (a call's at its head), without copying it.
    const gone: number[] = [];
    for (const id of ids) {
      const i = this.inLine.has(id) ? this.waiting.findIndex((t) => t.bookingId === id) : -1;
      if (i >= 0) gone.push(i);
    }
    gone.sort((a, b) => a - b);
    for (let k = gone.length - 1; k >= 0; k--) this.count(this.waiting.splice(gone[k], 1)[0], -1);
    let from = gone.length ? gone[0] : this.waiting.length;
    const removed = gone.map((i) => i + 1);
    // A truck still called (its lane arrival stamped) keeps its place in the called list, which is in call order.
    const stillCalled = new Map(changed.filter((t) => t.status === 'called').map((t) => [t.bookingId, t]));
    this.called = this.called
      .filter((t) => !ids.has(t.bookingId) || stillCalled.has(t.bookingId))
      .map((t) => {
        const now = stillCalled.get(t.bookingId);
        stillCalled.delete(t.bookingId);
        return now ?? t;
      });
    this.called.push(...stillCalled.values());
    const joined = d.joined ? changed.pop() : undefined;
    let at = -1;
    if (joined && joined.position !== null) {
      at = Math.min(Math.max(joined.position - 1, 0), this.waiting.length);
      this.waiting.splice(at, 0, joined);
      this.count(joined, 1);
      from = Math.min(from, at);
    } else if (joined) {
      changed.push(joined);
    }
    if (this.pace(d)) from = 0;
    this.renumber(from);
    this.current = d.version;
    const inserted = at >= 0 ? this.waiting[at] : null;
    if (inserted) changed.push(inserted);
    return { from, changed, removed, inserted };
  }

  /** The kept queue in the snapshot's shape, for the board, staff and driver views. */
  view(): QueueSnapshot {
    return {
      port: this.port,
      direction: this.direction,
      version: this.current,
      lanes: this.lanes,
      timings: this.timings,
      defaultServiceMinutes: this.defaultServiceMinutes,
      trucks: [...this.waiting, ...this.called],
      texts: this.texts,
    };
  }

  /** Waiting trucks from index `from` on. */
  waitingFrom(from: number): readonly QueueTruck[] {
    return this.waiting.slice(from);
  }

  get calledTrucks(): readonly QueueTruck[] {
    return this.called;
  }

  get laneViews(): LaneView[] {
    return this.lanes;
  }

  /** The lanes' pace, what a board needs for its rows' ETAs. */
  get lanePace(): { timings: LaneTimingView[]; defaultServiceMinutes: number } {
    return { timings: this.timings, defaultServiceMinutes: this.defaultServiceMinutes };
  }

  /** The table the trucks' parking texts point into (what `bookingUpdate` needs besides the truck). */
  get textTable(): { texts: string[] } {
    return { texts: this.texts };
  }

  /**
   * When the order changes by the clock alone: the first start of a slot whose trucks still wait with the
   * later slots (they then join the started group, and a green truck gets its turn). Null when none does.
   */
  nextSlotStart(now: number): number | null {
    let next: number | null = null;
    for (const start of this.slotStarts.keys()) {
      const at = Date.parse(start);
      if (at > now && (next === null || at < next)) next = at;
    }
    return next;
  }

  /** Counts `t` into (1) or out of (-1) the line: its booking and its slot start's waiting trucks. */
  private count(t: QueueTruck, by: 1 | -1): void {
    if (by > 0) this.inLine.add(t.bookingId);
    else this.inLine.delete(t.bookingId);
    const n = (this.slotStarts.get(t.slotStartsAt) ?? 0) + by;
    if (n > 0) this.slotStarts.set(t.slotStartsAt, n);
    else this.slotStarts.delete(t.slotStartsAt);
  }

  /** Takes the lanes and their pace; true when an ETA can have changed. */
  private pace(s: { lanes: LaneView[]; timings: LaneTimingView[]; defaultServiceMinutes: number }): boolean {
    const changed =
      JSON.stringify([s.timings, s.defaultServiceMinutes]) !==
      JSON.stringify([this.timings, this.defaultServiceMinutes]);
    this.lanes = s.lanes;
    this.timings = s.timings;
    this.defaultServiceMinutes = s.defaultServiceMinutes;
    return changed;
  }

  /** Positions and ETAs of the waiting trucks from `from` on, as QueueReadService computes them. */
  private renumber(from: number): void {
    for (let i = from; i < this.waiting.length; i++) {
      const eta = estimateEta(i + 1, this.timings, this.defaultServiceMinutes);
      this.waiting[i] = { ...this.waiting[i], position: i + 1, etaMinutes: eta.etaMinutes, reason: eta.reason };
    }
  }

  /** A copy of `t` whose parking text points into this queue's own table of texts. */
  private own(t: QueueTruck, texts: string[]): QueueTruck {
    if (!t.parking) return { ...t };
    const text = texts[t.parking.text];
    let i = this.textIndex.get(text);
    if (i === undefined) this.textIndex.set(text, (i = this.texts.push(text) - 1));
    return { ...t, parking: { ...t.parking, text: i } };
  }
}
