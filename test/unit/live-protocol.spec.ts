import type { QueueEntryView, QueueUpdate, QueueUpdateDelta } from '@kouan/realtime';
import { deltaFit, follow, wholeKept } from '@kouan/realtime';

const entry = (plate: string, position: number): QueueEntryView => ({
  position,
  plateMasked: plate,
  status: 'checked_in',
  slotStartsAt: '2026-11-30T10:00:00+08:00',
  priority: false,
});

const lanes = [{ id: 'lane-1', name: 'export-1', direction: 'export', status: 'open' }];

const whole = (version: number, plates: string[]): QueueUpdate => ({
  port: 'MOHAN',
  direction: 'export',
  version,
  lanes,
  called: [],
  entries: plates.map((p, i) => entry(p, i + 1)),
  timings: [{ status: 'open', medianMinutes: 6 }],
  defaultServiceMinutes: 8,
});

const delta = (version: number, removed: number[], inserted: QueueEntryView[] = []): QueueUpdateDelta => ({
  port: 'MOHAN',
  direction: 'export',
  version,
  lanes,
  called: [],
  removed,
  inserted,
  timings: [{ status: 'open', medianMinutes: 6 }],
  defaultServiceMinutes: 8,
});

const plates = (q: QueueUpdate | 'old' | 'gap') =>
  typeof q === 'string' ? q : q.entries.map((e) => `${e.position}:${e.plateMasked}`);

describe('live protocol (libs/realtime/src/live-protocol.ts)', () => {
  it('keeps the first whole view, and drops an older one', () => {
    const kept = follow(null, whole(5, ['A', 'B']));
    expect(plates(kept)).toEqual(['1:A', '2:B']);
    expect(follow(kept as QueueUpdate, whole(4, ['X']))).toBe('old');
    expect(wholeKept(5, 4)).toBe(false);
  });

  it('keeps a newer whole view', () => {
    expect(plates(follow(whole(5, ['A', 'B']), whole(7, ['B'])))).toEqual(['1:B']);
  });

  it('keeps a whole view of the same version: the queue read afresh after a later slot started, in its new order', () => {
    const before = whole(5, ['F1', 'F2', 'F0']);
    const reread = follow(before, whole(5, ['F0', 'F1', 'F2']));
    expect(plates(reread)).toEqual(['1:F0', '2:F1', '3:F2']);
    expect(wholeKept(5, 5)).toBe(true);
    // The next call takes the head of the new order (position 1): F1, F2 wait, not F2, F0.
    expect(plates(follow(reread as QueueUpdate, delta(6, [1])))).toEqual(['1:F1', '2:F2']);
  });

  it('applies deltas in order: removes at the old positions, inserts at the new ones, numbers again', () => {
    let q: QueueUpdate = whole(10, ['A', 'B', 'C', 'D']);
    const steps: QueueUpdateDelta[] = [
      delta(11, [1]), // A called
      delta(12, [], [entry('E', 2)]), // E checks in at 2 (green channel)
      delta(13, [2, 4], [entry('F', 3)]), // E and D leave, F joins at 3
    ];
    const seen: string[][] = [];
    for (const d of steps) {
      expect(deltaFit(q.version, d.version)).toBe('apply');
      q = follow(q, d) as QueueUpdate;
      seen.push(plates(q) as string[]);
    }
    expect(seen).toEqual([
      ['1:B', '2:C', '3:D'],
      ['1:B', '2:E', '3:C', '4:D'],
      ['1:B', '2:C', '3:F'],
    ]);
    expect(q.version).toBe(13);
    // A delta already in what is kept is dropped, and the kept view is not touched.
    expect(follow(q, delta(12, [1]))).toBe('old');
  });

  it("takes the delta's lanes, called list and pace, keeping the rest", () => {
    const d = {
      ...delta(6, [1]),
      called: [{ laneId: 'lane-1', plateMasked: 'A', calledAt: '2026-11-30T02:10:00.000Z' }],
      timings: [{ status: 'paused', medianMinutes: 4 }],
    };
    const q = follow(whole(5, ['A', 'B']), d) as QueueUpdate;
    expect(q).toEqual({ ...whole(6, ['B']), called: d.called, timings: d.timings });
    expect(q).not.toHaveProperty('removed');
  });

  it('detects a gap: a delta past the next version, or one with nothing kept to apply it on', () => {
    expect(follow(whole(5, ['A']), delta(7, [1]))).toBe('gap');
    expect(follow(null, delta(6, [1]))).toBe('gap');
    expect(deltaFit(null, 1)).toBe('gap');
    expect(deltaFit(5, 5)).toBe('old');
  });
});
