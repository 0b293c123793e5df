import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import ipaddr from 'ipaddr.js';

/**
 * Driver codes are six digits, so a slow password hash adds little against offline guessing while costing
 * ~50 ms of CPU per booking; a keyed HMAC (the key never leaves the server) makes a stolen table useless and
 * keeps booking cheap. Online guessing is bounded per reference at POST /driver/session: at most
 * DRIVER_CODE_PER_HOUR wrong codes an hour from one client address (so a guesser elsewhere cannot hold the
 * driver's phone back), and DRIVER_CODE_LOCK_AFTER wrong codes in all from every address together until the firm
 * issues a new code (a guess spread over many addresses: 1 in 33,000 of the code space per code).
 */
export const DRIVER_CODE_PER_HOUR = 10;
export const DRIVER_CODE_LOCK_AFTER = 30;

/**
 * Who a wrong code is counted against, besides its reference: an IPv4 address, or the /64 of an IPv6 one (a
 * phone or a home gets a whole /64, so counting single IPv6 addresses would hand a guesser 2^64 allowances).
 * Keyed like the code hashes, so the table holds no client addresses.
 */
export function addressKey(secret: string, address: string): string {
  let group = address;
  if (ipaddr.isValid(address)) {
    const ip = ipaddr.process(address);
    group = ip.kind() === 'ipv6' ? `${Buffer.from(ip.toByteArray().slice(0, 8)).toString('hex')}/64` : ip.toString();
  }
  return createHmac('sha256', secret).update(`driver-code-address:${group}`).digest('base64url');
}

export const newDriverCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Keyed to the booking id, which exists before the booking row (and its reference) is written. */
export const hashDriverCode = (secret: string, bookingId: string, code: string): string =>
  createHmac('sha256', secret).update(`driver-code:${bookingId}:${code}`).digest('hex');

/**
 * Whether `code` is the booking's. Without a booking (an unknown reference) it does the same work against a
 * hash nothing matches, so the answer takes as long as a wrong code for a real booking.
 */
export function driverCodeMatches(
  secret: string,
  booking: { id: string; hash: string } | undefined,
  code: string,
): boolean {
  const expected = Buffer.from(hashDriverCode(secret, booking?.id ?? NO_BOOKING, code), 'hex');
  const stored = Buffer.from(booking?.hash ?? NO_HASH, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected) && booking !== undefined;
}

const NO_BOOKING = '00000000-0000-0000-0000-000000000000';
const NO_HASH = '0'.repeat(64);

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
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}
