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
