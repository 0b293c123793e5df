import { js } from '@kouan/common';
import type {
  BookingStages,
  BookingUpdate,
  CalledView,
  ClientToServerEvents,
  CounterpartUpdate,
  DeclarationUpdate,
  DeviceUpdate,
  GateAlert,
  GateReadUpdate,
  IncidentUpdate,
  LaneTimingView,
  LaneUpdate,
  LaneView,
  LiveParking,
  OnTheWayTruck,
  QueueEntryView,
  QueueUpdate,
  QueueUpdateDelta,
  ServerToClientEvents,
  SessionExpired,
  SlotsUpdate,
  StaffQueueUpdate,
  StaffQueueUpdateDelta,
  SubscribeAck,
  SubscribeRequest,
  TruckDetails,
  YardCalledTruck,
  YardNextTruck,
  YardUpdate,
} from './live-events';
import { GATE_OUTCOMES } from './live-events';

/*
 * The /live events as JSON Schemas, each accepted by the compiler only when it describes exactly the type the server
 * emits (`js.schemaOf<T>()`): the AsyncAPI document (GET /api/asyncapi.json) is built from these, so it cannot drift
 * from live-events.ts without `tsc` failing.
 */

const { array, boolean, instant, integer, literal, nullable, number, object, oneOf, optional, record, string } = js;

const lane = object({ id: string(), name: string() });

const parking = js.schemaOf<LiveParking>()(
  object({
    areaId: nullable(string()),
    areaName: nullable(string()),
    bay: nullable(integer()),
    powered: boolean('the bay has shore power for a reefer'),
    lat: nullable(number()),
    lon: nullable(number()),
    overflow: boolean('every holding area was full: wait outside them, the place in the queue is kept'),
    instructions: string("in the driver's language"),
  }),
);

const bookingUpdate = js.schemaOf<BookingUpdate>()(
  object({
    bookingId: string(),
    reference: string(),
    status: string(),
    position: nullable(integer(), '1-based place among waiting trucks; null unless checked_in'),
    etaMinutes: nullable(number()),
    reason: nullable(
      literal([
        'lane_paused',
        'lane_closed',
        'not_checked_in',
        'called',
        'completed',
        'cancelled',
        'no_show',
        'reminder',
      ]),
      'why etaMinutes is null; `reminder`: a reminder of the slot, its text in `instructions`',
    ),
    parking: nullable(parking),
    lane: nullable(lane),
    atLaneAt: nullable(instant(), 'when a lane camera saw the called truck at its lane'),
    instructions: nullable(string()),
  }),
);

const entryProps = {
  position: integer(),
  plateMasked: string(),
  status: literal(['checked_in']),
  slotStartsAt: instant(),
  priority: boolean(),
};
const calledProps = { laneId: string(), plateMasked: string(), calledAt: instant() };
const entry = js.schemaOf<QueueEntryView>()(object(entryProps));
const called = js.schemaOf<CalledView>()(object(calledProps));
const laneView = js.schemaOf<LaneView>()(
  object({ id: string(), name: string(), direction: string(), status: string() }),
);
const timing = js.schemaOf<LaneTimingView>()(
  object({
    status: string(),
    medianMinutes: nullable(number(), "median call-to-complete of the lane's recent trucks"),
  }),
);

const line = {
  port: string(),
  direction: string(),
  version: integer('the queue version this view is at'),
  lanes: array(laneView),
};
const pace = {
  timings: optional(array(timing, 'how fast each lane works, in the order of `lanes`')),
  defaultServiceMinutes: optional(number()),
};
const removed = array(integer(), 'positions (numbered as at version - 1) to remove');
const WHOLE = 'the whole view: replaces what is kept unless that is newer';
const DELTA = 'what one change did: apply it on version - 1 (else read the queue whole)';

const boardWhole = js.schemaOf<QueueUpdate>()(
  object({ ...line, ...pace, called: array(called), entries: array(entry) }, WHOLE),
);
const boardDelta = js.schemaOf<QueueUpdateDelta>()(
  object({ ...line, ...pace, called: array(called), removed, inserted: array(entry) }, DELTA),
);

const stages = js.schemaOf<BookingStages>()(
  object({
    arrivedAt: nullable(instant()),
    calledAt: nullable(instant()),
    atLaneAt: nullable(instant()),
    completedAt: nullable(instant()),
    yardArrivedAt: nullable(instant()),
  }),
);
const details = {
  driverName: string(),
  driverPhone: string(),
  firmName: string(),
  cargoDescription: string(),
  perishable: boolean(),
  greenChannel: boolean('holds a green-channel place; becomes `priority` once its slot has started'),
  checkedInAt: nullable(instant()),
};
js.schemaOf<TruckDetails>()(object(details));
const who = { ...details, bookingId: string(), reference: string(), plate: string(), stages };
const staffEntry = js.schemaOf<StaffQueueUpdate['entries'][number]>()(object({ ...entryProps, ...who }));
const staffCalled = js.schemaOf<StaffQueueUpdate['called'][number]>()(object({ ...calledProps, ...who }));

const staffWhole = js.schemaOf<StaffQueueUpdate>()(
  object({ ...line, ...pace, called: array(staffCalled), entries: array(staffEntry) }, WHOLE),
);
const staffDelta = js.schemaOf<StaffQueueUpdateDelta>()(
  object({ ...line, ...pace, called: array(staffCalled), removed, inserted: array(staffEntry) }, DELTA),
);

const devicePosition = literal(['holding_entry', 'lane', 'yard_gate']);

const onTheWay = js.schemaOf<OnTheWayTruck>()(
  object({
    plate: string(),
    trailerPlate: nullable(string()),
    firmName: nullable(string()),
    cargo: nullable(string()),
    declarationNo: nullable(string()),
    departedAt: instant(),
  }),
);
const yardCalled = js.schemaOf<YardCalledTruck>()(
  object({
    bookingId: string(),
    reference: string(),
    plate: string(),
    status: literal(['called', 'completed']),
    lane,
    calledAt: instant(),
    completedAt: nullable(instant()),
    minutesSinceCall: integer(),
  }),
);
const yardNext = js.schemaOf<YardNextTruck>()(
  object({
    bookingId: string(),
    position: integer(),
    plate: string(),
    reference: string(),
    etaMinutes: nullable(number()),
  }),
);

/** The payload schemas of every server → client event; `queue:update` has the board's and the staff's. */
const payloads = {
  'booking:update': [bookingUpdate],
  'queue:update': [oneOf([boardWhole, boardDelta]), oneOf([staffWhole, staffDelta])],
  'lane:update': [js.schemaOf<LaneUpdate>()(object({ port: string(), laneId: string(), status: string() }))],
  'slots:update': [
    js.schemaOf<SlotsUpdate>()(
      object({ port: string(), direction: string(), slotId: string(), booked: integer(), available: integer() }),
    ),
  ],
  'declaration:update': [
    js.schemaOf<DeclarationUpdate>()(
      object({
        bookingId: string(),
        status: literal(['submitted', 'accepted', 'rejected', 'inspection', 'reopened'], "the declaration's"),
        note: nullable(string(), "customs' note or the reopen's reason"),
      }),
    ),
  ],
  'yard:update': [
    js.schemaOf<YardUpdate>()(
      object({
        port: string(),
        direction: string(),
        at: instant('when it was read'),
        called: array(yardCalled, 'the trucks the yard waits for, in call order'),
        next: array(yardNext, 'the next ones in line'),
        onTheWay: array(onTheWay, 'import only: trucks the far side announced that have not checked in'),
      }),
    ),
  ],
  'session:expired': [js.schemaOf<SessionExpired>()(object({ expiredAt: instant(), message: string() }))],
  'gate:read': [
    js.schemaOf<GateReadUpdate>()(
      object({
        id: string(),
        deviceId: string(),
        deviceName: string(),
        position: devicePosition,
        plate: string('normalised'),
        confidence: number(),
        outcome: literal(GATE_OUTCOMES),
        bookingId: nullable(string()),
        reason: nullable(string()),
        at: instant('when the server took it (its Clock)'),
        cameraAt: nullable(instant(), 'when the camera says it saw the plate'),
        resolvedAt: nullable(instant()),
        resolution: nullable(literal(['checked_in', 'dismissed'])),
      }),
    ),
  ],
  'gate:alert': [
    js.schemaOf<GateAlert>()(
      object({
        readId: string(),
        deviceId: string(),
        deviceName: string(),
        laneId: nullable(string(), 'the lane the camera watches'),
        plate: string(),
        bookingId: nullable(string(), 'the truck with that plate called to another lane, if one is'),
        at: instant(),
        message: string(),
      }),
    ),
  ],
  'device:update': [
    js.schemaOf<DeviceUpdate>()(
      object({
        id: string(),
        name: string(),
        position: devicePosition,
        laneId: nullable(string()),
        areaId: nullable(string()),
        online: boolean(),
        lastSeenAt: nullable(instant()),
        change: literal(['created', 'deleted', 'key_rotated', 'online', 'offline']),
      }),
    ),
  ],
  'counterpart:update': [
    js.schemaOf<CounterpartUpdate>()(
      object({
        port: string(),
        status: string(),
        reason: string(),
        reasons: record(string(), 'the reason by language where the far side gave it'),
        until: nullable(instant()),
      }),
    ),
  ],
  'incident:update': [
    js.schemaOf<IncidentUpdate>()(
      object({
        port: string(),
        id: string(),
        open: boolean(),
        kind: nullable(string()),
        message: nullable(string()),
        until: nullable(instant()),
      }),
    ),
  ],
} satisfies { [E in keyof ServerToClientEvents]: js.Schema<Parameters<ServerToClientEvents[E]>[0]>[] };

/** Where a socket hears events: the rooms (named after domain ids, `rooms` in live-events.ts) and the socket itself. */
export const LIVE_AUDIENCES = {
  socket: {
    address: null,
    description:
      'The one socket: its answers (the `subscribe` acknowledgement, then the whole view), its current state at ' +
      'connection (a driver: its booking:update; a firm: one booking:update per truck) and the end of its session.',
  },
  booking: {
    address: 'booking:{bookingId}',
    description: "The booking's driver (a driver token), joined at the handshake.",
  },
  firm: {
    address: 'firm:{firmId}',
    description: "The firm's users (firm_admin, dispatcher), joined at the handshake.",
  },
  firms: { address: 'firms', description: 'Every firm user: each notice names its port (a firm books at any).' },
  board: {
    address: 'port:{port}:{direction}',
    description: 'Anyone who sent `subscribe` {port, direction} (the public board; no token needed).',
  },
  staff: {
    address: 'staff:{port}',
    description: "The port's staff (port_staff token, at the handshake); a port_admin after `subscribe`.",
  },
  yard: { address: 'yard:{port}', description: "The port's yard staff (yard_staff token, at the handshake)." },
  notices: {
    address: 'notices:{port}',
    description: "The drivers of the port's bookings, joined at the handshake.",
  },
} as const;
export type LiveAudience = keyof typeof LIVE_AUDIENCES;

export interface LiveEventEntry {
  summary: string;
  /** Its payload schemas, one per view (the staff's queue:update carries more than the board's). */
  payloads: js.Schema<unknown>[];
  /** Who hears it; `payloads[i]` goes to the audiences of `to[i]`. */
  to: LiveAudience[][];
}

/**
 * What each server → client event of /live says and who hears it. Keyed by the typed event map, so an event added
 * there without an entry here (or the reverse) breaks `tsc`; the rooms are the publisher's (live.publisher.ts) and
 * the gateway's (apps/api/src/live.gateway.ts).
 */
const HEARD: { [E in keyof ServerToClientEvents]: Omit<LiveEventEntry, 'payloads'> } = {
  'booking:update': {
    summary:
      "A truck's place, ETA, lane or status changed (or a reminder of its slot, `reason: reminder`): to its driver " +
      'and firm.',
    to: [['booking', 'firm', 'socket']],
  },
  'queue:update': {
    summary:
      'A queue moved: a delta (`removed`, `inserted`) or the whole view (`entries`), at `version`. The board ' +
      'masks plates; staff get who each truck is.',
    to: [
      ['board', 'socket'],
      ['staff', 'socket'],
    ],
  },
  'lane:update': {
    summary: "A lane opened, paused or closed: to the port's boards, staff and yard.",
    to: [['board', 'staff', 'yard']],
  },
  'slots:update': {
    summary: "A slot's booked count changed: to the boards of its port and direction.",
    to: [['board']],
  },
  'declaration:update': {
    summary: "A booking's declaration was filed, answered by customs or reopened: to its driver and firm.",
    to: [['booking', 'firm']],
  },
  'yard:update': {
    summary: "A port's yard view of one direction, whole: to the port's yard and staff.",
    to: [['yard', 'staff']],
  },
  'session:expired': {
    summary: "The socket's token expired or its session ended: sent just before the server disconnects it.",
    to: [['socket']],
  },
  'gate:read': {
    summary: "A gate camera's plate read and what it did (every read, whatever its outcome): to the port's staff.",
    to: [['staff']],
  },
  'gate:alert': {
    summary: "A lane camera saw a truck that was not called to its lane: to the port's staff.",
    to: [['staff']],
  },
  'device:update': {
    summary: "A gate camera registered, removed, re-keyed, or gone offline or online again: to the port's staff.",
    to: [['staff']],
  },
  'counterpart:update': {
    summary: "The far side's status changed: to the port's boards, staff, drivers and every firm.",
    to: [['board', 'staff', 'notices', 'firms']],
  },
  'incident:update': {
    summary: "An incident opened or closed at the port: to the port's boards, staff, drivers and every firm.",
    to: [['board', 'staff', 'notices', 'firms']],
  },
};

/** Every server → client event of /live: what it says, its payloads, who hears it. */
export const LIVE_SERVER_EVENTS = Object.fromEntries(
  Object.entries(HEARD).map(([event, heard]) => [event, { ...heard, payloads: payloads[event as keyof typeof HEARD] }]),
) as { [E in keyof ServerToClientEvents]: LiveEventEntry };

/** Every client → server event of /live, with its payload and its acknowledgement. */
export const LIVE_CLIENT_EVENTS: {
  [E in keyof ClientToServerEvents]: { summary: string; payload: js.Schema<unknown>; ack: js.Schema<unknown> };
} = {
  subscribe: {
    summary:
      'Follow the public board of one port and direction (a port_admin: the staff view of that port). At most 60 ' +
      'a minute per client address. The acknowledgement says whether it worked; the whole view follows as a ' +
      'queue:update, then every change.',
    payload: js.schemaOf<SubscribeRequest>()(
      object({ port: string('a port code'), direction: literal(['export', 'import']) }),
    ),
    ack: js.schemaOf<SubscribeAck>()(object({ ok: boolean(), error: optional(string('why not, when ok is false')) })),
  },
};
