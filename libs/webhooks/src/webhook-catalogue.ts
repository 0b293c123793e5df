import {
  BOOKING_EVENT_TYPES,
  BOOKING_STATUSES,
  type BookingEventData,
  type BookingEventType,
  type DepartureDto,
  type DomainEvent,
} from '@kouan/booking';
import { js } from '@kouan/common';
import { WEBHOOK_EVENT_TYPES } from './dto/webhook.dto';
import { COUNTERPART_DEPARTURE } from './webhooks.repository';

/*
 * The webhook deliveries' bodies as JSON Schemas for the AsyncAPI document (GET /api/asyncapi.json). What every
 * booking event's `data` says is `BookingEventData`, and a departure's is `DepartureDto`: their schemas are accepted
 * by the compiler only when they describe exactly those types. The fields each type adds are written by its SQL
 * statement (`EVENT(type, extra)` in the booking lib), which has no TypeScript type: the asyncapi e2e checks them on
 * real deliveries, where `data` must carry exactly the base and the type's own fields.
 */

const { boolean, instant, literal, nullable, number, object, oneOf, openObject, optional, string, uuid } = js;

const base = {
  bookingId: uuid(),
  reference: string(),
  status: literal(BOOKING_STATUSES, "the booking's status after the event"),
  portCode: string(),
  direction: string(),
};
js.schemaOf<BookingEventData>()(openObject(base));

const laneId = uuid('the lane');

/** What each type adds to `data` (booking events; docs/events.md, "Events"). */
const EXTRAS: Record<
  BookingEventType,
  { summary: string; extra: Record<string, js.Schema<unknown> | ReturnType<typeof optional>> }
> = {
  'booking.created': { summary: 'A firm booked a slot.', extra: { slotId: uuid() } },
  'booking.cancelled': {
    summary: 'The firm cancelled, or the port did when the far side takes fewer trucks.',
    extra: { reason: optional(literal(['counterpart_capacity'])), by: optional(literal(['port'])) },
  },
  'booking.rescheduled': {
    summary: 'The firm moved it to another slot, or the port did when the far side takes fewer trucks.',
    extra: { slotId: uuid(), fromSlotId: uuid(), reason: optional(literal(['counterpart_capacity'])) },
  },
  'booking.checked_in': {
    summary: 'Checked in at the gate, by staff or by the driver.',
    extra: { greenChannel: boolean('holds a green-channel place') },
  },
  'booking.called': { summary: 'Called to a lane.', extra: { laneId } },
  'booking.at_lane': {
    summary: 'A lane camera saw the called truck at its lane (a stage, not a status move).',
    extra: { laneId, atLaneAt: instant() },
  },
  'booking.requeued': {
    summary: 'Put back in line: skipped by staff, or after its first called timeout.',
    extra: { reason: literal(['skipped', 'called_timeout']) },
  },
  'booking.completed': { summary: 'The lane completed it.', extra: {} },
  'booking.no_show': {
    summary: 'A no-show: marked by staff, or by the worker when its window closed or its call timed out.',
    extra: { reason: literal(['staff', 'not_arrived', 'called_timeout']) },
  },
  'booking.waived': {
    summary: "Port staff waived a no-show's strike (the status stays no_show).",
    extra: { reason: string("the staff's text") },
  },
  'booking.reminder': {
    summary: "A reminder 2 h and 30 min before the booked truck's slot.",
    extra: { before: literal(['2h', '30m']), slotStartsAt: instant() },
  },
  'booking.yard_arrived': {
    summary: 'The yard confirmed the truck arrived.',
    extra: { yardArrivedAt: instant(), laneId },
  },
  'booking.declaration_updated': {
    summary: "The booking's declaration was filed, answered by customs or reopened (`status` is the booking's).",
    extra: {
      declarationStatus: literal(['submitted', 'accepted', 'rejected', 'inspection', 'reopened']),
      note: nullable(string(), "customs' note or the reopen's reason"),
    },
  },
};

const departure = js.schemaOf<DepartureDto>()(
  object({
    plate: string(),
    trailerPlate: nullable(string()),
    firmName: string(),
    cargo: string(),
    hsCode: string(),
    weightKg: number(),
    declarationNo: nullable(string()),
    completedAt: instant('when our export lane completed it'),
  }),
);

/** The standard body: `{id, type, occurredAt, data}`, DomainEvent's public part; each type narrows `type` and `data`. */
const ENVELOPE = {
  id: uuid('the event id: the same on every attempt, = webhook-id = Kouan-Event-Id'),
  type: literal(BOOKING_EVENT_TYPES),
  occurredAt: instant(),
  data: openObject(base),
};
js.schemaOf<Pick<DomainEvent, 'id' | 'type' | 'occurredAt' | 'data'>>()(object(ENVELOPE));
const envelope = (type: string, data: js.Schema<unknown>) => object({ ...ENVELOPE, type: literal([type]), data });

/** The `cloudevents` format: a structured-mode CloudEvent 1.0 around the same `data` (webhook-request.ts). */
const cloudEvent = (type: string, data: js.Schema<unknown>) =>
  object(
    {
      specversion: literal(['1.0']),
      id: uuid('the event id (= webhook-id)'),
      source: string('urn:kouan:port:<code>, or urn:kouan for an event of no port'),
      type: literal([`org.kouan.${type}`]),
      time: instant('the event occurredAt'),
      subject: uuid('the booking id'),
      datacontenttype: literal(['application/json']),
      data,
    },
    'format "cloudevents" (Content-Type: application/cloudevents+json)',
  );

/** A delivery's body: Kouan's own (format `standard`, application/json) or a CloudEvent (format `cloudevents`). */
const body = (type: string, data: js.Schema<unknown>) => oneOf([envelope(type, data), cloudEvent(type, data)]);

export interface WebhookEventEntry {
  summary: string;
  /** Who registers for it: a firm's endpoints (its bookings' events) or a port's far side's. */
  receiver: 'firm' | 'counterpart';
  body: js.Schema<unknown>;
}

/** Every type an endpoint may ask for, with the body its deliveries carry. */
export const WEBHOOK_EVENTS: Record<(typeof WEBHOOK_EVENT_TYPES)[number], WebhookEventEntry> = {
  ...(Object.fromEntries(
    BOOKING_EVENT_TYPES.map((type) => [
      type,
      { summary: EXTRAS[type].summary, receiver: 'firm', body: body(type, object({ ...base, ...EXTRAS[type].extra })) },
    ]),
  ) as Record<BookingEventType, WebhookEventEntry>),
  [COUNTERPART_DEPARTURE]: {
    summary:
      "A truck completed the port's export lane: the far side's pre-arrival notice (the booking's completion event id).",
    receiver: 'counterpart',
    body: body(COUNTERPART_DEPARTURE, departure),
  },
};
