import type { WebhookFormat } from './entities/webhook.entities';
import { signature, standardSignature } from './signature';

/** What one attempt of a delivery sends, whatever its event (booking events, and any other kind fanned out later). */
export interface SignedDelivery {
  /** The event's id: the same on every attempt, as `webhook-id`, `Kouan-Event-Id` and the body's (or CloudEvent's) id. */
  eventId: string;
  /** The CloudEvent's subject. */
  bookingId: string;
  /** Kouan's own body, `{id, type, occurredAt, data}`, serialised once when the delivery was made. */
  payload: string;
  format: WebhookFormat;
  /** The secrets that sign, the newest first (two while a rotated-out one is still valid). */
  secrets: string[];
}

/** The CloudEvents `type` of a Kouan event type: `booking.checked_in` → `org.kouan.booking.checked_in`. */
export const cloudEventType = (type: string): string => `org.kouan.${type}`;

/**
 * The CloudEvents `source`: a URN naming the port the event happened at (`urn:kouan:port:MOHAN`), `urn:kouan` for an
 * event of no port. A URN rather than a URL: it names the context without claiming an address anyone can fetch.
 */
export const cloudEventSource = (portCode: unknown): string =>
  typeof portCode === 'string' && portCode ? `urn:kouan:port:${portCode}` : 'urn:kouan';

/**
 * A structured-mode CloudEvent 1.0 of Kouan's body: the same id, the event's time, the booking as subject and the
 * event's `data` as is. Built from the stored body, so every attempt sends the same bytes.
 */
export function cloudEvent(payload: string, bookingId: string): string {
  const event = JSON.parse(payload) as { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  return JSON.stringify({
    specversion: '1.0',
    id: event.id,
    source: cloudEventSource(event.data?.portCode),
    type: cloudEventType(event.type),
    time: event.occurredAt,
    subject: bookingId,
    datacontenttype: 'application/json',
    data: event.data,
  });
}

/**
 * The body and headers of one attempt. Every delivery carries Kouan's own `Kouan-Event-Id` and `Kouan-Signature` and
 * the Standard Webhooks `webhook-id`, `webhook-timestamp` (`at`, the Clock's) and `webhook-signature`, over the body
 * actually sent (either format).
 */
export function deliveryRequest(d: SignedDelivery, at: Date): { headers: Record<string, string>; body: string } {
  const body = d.format === 'cloudevents' ? cloudEvent(d.payload, d.bookingId) : d.payload;
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    body,
    headers: {
      'Content-Type': d.format === 'cloudevents' ? 'application/cloudevents+json' : 'application/json',
      'User-Agent': 'Kouan-Webhooks/1',
      'Kouan-Event-Id': d.eventId,
      'Kouan-Signature': signature(d.secrets, body),
      'webhook-id': d.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': standardSignature(d.secrets, d.eventId, timestamp, body),
    },
  };
}
