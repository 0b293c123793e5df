import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';

/**
 * A new endpoint secret, shown once (registration, rotation): `whsec_` and 32 random bytes in standard base64, the
 * form Standard Webhooks libraries take as is. Secrets issued before issue 21 carry their bytes in base64url
 * (`-`, `_`, no padding): they sign the same way (see `standardKey`).
 */
export const newWebhookSecret = (): string => `${PREFIX}${randomBytes(32).toString('base64')}`;

/**
 * The HMAC key of the Standard Webhooks signature: the base64-decoded part after `whsec_` (Node's decoder reads the
 * standard and the url-safe alphabet alike, so an older base64url secret keeps its bytes). A secret without the
 * prefix (none is issued) would sign with its own bytes, as it does for Kouan-Signature.
 */
export function standardKey(secret: string): Buffer {
  return secret.startsWith(PREFIX) ? Buffer.from(secret.slice(PREFIX.length), 'base64') : Buffer.from(secret);
}

/**
 * `Kouan-Signature`: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")> (contract: Webhooks), the whole
 * secret string as the key; one `v1=` per secret that signs (two while a rotated-out one is still valid, the newest
 * first). The time is the real one, not the Clock's: the receiver judges a replay by its own real clock, and this
 * header stays as existing receivers check it.
 */
export function signature(secrets: string | string[], body: string, at = Math.floor(Date.now() / 1000)): string {
  const v1 = [secrets].flat().map((s) => `v1=${createHmac('sha256', s).update(`${at}.${body}`).digest('hex')}`);
  return [`t=${at}`, ...v1].join(',');
}

/**
 * `webhook-signature` (Standard Webhooks): `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` per secret that
 * signs, space-separated, the newest first.
 */
export function standardSignature(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((s) => `v1,${createHmac('sha256', standardKey(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

/**
 * What a receiver of Kouan-Signature does (and the tests): one of the header's `v1=` is right for this body and
 * secret, and it is no older than `toleranceSeconds` (a replayed delivery is refused).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const parts = header.split(',').map((p) => p.split('=', 2) as [string, string]);
  const at = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(at) || Math.abs(now / 1000 - at) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, body, at).split('v1=')[1], 'hex');
  return parts
    .filter(([k]) => k === 'v1')
    .some(([, v]) => {
      const given = Buffer.from(v ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
