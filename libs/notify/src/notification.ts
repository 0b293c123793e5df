import type { BookingUpdate } from '@kouan/realtime';

/** One thing to tell one driver, as every channel gets it. */
export interface DriverNotification {
  /** The booking event told (a driver-code text, which no event announces, has an id of its own). */
  eventId: string;
  bookingId: string;
  firmId: string;
  /** `moved`, `cancelled`: the port moved or cancelled the booking, the far side taking fewer trucks. */
  kind: 'reminder' | 'called' | 'driver_code' | 'moved' | 'cancelled';
  /** The booking's reference, the port's name and the lane's label in the driver's language (a call's only). */
  reference: string;
  port: string;
  lane: string | null;
  /** The driver's phone (E.164) and language, for a text message. */
  phone: string;
  language: string;
  text: string;
  /**
   * The text the stored row keeps once the notification is sent or given up, where `text` holds a secret (a driver
   * code's text, the code blanked): the channels never read it.
   */
  storedText?: string;
  /** What the driver's page shows, when the socket should carry it (the queue's own deltas already carry a call). */
  update: BookingUpdate | null;
}

/** A way to reach drivers. Channels are picked by NOTIFY_CHANNELS; the rules never name one. */
export interface NotificationChannel {
  readonly name: string;
  send(n: DriverNotification): Promise<void>;
}

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');

/** Sends one text message; the shipped one logs it. A real gateway (an SMS provider's API) implements this. */
export interface SmsGateway {
  send(to: string, text: string): Promise<void>;
}

export const SMS_GATEWAY = Symbol('SMS_GATEWAY');
