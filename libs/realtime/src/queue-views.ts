import { maskPlate } from '@kouan/common';
import type {
  BookingStages,
  BookingUpdate,
  LaneView,
  QueuePace,
  QueueSnapshot,
  QueueTruck,
  QueueUpdate,
  QueueUpdateDelta,
  StaffQueueUpdate,
  StaffQueueUpdateDelta,
} from './live-events';

const waiting = (s: QueueSnapshot) => s.trucks.filter((t) => t.status === 'checked_in' && t.position !== null);
const called = (s: QueueSnapshot) => s.trucks.filter((t) => t.status === 'called');

const entry = (t: QueueTruck) => ({
  position: t.position as number,
  plateMasked: maskPlate(t.plate),
  status: 'checked_in' as const,
  slotStartsAt: t.slotStartsAt,
  priority: t.priority,
});
const calledEntry = (t: QueueTruck) => ({
  laneId: t.lane?.id as string,
  plateMasked: maskPlate(t.plate),
  calledAt: t.calledAt as string,
});
/**
 * A truck's stages as far as a queue knows them: the staff view holds waiting and called trucks only, which have
 * neither completed nor reached the yard.
 */
const stagesOf = (t: QueueTruck): BookingStages => ({
  arrivedAt: t.details.checkedInAt,
  calledAt: t.status === 'called' ? t.calledAt : null,
  atLaneAt: t.status === 'called' ? t.atLaneAt : null,
  completedAt: null,
  yardArrivedAt: null,
});
const who = (t: QueueTruck) => ({
  bookingId: t.bookingId,
  reference: t.reference,
  plate: t.plate,
  ...t.details,
  stages: stagesOf(t),
});

/** The public board: positions and masked plates, never names, phones or whole plates; and the lanes' pace for ETAs. */
export const boardView = (s: QueueSnapshot): QueueUpdate => ({
  port: s.port,
  direction: s.direction,
  version: s.version,
  lanes: s.lanes,
  called: called(s).map(calledEntry),
  entries: waiting(s).map(entry),
  timings: s.timings,
  defaultServiceMinutes: s.defaultServiceMinutes,
});

/** Port staff: the board plus booking, reference, whole plate and details (TruckDetails) of each truck. */
export const staffView = (s: QueueSnapshot): StaffQueueUpdate => ({
  port: s.port,
  direction: s.direction,
  version: s.version,
  lanes: s.lanes,
  called: called(s).map((t) => ({ ...calledEntry(t), ...who(t) })),
  entries: waiting(s).map((t) => ({ ...entry(t), ...who(t) })),
});

/** What one change did to a queue (see QueueUpdateDelta), from the queue after it. */
export interface ChangeOfLine extends QueuePace {
  port: string;
  direction: string;
  version: number;
  lanes: LaneView[];
  called: readonly QueueTruck[];
  removed: number[];
  inserted: QueueTruck | null;
}

export const boardDelta = (c: ChangeOfLine): QueueUpdateDelta => ({
  port: c.port,
  direction: c.direction,
  version: c.version,
  lanes: c.lanes,
  called: c.called.map(calledEntry),
  removed: c.removed,
  inserted: c.inserted ? [entry(c.inserted)] : [],
  timings: c.timings,
  defaultServiceMinutes: c.defaultServiceMinutes,
});

export const staffDelta = (c: ChangeOfLine): StaffQueueUpdateDelta => ({
  port: c.port,
  direction: c.direction,
  version: c.version,
  lanes: c.lanes,
  called: c.called.map((t) => ({ ...calledEntry(t), ...who(t) })),
  removed: c.removed,
  inserted: c.inserted ? [{ ...entry(c.inserted), ...who(c.inserted) }] : [],
});

function parkingOf(s: Pick<QueueSnapshot, 'texts'>, t: QueueTruck): BookingUpdate['parking'] {
  if (!t.parking) return null;
  const { text, ...parking } = t.parking;
  return { ...parking, instructions: s.texts[text] };
}

/** What one truck's driver and firm see (`s`: the snapshot or delta the truck came in, for its texts). */
export const bookingUpdate = (s: Pick<QueueSnapshot, 'texts'>, t: QueueTruck): BookingUpdate => ({
  bookingId: t.bookingId,
  reference: t.reference,
  status: t.status,
  position: t.position,
  etaMinutes: t.etaMinutes,
  reason: t.reason,
  parking: parkingOf(s, t),
  lane: t.lane,
  atLaneAt: t.status === 'called' ? t.atLaneAt : null,
  instructions: t.instructions,
});
