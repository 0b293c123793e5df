import { QueueFollower, QueueReadService } from '@kouan/queue';
import type { LivePublisher, QueueDelta, QueueSnapshot, QueueTruck } from '@kouan/realtime';
import { TestClock } from '../support/test-clock';

const lanes = [{ id: 'lane-1', name: 'export-1', direction: 'export', status: 'open' }];
const open = [{ status: 'open', medianMinutes: 6 }];
const at = { port: 'MOHAN', direction: 'export', lanes, timings: open, defaultServiceMinutes: 8, texts: [] };

const truck = (id: string, over: Partial<QueueTruck> = {}): QueueTruck => ({
  bookingId: id,
  firmId: 'firm',
  reference: `REF-${id}`,
  plate: `云K${id}`,
  status: 'checked_in',
  position: null,
  priority: false,
  slotStartsAt: '2026-11-30T10:00:00+08:00',
  etaMinutes: null,
  reason: null,
  parking: null,
  lane: null,
  calledAt: null,
  atLaneAt: null,
  instructions: null,
  details: {
    driverName: 'Li Wei',
    driverPhone: '+8613900000000',
    firmName: 'Firm',
    cargoDescription: 'Cassava chips',
    perishable: false,
    greenChannel: false,
    checkedInAt: '2026-11-30T10:05:00.000Z',
  },
  ...over,
});

/** A call of the head: it leaves the line, then a completion of it (a final status). */
const called = (version: number): QueueDelta => ({
  ...at,
  version,
  joined: null,
  moved: [truck('A', { status: 'called', lane: { id: 'lane-1', name: 'export-1' } })],
});
const completed = (version: number): QueueDelta => ({
  ...at,
  version,
  joined: null,
  moved: [truck('A', { status: 'completed' })],
});

/**
 * The relay publishes each queue delta a second time (its port event): a process drops a copy at or below the
 * version it keeps whole, without reading the queue again and without telling a final status twice; a process that
 * lost the first copy applies the second.
 */
describe('QueueFollower: the relay’s second copy of a delta', () => {
  let reads: number;
  let follower: QueueFollower;
  const heard: Array<{ kind: string; version: number }> = [];

  beforeEach(() => {
    reads = 0;
    heard.length = 0;
    const snapshot: QueueSnapshot = {
      ...at,
      version: 10,
      trucks: [truck('A', { position: 1 }), truck('B', { position: 2 })],
    };
    // The one read of the queue a follower may make: counted, the same line each time.
    const reader = { snapshot: async () => (reads++, snapshot) } as unknown as QueueReadService;
    const publisher = { onReconnected() {} } as unknown as LivePublisher;
    follower = new QueueFollower(reader, publisher, new TestClock().set(Date.parse('2026-11-30T02:30:00Z')));
    follower.onChange((q, _change, kind) => heard.push({ kind, version: q.version }));
  });
  afterEach(() => follower.onModuleDestroy());

  it('drops a second copy at or below the kept version, without reading the queue again', async () => {
    await follower.get('MOHAN', 'export');
    follower.receive(called(11));
    follower.receive(completed(12));
    expect(heard.map((h) => `${h.kind}@${h.version}`)).toEqual(['whole@10', 'delta@11', 'delta@12']);

    follower.receive(called(11), true);
    follower.receive(completed(12), true);
    follower.receive(completed(10), true);
    expect(heard).toHaveLength(3);
    expect(reads).toBe(1);
    expect((await follower.get('MOHAN', 'export')).version).toBe(12);
  });

  it('a first copy below the kept version still tells its final status; the second copy does not', async () => {
    await follower.get('MOHAN', 'export');
    follower.receive(called(11));
    follower.receive(called(12));
    follower.receive(completed(12));
    expect(heard.map((h) => h.kind)).toEqual(['whole', 'delta', 'delta', 'finals']);
    follower.receive(completed(12), true);
    expect(heard).toHaveLength(4);
    expect(reads).toBe(1);
  });

  it('applies the second copy when the first was lost', async () => {
    await follower.get('MOHAN', 'export');
    follower.receive(called(11), true);
    expect(heard.map((h) => `${h.kind}@${h.version}`)).toEqual(['whole@10', 'delta@11']);
    expect(reads).toBe(1);
  });
});

/**
 * When a later slot starts the order changes by the clock alone, so the follower reads the queue again. A call in
 * that second (the lanes opening at 08:00) can overtake that read; the deltas then moved on the order from before
 * the start, and the follower must read again until a read made after the start is kept (found by the soak).
 */
/** A follower whose whole reads wait until the test answers them (`reads[i](snapshot)`), in the order asked. */
function heldReads(clock: TestClock) {
  const reads: Array<(s: QueueSnapshot) => void> = [];
  const reader = {
    snapshot: () => new Promise<QueueSnapshot>((resolve) => reads.push(resolve)),
  } as unknown as QueueReadService;
  const follower = new QueueFollower(reader, { onReconnected() {} } as unknown as LivePublisher, clock);
  return { reads, follower };
}

/** The line at `version`: the trucks waiting in this order. */
const line = (version: number, ...ids: string[]): QueueSnapshot => ({
  ...at,
  version,
  trucks: ids.map((id, i) => truck(id, { position: i + 1 })),
});

describe('QueueFollower: a later slot starting', () => {
  afterEach(() => jest.useRealTimers());

  it('reads the queue again when a delta overtakes the read made at the start, until one after it is kept', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const settle = () => new Promise((r) => setImmediate(r));
    const clock = new TestClock().set(Date.parse('2026-11-30T01:59:00Z'));
    const { reads, follower } = heldReads(clock);
    const heard: Array<{ kind: string; version: number }> = [];
    follower.onChange((q, _change, kind) => heard.push({ kind, version: q.version }));
    try {
      const first = follower.get('MOHAN', 'export');
      reads[0](line(10, 'A', 'B'));
      await first;
      // The trucks' slot starts at 10:00 at the port (02:00Z): a second after it, the follower reads again.
      clock.set(Date.parse('2026-11-30T02:00:01Z'));
      jest.advanceTimersByTime(61_000);
      expect(reads).toHaveLength(2);
      follower.receive(called(11));
      reads[1](line(10, 'A', 'B'));
      await settle();
      expect(reads).toHaveLength(3);
      reads[2](line(11, 'B'));
      await settle();
      expect(heard.at(-1)).toEqual({ kind: 'whole', version: 11 });
      expect(reads).toHaveLength(3);
    } finally {
      follower.onModuleDestroy();
    }
  });

  it('still reads the queue after the start when a delta comes in the second between the start and that read', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const clock = new TestClock().set(Date.parse('2026-11-30T01:59:00Z'));
    const { reads, follower } = heldReads(clock);
    try {
      const first = follower.get('MOHAN', 'export');
      reads[0](line(10, 'A', 'B', 'C'));
      await first;
      // Half a second after the trucks' slot started (10:00 at the port), before the read a second after it: a call.
      clock.set(Date.parse('2026-11-30T02:00:00.500Z'));
      follower.receive(called(11));
      expect(reads).toHaveLength(1);
      jest.advanceTimersByTime(61_000);
      expect(reads).toHaveLength(2);
    } finally {
      follower.onModuleDestroy();
    }
  });
});

/**
 * Two processes publish their changes, so versions arrive a little out of order: the follower waits GAP_WAIT_MS
 * (300 ms) for a missing version before it reads the queue whole, counted from when that version went missing.
 */
describe('QueueFollower: versions arriving out of order', () => {
  afterEach(() => jest.useRealTimers());

  it('waits 300 ms for each missing version from when it went missing, not from the first gap of a busy stream', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const { reads, follower } = heldReads(new TestClock().set(Date.parse('2026-11-30T02:30:00Z')));
    const heard: string[] = [];
    follower.onChange((q, _change, kind) => heard.push(`${kind}@${q.version}`));
    try {
      const first = follower.get('MOHAN', 'export');
      reads[0](line(10, 'A', 'B'));
      await first;
      follower.receive(called(12));
      jest.advanceTimersByTime(100);
      follower.receive(called(14));
      jest.advanceTimersByTime(100);
      // 11 comes 200 ms after it went missing: 11 and 12 are applied, and 13 is the one missing from now on.
      follower.receive(called(11));
      jest.advanceTimersByTime(200);
      expect(reads).toHaveLength(1);
      follower.receive(called(13));
      expect(heard).toEqual(['whole@10', 'delta@11', 'delta@12', 'delta@13', 'delta@14']);
      // 15 never comes: the queue is read whole 300 ms after 16 showed it missing, not before.
      follower.receive(called(16));
      jest.advanceTimersByTime(299);
      expect(reads).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(reads).toHaveLength(2);
    } finally {
      follower.onModuleDestroy();
    }
  });
});
