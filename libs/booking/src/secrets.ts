import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Driver codes are six digits, so a slow password hash adds little against offline guessing while costing
 * ~50 ms of CPU per booking; a keyed HMAC (the key never leaves the server) makes a stolen table useless and
 * keeps booking cheap. Online guessing is bounded per reference at POST /driver/session: at most
 * DRIVER_CODE_PER_HOUR wrong codes an hour and DRIVER_CODE_LOCK_AFTER in all (1 in 33,000 of the code space).
 */
export const DRIVER_CODE_PER_HOUR = 10;
export const DRIVER_CODE_LOCK_AFTER = 30;

export const newDriverCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Keyed to the booking id, which exists before the booking row (and its reference) is written. */
export const hashDriverCode = (secret: string, bookingId: string, code: string): string =>
  createHmac('sha256', secret).update(`driver-code:${bookingId}:${code}`).digest('hex');

export function driverCodeMatches(secret: string, bookingId: string, code: string, hash: string): boolean {
  const expected = Buffer.from(hashDriverCode(secret, bookingId, code), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}

const sealKey = (secret: string) => createHash('sha256').update(`idempotency-seal:${secret}`).digest();

/** AES-256-GCM, so an idempotent replay can repeat the driver code without storing it in clear. */
export function seal(secret: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unseal(secret: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Crockford base32 without I, L, O, U: nothing a driver can misread over a bad phone line. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The random end of a reference: PORT-YYYYMMDD-XXXX, e.g. MOHAN-20261129-7K3F (port and local slot date
 * come from the slot, in the booking statement; the unique index catches the rare repeat).
 */
export function referenceSuffix(): string {
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += ALPHABET[randomInt(0, ALPHABET.length)];
  return suffix;
}

/** SHA-256 of a value's JSON with keys sorted, so the same body in another key order is the same request. */
export function canonicalHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}
