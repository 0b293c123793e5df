export const LIVE_NAMESPACE = '/live';

/** Rooms are named after domain ids. */
export const rooms = {
  booking: (id: string) => `booking:${id}`,
  firm: (id: string) => `firm:${id}`,
  /** The public board of one port and direction (subscribe), also where slots:update goes. */
  board: (port: string, direction: string) => `port:${port}:${direction}`,
  /** Port staff of one port: unmasked queue views. */
  staff: (port: string) => `staff:${port}`,
  /** Yard staff of one port: yard:update (the port's staff get it through their own room). */
  yard: (port: string) => `yard:${port}`,
  /** The drivers of one port's bookings: what stops or slows the port (counterpart:update, incident:update). */
  notices: (port: string) => `notices:${port}`,
  /** Every firm's dashboard: the same notices of every port (each names its port; a firm books at any). */
  firms: () => 'firms',
};

export type EtaReason =
  'lane_paused' | 'lane_closed' | 'not_checked_in' | 'called' | 'completed' | 'cancelled' | 'no_show' | 'reminder';

/** Where a checked-in truck waits (the REST answer's `ParkingDto` in libs/parking has this shape). */
export interface LiveParking {
  areaId: string | null;
  areaName: string | null;
  bay: number | null;
  /** The bay has shore power for a reefer. */
  powered: boolean;
  lat: number | null;
  lon: number | null;
  /** Every holding area was full: wait outside them, the place in the queue is kept. */
  overflow: boolean;
  /** In the driver's language. */
  instructions: string;
}

export interface BookingUpdate {
  bookingId: string;
  reference: string;
  status: string;
  /** 1-based place among waiting trucks; null unless checked_in. */
  position: number | null;
  etaMinutes: number | null;
  /** Why etaMinutes is null. */
  reason: EtaReason | null;
  parking: LiveParking | null;
  lane: { id: string; name: string } | null;
  /** When a lane camera saw the called truck at its lane (what its firm follows); null otherwise. */
  atLaneAt: string | null;
  instructions: string | null;
}

export interface QueueEntryView {
  position: number;
  plateMasked: string;
  status: 'checked_in';
  slotStartsAt: string;
  priority: boolean;
}

export interface CalledView {
  laneId: string;
  plateMasked: string;
  calledAt: string;
}

export interface LaneView {
  id: string;
  name: string;
  direction: string;
  status: string;
}

/** How fast the lanes work, in the order of `lanes`: what a board needs to show each row's ETA (estimateEta). */
export interface QueuePace {
  timings: LaneTimingView[];
  defaultServiceMinutes: number;
}

export interface QueueUpdate extends Partial<QueuePace> {
  port: string;
  direction: string;
  version: number;
  lanes: LaneView[];
  called: CalledView[];
  entries: QueueEntryView[];
}

/**
 * A queue:update that carries only what one change did, instead of `entries`: apply it on top of `version - 1`
 * (else read the whole queue again: GET /ports/:code/queue, or /queue/staff). Remove the entries at the
 * `removed` positions (numbered as at `version - 1`), insert each of `inserted` at its `position` (in order),
 * then every entry's position is its index + 1. `lanes` and `called` are whole. Its size does not depend on the
 * length of the line.
 */
export interface QueueUpdateDelta extends Partial<QueuePace> {
  port: string;
  direction: string;
  version: number;
  lanes: LaneView[];
  called: CalledView[];
  removed: number[];
  inserted: QueueEntryView[];
}

export interface LaneUpdate {
  port: string;
  laneId: string;
  status: string;
}

export interface SlotsUpdate {
  port: string;
  direction: string;
  slotId: string;
  booked: number;
  available: number;
}

/** The far side of a port's border said it is open, slowed or closed (until when, why, by language). */
export interface CounterpartUpdate {
  port: string;
  status: string;
  reason: string;
  /** The reason by language where the far side gave it; `reason` in the others. */
  reasons: Record<string, string>;
  until: string | null;
}

/** An incident at a port opened (`open`, with what it is) or closed (only its id). */
export interface IncidentUpdate {
  port: string;
  id: string;
  open: boolean;
  kind: string | null;
  message: string | null;
  until: string | null;
}

/** Typed server → client events of the /live namespace. */
export interface ServerToClientEvents {
  'booking:update': (u: BookingUpdate) => void;
  'queue:update': (u: QueueUpdate | QueueUpdateDelta) => void;
  'lane:update': (u: LaneUpdate) => void;
  'slots:update': (u: SlotsUpdate) => void;
  'declaration:update': (u: DeclarationUpdate) => void;
  /** A port's yard view of one direction, whole (GET /ports/:code/yard): to the port's yard and staff rooms. */
  'yard:update': (u: YardUpdate) => void;
  /** The socket's token has expired: sent just before the server disconnects it. */
  'session:expired': (u: SessionExpired) => void;
  /** A gate camera's plate read and what it did (every read, whatever its outcome): to the port's staff. */
  'gate:read': (u: GateReadUpdate) => void;
  /** A lane camera saw a truck that was not called to its lane: to the port's staff. */
  'gate:alert': (u: GateAlert) => void;
  /** A gate camera registered, removed, given a new key, or gone offline or online again: to the port's staff. */
  'device:update': (u: DeviceUpdate) => void;
  /** The far side's status changed: to the port's boards, staff, drivers and every firm. */
  'counterpart:update': (u: CounterpartUpdate) => void;
  /** An incident opened or closed at the port: to the port's boards, staff, drivers and every firm. */
  'incident:update': (u: IncidentUpdate) => void;
}

/** `subscribe`: the public board of one port and direction (a port admin gets the staff view of its port instead). */
export interface SubscribeRequest {
  port: string;
  direction: 'export' | 'import';
}

/** The answer to `subscribe` (its acknowledgement); the whole view follows as a queue:update. */
export interface SubscribeAck {
  ok: boolean;
  /** Why not, when `ok` is false. */
  error?: string;
}

/** Typed client → server events of the /live namespace. */
export interface ClientToServerEvents {
  subscribe: (body: SubscribeRequest, ack: (answer: SubscribeAck) => void) => void;
}

/** Where a gate camera stands: at a holding area's entry, at a lane, or at the yard's gate. */
export type DevicePosition = 'holding_entry' | 'lane' | 'yard_gate';

/** What a plate read did (contract, "Gate cameras"): every outcome, for validation, the OpenAPI and AsyncAPI enums. */
export const GATE_OUTCOMES = [
  'checked_in',
  'at_lane',
  'wrong_lane',
  'yard_arrived',
  'duplicate',
  'low_confidence',
  'unmatched',
  'ambiguous',
  'refused',
] as const;

export type GateOutcome = (typeof GATE_OUTCOMES)[number];

/** One stored plate read, as staff see it live and in GET /ports/:code/gate-reads. */
export interface GateReadUpdate {
  id: string;
  deviceId: string;
  deviceName: string;
  position: DevicePosition;
  /** The normalised plate. */
  plate: string;
  confidence: number;
  outcome: GateOutcome;
  bookingId: string | null;
  /** Why: the check-in's refusal code (too_early, too_late, declaration_missing), already_checked_in... */
  reason: string | null;
  /** When the server took it (its Clock). */
  at: string;
  /** When the camera says it saw the plate, if it said. */
  cameraAt: string | null;
  /** When staff confirmed or dismissed it from the console ("reads to confirm"), and which. */
  resolvedAt: string | null;
  resolution: 'checked_in' | 'dismissed' | null;
}

/** A lane camera read a plate that was not called to its lane. */
export interface GateAlert {
  readId: string;
  deviceId: string;
  deviceName: string;
  /** The lane the camera watches. */
  laneId: string | null;
  plate: string;
  /** The truck with that plate called to another lane, if one is. */
  bookingId: string | null;
  at: string;
  message: string;
}

/** A gate camera's state after a change. */
export interface DeviceUpdate {
  id: string;
  name: string;
  position: DevicePosition;
  laneId: string | null;
  areaId: string | null;
  online: boolean;
  lastSeenAt: string | null;
  change: 'created' | 'deleted' | 'key_rotated' | 'online' | 'offline';
}

/** A truck the yard is waiting for: called onto a lane, or completed there and not yet confirmed at the yard. */
export interface YardCalledTruck {
  bookingId: string;
  reference: string;
  plate: string;
  status: 'called' | 'completed';
  lane: { id: string; name: string };
  calledAt: string;
  /** When the lane completed it; null while it is still called. */
  completedAt: string | null;
  /** Whole minutes from the call to when the view was read. */
  minutesSinceCall: number;
}

/** One of the next trucks to be called, with its place in the line and ETA to a lane. */
export interface YardNextTruck {
  bookingId: string;
  position: number;
  plate: string;
  reference: string;
  etaMinutes: number | null;
}

/**
 * The yard's view of one port and direction: the trucks it is waiting for in call order, then the next ones in
 * line. Small (the called list is as long as the lanes are many, `next` is capped), so every change sends it whole.
 */
export interface YardUpdate {
  port: string;
  direction: string;
  /** When it was read. */
  at: string;
  called: YardCalledTruck[];
  next: YardNextTruck[];
  /** Import only (empty for export): trucks the far side announced as left towards us that have not checked in. */
  onTheWay: OnTheWayTruck[];
}

/** A truck the far side announced (POST /ports/:code/counterpart/arrivals) that has not checked in here yet. */
export interface OnTheWayTruck {
  plate: string;
  trailerPlate: string | null;
  firmName: string | null;
  cargo: string | null;
  declarationNo: string | null;
  departedAt: string;
}

/** A booking's declaration filed, answered by customs or reopened by staff, to its driver and firm. */
export interface DeclarationUpdate {
  bookingId: string;
  status: 'submitted' | 'accepted' | 'rejected' | 'inspection' | 'reopened';
  note: string | null;
}

export interface SessionExpired {
  expiredAt: string;
  message: string;
}

/**
 * What port staff need to deal with a truck besides who it is: whom to phone, what it carries, why it is green,
 * how long it has waited. Never on the board nor in booking:update.
 */
export interface TruckDetails {
  driverName: string;
  driverPhone: string;
  firmName: string;
  cargoDescription: string;
  /** The cargo is declared perishable (the only way onto the green channel). */
  perishable: boolean;
  /**
   * Holds a green-channel place: perishable and within the slot's green share at check-in; lost at a skip. It
   * becomes `priority` once the truck's slot has started.
   */
  greenChannel: boolean;
  /** When the truck checked in (its wait counts from here); null if it never did. */
  checkedInAt: string | null;
}

/**
 * When a truck reached each stage of its visit (ISO instants, null until it did): arrived (checked in at the
 * holding area), called to a lane, seen at that lane (a lane camera), completed there, confirmed at the yard. A
 * truck put back in line loses its call and lane arrival. On `GET /bookings/:id` and the staff view.
 */
export interface BookingStages {
  arrivedAt: string | null;
  calledAt: string | null;
  atLaneAt: string | null;
  completedAt: string | null;
  yardArrivedAt: string | null;
}

/** Port staff see who is who: booking, reference, the whole plate and the truck's details. */
interface StaffFields extends TruckDetails {
  bookingId: string;
  reference: string;
  plate: string;
  /** The truck's stages so far: in the staff view a truck is waiting or called, so completed and yard are null. */
  stages: BookingStages;
}

export interface StaffQueueUpdate extends QueueUpdate {
  entries: Array<QueueEntryView & StaffFields>;
  called: Array<CalledView & StaffFields>;
}

export interface StaffQueueUpdateDelta extends QueueUpdateDelta {
  inserted: Array<QueueEntryView & StaffFields>;
  called: Array<CalledView & StaffFields>;
}

/** One truck of a queue change as it travels between processes: everything its three views need, once. */
export interface QueueTruck {
  bookingId: string;
  firmId: string;
  reference: string;
  plate: string;
  status: string;
  position: number | null;
  priority: boolean;
  slotStartsAt: string;
  etaMinutes: number | null;
  reason: EtaReason | null;
  /** The parking without its instructions, which are `texts[text]` (a few texts serve a whole holding area). */
  parking: (Omit<LiveParking, 'instructions'> & { text: number }) | null;
  lane: { id: string; name: string } | null;
  calledAt: string | null;
  /** When a lane camera saw the called truck at its lane (its stage), for the staff view; null before. */
  atLaneAt: string | null;
  instructions: string | null;
  /** For the staff view only. */
  details: TruckDetails;
}

/** How fast a lane works, in the order of `lanes`: with positions, all a process needs to compute ETAs. */
export interface LaneTimingView {
  status: string;
  /** Median call-to-complete of the lane's recent trucks, or null before it has any. */
  medianMinutes: number | null;
}

/** One queue at one version, with its lanes and their pace: what snapshots and deltas both carry. */
interface QueueAtVersion {
  port: string;
  direction: string;
  version: number;
  lanes: LaneView[];
  timings: LaneTimingView[];
  defaultServiceMinutes: number;
  /** Texts the trucks' parking points into (`parking.text`). */
  texts: string[];
}

/**
 * A whole queue as one consistent read (REPEATABLE READ): the waiting line in order, then the called trucks,
 * then any `touched` ones asked for. Read by an API process when it starts following a queue, after a gap in
 * versions, at a slot start or when Redis comes back; never published.
 */
export interface QueueSnapshot extends QueueAtVersion {
  trucks: QueueTruck[];
}

/**
 * One committed queue change, sent once through Redis to every API process, read under the queue lock in the
 * transaction that made it (so `version` and positions agree). Its size does not depend on the queue's length:
 * at most one truck joined the waiting line (check-in, skip) at `joined.position`, and every other waiting
 * truck kept its order (call-next takes the head, which is in `moved` with its new status). Each process applies
 * it in version order to the queue it keeps (libs/queue/src/kept-queue.ts) and derives every view from that.
 */
export interface QueueDelta extends QueueAtVersion {
  joined: QueueTruck | null;
  /** Trucks that changed otherwise: called (off the line, onto a lane), completed, no_show... */
  moved: QueueTruck[];
}

/** Server-to-server event name (socket.io serverSideEmit). */
export const QUEUE_DELTA_EVENT = 'kouan:queue-delta';

/**
 * Server-to-server: a committed queue change again, from the worker's relay (its port event): a process that kept
 * it already drops it whole; one that lost the first copy applies it.
 */
export const QUEUE_DELTA_AGAIN_EVENT = 'kouan:queue-delta-again';

/**
 * Server-to-server: the firm issued a new driver code, so every API process ends its sockets of that booking
 * whose token is of an earlier code (`session:expired`, then disconnect).
 */
export const DRIVER_SESSIONS_ENDED_EVENT = 'kouan:driver-sessions-ended';

export interface DriverSessionsEnded {
  bookingId: string;
  /** The new code's version: tokens signed under a lower one are ended. */
  codeVersion: number;
}
