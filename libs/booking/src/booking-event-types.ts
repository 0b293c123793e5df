// No imports: the pages bundle this file (the firm's webhook form offers exactly these), so it must not pull Nest in.
/**
 * Every event a booking's life produces (contract: webhooks' event types). `booking.declaration_updated` is not a
 * status move: the booking's declaration was filed, answered or reopened (`data.declarationStatus`, `data.note`).
 */
export const BOOKING_EVENT_TYPES = [
  'booking.created',
  'booking.cancelled',
  'booking.rescheduled',
  'booking.checked_in',
  'booking.called',
  'booking.at_lane',
  'booking.requeued',
  'booking.completed',
  'booking.no_show',
  'booking.waived',
  'booking.reminder',
  'booking.yard_arrived',
  'booking.declaration_updated',
] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];
