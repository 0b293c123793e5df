import { KeptQueue } from '@kouan/queue';
import type { QueueDelta, QueueSnapshot, QueueTruck } from '@kouan/realtime';

const open = [{ status: 'open', medianMinutes: 6 }];
const lanes = [{ id: 'lane-1', name: 'export-1', direction: 'export', status: 'open' }];

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

const snapshot = (ids: string[], version = 10): QueueSnapshot => ({
  port: 'MOHAN',
  direction: 'export',
  version,
  lanes,
  timings: open,
  defaultServiceMinutes: 8,
  trucks: ids.map((id, i) => truck(id, { position: i + 1, etaMinutes: (i + 1) * 6 })),
  texts: [],
});

const delta = (version: number, over: Partial<QueueDelta> = {}): QueueDelta => ({
  port: 'MOHAN',
  direction: 'export',
  version,
  lanes,
  timings: open,
  defaultServiceMinutes: 8,
  joined: null,
  moved: [],
  texts: [],
  ...over,
});

const order = (q: KeptQueue) => q.waitingFrom(0).map((t) => `${t.bookingId}@${t.position}`);

describe('KeptQueue: a queue kept in memory and moved on by deltas', () => {
  it('a call takes the head: everyone behind moves up one, with the ETA of the new place', () => {
    const q = KeptQueue.from(snapshot(['a', 'b', 'c']));
    const applied = q.apply(
      delta(11, { moved: [truck('a', { status: 'called', lane: { id: 'lane-1', name: 'export-1' } })] }),
    );
    expect(order(q)).toEqual(['b@1', 'c@2']);
    expect(q.waitingFrom(0).map((t) => t.etaMinutes)).toEqual([6, 12]);
    expect(applied.from).toBe(0);
    expect(q.calledTrucks.map((t) => t.bookingId)).toEqual(['a']);
    expect(q.version).toBe(11);
  });

  it('a called truck seen at its lane keeps its place among the called, in call order; the line does not move', () => {
    const q = KeptQueue.from(snapshot(['a', 'b', 'c', 'd']));
    const called = (id: string, over: Partial<QueueTruck> = {}) =>
      truck(id, { status: 'called', lane: { id: 'lane-1', name: 'export-1' }, ...over });
    q.apply(delta(11, { moved: [called('a')] }));
    q.apply(delta(12, { moved: [called('b')] }));
    const applied = q.apply(delta(13, { moved: [called('a', { atLaneAt: '2026-11-30T10:20:00.000Z' })] }));
    expect(q.calledTrucks.map((t) => `${t.bookingId} ${t.atLaneAt}`)).toEqual(['a 2026-11-30T10:20:00.000Z', 'b null']);
    expect(order(q)).toEqual(['c@1', 'd@2']);
    expect(applied.removed).toEqual([]);
    expect(applied.changed.map((t) => t.bookingId)).toEqual(['a']);
  });

  it('a check-in joins at the position the database gave it; only those behind it move', () => {
    const q = KeptQueue.from(snapshot(['a', 'b', 'c']));
    const applied = q.apply(delta(11, { joined: truck('x', { position: 2 }) }));
    expect(order(q)).toEqual(['a@1', 'x@2', 'b@3', 'c@4']);
    expect(applied.from).toBe(1);
    expect(applied.changed.map((t) => `${t.bookingId}@${t.position}`)).toEqual(['x@2']);
  });

  it('a skip takes the truck off its lane and back into the line', () => {
    const q = KeptQueue.from(snapshot(['a', 'b']));
    q.apply(delta(11, { moved: [truck('a', { status: 'called' })] }));
    q.apply(delta(12, { joined: truck('a', { position: 2 }) }));
    expect(order(q)).toEqual(['b@1', 'a@2']);
    expect(q.calledTrucks).toEqual([]);
  });

  it('a completed truck leaves the called list; its place in no line changes anyone', () => {
    const q = KeptQueue.from(snapshot(['a', 'b']));
    q.apply(delta(11, { moved: [truck('a', { status: 'called' })] }));
    const applied = q.apply(delta(12, { moved: [truck('a', { status: 'completed', reason: 'completed' })] }));
    expect(q.calledTrucks).toEqual([]);
    expect(applied.from).toBe(q.length);
    expect(applied.changed.map((t) => t.status)).toEqual(['completed']);
  });

  it('a new pace (lane paused, a new median) changes every ETA', () => {
    const q = KeptQueue.from(snapshot(['a', 'b']));
    const paused = q.apply(delta(11, { timings: [{ status: 'paused', medianMinutes: 6 }] }));
    expect(paused.from).toBe(0);
    expect(q.waitingFrom(0).map((t) => [t.etaMinutes, t.reason])).toEqual([
      [null, 'lane_paused'],
      [null, 'lane_paused'],
    ]);
    q.apply(delta(12, { timings: [{ status: 'open', medianMinutes: 3 }] }));
    expect(q.waitingFrom(0).map((t) => t.etaMinutes)).toEqual([3, 6]);
  });

  it('applies only the next version', () => {
    const q = KeptQueue.from(snapshot(['a']));
    expect(() => q.apply(delta(12))).toThrow(/does not follow 10/);
    expect(() => q.apply(delta(10))).toThrow();
  });

  it('keeps parking texts in a table of its own, whatever index a delta used', () => {
    const q = KeptQueue.from({ ...snapshot([]), texts: ['wait in bay 1'] });
    const parking = {
      areaId: 'p',
      areaName: 'Area',
      bay: 3,
      powered: false,
      overflow: false,
      lat: 21,
      lon: 101,
      text: 1,
    };
    q.apply(delta(11, { joined: truck('x', { position: 1, parking }), texts: ['other', 'wait in bay 3'] }));
    const [x] = q.waitingFrom(0);
    expect(q.textTable.texts[(x.parking as { text: number }).text]).toBe('wait in bay 3');
  });

  it('names the next slot start of a truck still waiting with the later slots', () => {
    const q = KeptQueue.from({
      ...snapshot([]),
      trucks: [truck('a', { position: 1 }), truck('b', { position: 2, slotStartsAt: '2026-11-30T12:00:00+08:00' })],
    });
    expect(q.nextSlotStart(Date.parse('2026-11-30T10:30:00+08:00'))).toBe(Date.parse('2026-11-30T12:00:00+08:00'));
    expect(q.nextSlotStart(Date.parse('2026-11-30T12:30:00+08:00'))).toBeNull();
  });

  it('forgets a slot start once its last waiting truck left, and learns one a joining truck brings', () => {
    const at = Date.parse('2026-11-30T10:30:00+08:00');
    const later = (id: string, hour: string, over: Partial<QueueTruck> = {}) =>
      truck(id, { slotStartsAt: `2026-11-30T${hour}:00:00+08:00`, ...over });
    const q = KeptQueue.from({
      ...snapshot([]),
      trucks: [
        truck('a', { position: 1 }),
        later('b', '12', { position: 2 }),
        later('c', '12', { position: 3 }),
        later('d', '13', { position: 4 }),
      ],
    });
    q.apply(delta(11, { moved: [later('b', '12', { status: 'called' })] }));
    expect(q.nextSlotStart(at)).toBe(Date.parse('2026-11-30T12:00:00+08:00'));
    q.apply(delta(12, { moved: [later('c', '12', { status: 'called' })] }));
    expect(q.nextSlotStart(at)).toBe(Date.parse('2026-11-30T13:00:00+08:00'));
    q.apply(delta(13, { joined: later('e', '11', { position: 2 }) }));
    expect(q.nextSlotStart(at)).toBe(Date.parse('2026-11-30T11:00:00+08:00'));
    expect(order(q)).toEqual(['a@1', 'e@2', 'd@3']);
  });
});
