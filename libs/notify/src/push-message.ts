/**
 * What the driver's service worker gets in a push (apps/api/src/pages/driver-sw/push.ts reads it): enough to show
 * the notification, nothing secret (no code, no phone). No imports: the worker's bundle takes the type from here.
 */
export interface PushMessage {
  type: 'reminder' | 'called' | 'moved' | 'cancelled';
  reference: string;
  lane: string | null;
  port: string;
  /** The same words as the text message, in the driver's language. */
  text: string;
}
