import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * The two opaque tokens of a password sign-in, signed with keys derived from JWT_SECRET (one per purpose, so
 * neither can pass for the other or for a JWT):
 * - the refresh token `<sid>.<random>.<mac>`: the signature tells a token Kouan issued for that session apart from
 *   a guess, so a validly signed token that is not the session's current one is a spent one (reuse), and only
 *   then is the family revoked; a forged one is just refused.
 * - the device token `<random>.<expires, unix s>.<mac over them and the account's email>`: proof that this browser
 *   signed in to that account before (the OWASP "device cookie"), which lets it past the all-addresses limit.
 */
const b64 = (buf: Buffer) => buf.toString('base64url');
const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PART = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class SignedTokens {
  private readonly refreshKey: Buffer;
  private readonly deviceKey: Buffer;

  constructor(secret: string) {
    this.refreshKey = mac(Buffer.from(secret, 'utf8'), 'kouan refresh token v1');
    this.deviceKey = mac(Buffer.from(secret, 'utf8'), 'kouan device token v1');
  }

  /** A new refresh token of session `sid` (a new session when none is given). */
  refresh(sid: string = randomUUID()): { sid: string; token: string } {
    const body = `${sid}.${b64(randomBytes(32))}`;
    return { sid, token: `${body}.${b64(mac(this.refreshKey, body))}` };
  }

  /** The session id of a refresh token Kouan signed, or null for anything else. */
  refreshSid(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const [sid, random, sig, extra] = token.split('.');
    if (extra !== undefined || !UUID.test(sid ?? '') || !PART.test(random ?? '') || !PART.test(sig ?? '')) return null;
    return sameBytes(Buffer.from(sig, 'base64url'), mac(this.refreshKey, `${sid}.${random}`)) ? sid : null;
  }

  /** A device token for `email` (normalised), valid until `expiresAt`. */
  device(email: string, expiresAt: Date): string {
    const body = `${b64(randomBytes(32))}.${Math.floor(expiresAt.getTime() / 1000)}`;
    return `${body}.${b64(mac(this.deviceKey, `${body}.${email}`))}`;
  }

  /** The random part of a device token Kouan signed for `email` and still valid at `now`, or null. */
  deviceId(token: unknown, email: string, now: Date): string | null {
    if (typeof token !== 'string' || token.length > 200 || !email) return null;
    const [random, exp, sig, extra] = token.split('.');
    if (extra !== undefined || !PART.test(random ?? '') || !/^\d{1,12}$/.test(exp ?? '') || !PART.test(sig ?? ''))
      return null;
    if (Number(exp) * 1000 <= now.getTime()) return null;
    return sameBytes(Buffer.from(sig, 'base64url'), mac(this.deviceKey, `${random}.${exp}.${email}`)) ? random : null;
  }

  /**
   * The cookie a device token of `email` travels in: one per account (a shared browser keeps each account's), named
   * by a keyed hash so the name does not reveal the email.
   */
  deviceCookieName(email: string): string {
    return `kouan_device_${b64(mac(this.deviceKey, `cookie.${email}`)).slice(0, 16)}`;
  }
}
