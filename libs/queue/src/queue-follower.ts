import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@kouan/common';
import { Applied, KeptQueue } from './kept-queue';
import { QueueReadService } from './queue-read.service';
import { deltaFit, LivePublisher, QueueDelta, QueueTruck, wholeKept } from '@kouan/realtime';

/** How long a delta that arrived ahead of its predecessor waits for it before the queue is read afresh. */
const GAP_WAIT_MS = 300;
/** setTimeout's ceiling (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const FINAL = new Set(['completed', 'no_show', 'cancelled']);
/** The statuses a kept queue holds (KeptQueue.from): waiting or called. */
const IN_LINE = new Set(['checked_in', 'called']);

/**
 * What a kept queue's listener hears: `delta`, a change applied (a new version); `whole`, the queue read
 * afresh; `finals`, trucks of an already applied change that reached a final status.
 */
export type QueueListener = (queue: KeptQueue, change: Applied, kind: 'delta' | 'whole' | 'finals') => void;

interface Followed {
  port: string;
  direction: string;
  queue?: KeptQueue;
  /** Deltas received and not yet applied, by version. */
  pending: Map<number, QueueDelta>;
  loading?: Promise<KeptQueue>;
  gapTimer?: NodeJS.Timeout;
  /** The missing version `gapTimer` waits for. */
  gapFor?: number;
  slotTimer?: NodeJS.Timeout;
  /** The slot start `slotTimer` reads the queue after. */
  slotTimerFor?: number;
  /** A later slot started and no read since has been kept: the kept order is still the one from before the start. */
  slotStarted?: boolean;
}

/**
 * The queues this API process follows, each kept in memory (KeptQueue) and moved on by the deltas every change
 * publishes, in version order. A queue is read whole only when the process first needs it, when a version is
 * missing for longer than GAP_WAIT_MS (a delta lost with Redis, or another process's publish still on its way),
 * when a later slot starts (the order then changes by the clock alone), and when Redis comes back: never per
 * change. API processes only (ApiModule provides it; the worker sends no views).
 */
@Injectable()
export class QueueFollower implements OnModuleDestroy {
  private readonly logger = new Logger(QueueFollower.name);
  private readonly followed = new Map<string, Followed>();
  private listener: QueueListener = () => undefined;

  constructor(
    private readonly reader: QueueReadService,
    publisher: LivePublisher,
    private readonly clock: Clock,
  ) {
    publisher.onReconnected(() => {
      for (const f of this.followed.values()) this.reload(f);
    });
  }

  onChange(listener: QueueListener): void {
    this.listener = listener;
  }

  /**
   * A committed change from any process; `again`: the relay's second copy of one (its port event), dropped whole when
   * it is at or below the version kept (the first copy came, or a whole read overtook it), without reading the queue.
   */
  receive(d: QueueDelta, again = false): void {
    const f = this.follow(d.port, d.direction);
    if (f.queue && deltaFit(f.queue.version, d.version) === 'old') {
      // Already in what this process keeps (a whole read overtook it); only final states can still be news, and
      // only the first time: the second copy would tell them twice.
      if (!again) this.tellFinals(f.queue, d);
      return;
    }
    f.pending.set(d.version, d);
    if (f.queue) this.drain(f);
    else this.reload(f);
  }

  /** The queue as this process keeps it, read once when first needed. */
  get(port: string, direction: string): Promise<KeptQueue> {
    const f = this.follow(port, direction);
    return f.queue ? Promise.resolve(f.queue) : this.load(f);
  }

  onModuleDestroy(): void {
    for (const f of this.followed.values()) {
      clearTimeout(f.gapTimer);
      clearTimeout(f.slotTimer);
    }
  }

  private follow(port: string, direction: string): Followed {
    const key = `${port}:${direction}`;
    let f = this.followed.get(key);
    if (!f) this.followed.set(key, (f = { port, direction, pending: new Map() }));
    return f;
  }

  private drain(f: Followed): void {
    const q = f.queue as KeptQueue;
    // The one delta that fits is the next version's: looked up by it, not searched for.
    for (let d = f.pending.get(q.version + 1); d; d = f.pending.get(q.version + 1)) {
      f.pending.delete(d.version);
      this.listener(q, q.apply(d), 'delta');
    }
    for (const [version, d] of f.pending) {
      if (deltaFit(q.version, version) !== 'old') continue;
      f.pending.delete(version);
      this.tellFinals(q, d);
    }
    // The wait is for one missing version, from when it went missing. Under a steady stream of changes from two
    // processes, versions keep arriving a little out of order, and pending may never empty: a wait that outlived the
    // gap it began for would read the whole queue (and tell every driver) for a version missing for a millisecond.
    if (f.gapTimer && q.version >= (f.gapFor as number)) {
      clearTimeout(f.gapTimer);
      f.gapTimer = undefined;
    }
    if (f.pending.size && !f.gapTimer) {
      f.gapFor = q.version + 1;
      f.gapTimer = setTimeout(() => {
        f.gapTimer = undefined;
        if (f.pending.size) this.reload(f);
      }, GAP_WAIT_MS);
      f.gapTimer.unref();
    } else if (!f.pending.size) {
      clearTimeout(f.gapTimer);
      f.gapTimer = undefined;
    }
    this.planSlotStart(f);
  }

  private reload(f: Followed): void {
    this.load(f).catch((e: unknown) =>
      this.logger.warn({ err: e, port: f.port, direction: f.direction }, 'could not read a queue afresh'),
    );
  }

  private load(f: Followed): Promise<KeptQueue> {
    if (f.loading) return f.loading;
    // The trucks this process last saw in line, read too whatever their status: one that left it while its delta was
    // lost (Redis away or failing over) is told where it went, as its delta would have told it.
    const seen = f.queue ? [...f.queue.waitingFrom(0), ...f.queue.calledTrucks].map((t) => t.bookingId) : [];
    // A read that began before a slot started shows the order from before it, whether it is kept or not.
    const afterStart = f.slotStarted === true;
    let read = false;
    f.loading = this.reader
      .snapshot(f.port, f.direction, seen)
      .then((s) => {
        read = true;
        // Deltas may have moved the kept queue past this read while it ran: a newer queue is kept as it is. One of
        // the same version is replaced: the read's order is newer when a later slot started (the protocol's rule).
        if (f.queue && !wholeKept(f.queue.version, s.version)) return f.queue;
        if (afterStart) f.slotStarted = false;
        const q = KeptQueue.from(s);
        f.queue = q;
        this.listener(q, { from: 0, changed: [], removed: [], inserted: null }, 'whole');
        const gone = s.trucks.filter((t) => !IN_LINE.has(t.status)).map((t) => ({ ...t, parking: null }));
        if (gone.length) this.listener(q, { from: q.length, changed: gone, removed: [], inserted: null }, 'finals');
        this.drain(f);
        return q;
      })
      .finally(() => {
        f.loading = undefined;
        // Until a read made after the start is kept, the kept order is the one from before it, moved on by deltas
        // (a call in the second the lanes open at 08:00 overtakes the read): read again (found by the soak,
        // docs/performance.md). A failed read is left to the next delta, gap or reconnection.
        if (read && f.slotStarted) this.reload(f);
      });
    return f.loading;
  }

  /** Trucks of `d` that reached a final status: their drivers and firms hear it even if the rest is stale. */
  private tellFinals(q: KeptQueue, d: QueueDelta): void {
    const finals: QueueTruck[] = d.moved.filter((t) => FINAL.has(t.status)).map((t) => ({ ...t, parking: null }));
    if (finals.length) this.listener(q, { from: q.length, changed: finals, removed: [], inserted: null }, 'finals');
  }

  /** Reads the queue afresh when the next later slot starts (its trucks then join the started group). */
  private planSlotStart(f: Followed): void {
    // By the Clock the reads judge the order at: a start by any other clock would re-read an unchanged order.
    const now = this.clock.now().getTime();
    // A start that has passed keeps its timer: a delta in the second after it must not cancel the read it awaits
    // (planned again from now, the next start would be a later one and this one's new order never read).
    if (f.slotTimer && f.slotTimerFor !== undefined && f.slotTimerFor <= now) return;
    clearTimeout(f.slotTimer);
    f.slotTimer = undefined;
    const next = f.queue?.nextSlotStart(now);
    if (next === null || next === undefined) return;
    // A second after the start, in real time as the Clock runs (the soak's runs faster than the real one).
    f.slotTimerFor = next;
    f.slotTimer = setTimeout(
      () => {
        f.slotTimer = undefined;
        f.slotStarted = true;
        this.reload(f);
      },
      Math.min(this.clock.realMs(next - now + 1000), MAX_TIMER_MS),
    );
    f.slotTimer.unref();
  }
}
