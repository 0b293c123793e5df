import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new endpoint secret: shown once, at registration. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * `Kouan-Signature`: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")> (contract: Webhooks). The time is
 * the real one, not the Clock's: the receiver judges a replay by its own real clock.
 */
export function signature(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (and the tests): the header is right for this body and secret, and no older than
 * `toleranceSeconds` (a replayed delivery is refused).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const at = Number(parts.t);
  if (!Number.isInteger(at) || !parts.v1 || Math.abs(now / 1000 - at) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, body, at).split('v1=')[1], 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
