import { createHash, randomBytes } from 'node:crypto';

/**
 * A device key: 32 random bytes (base64url) behind a prefix that says what it is. Shown once; only its hash is
 * stored (`hashDeviceKey`).
 */
export const newDeviceKey = (): string => `kgd_${randomBytes(32).toString('base64url')}`;

/**
 * SHA-256 (hex) of a key. Enough for 256 random bits, and fast: every read looks its device up by this hash through
 * a unique index, at 100 reads a second (a password hash such as argon2 would cost tens of milliseconds of CPU per
 * read and, salted, could not be looked up by value).
 */
export const hashDeviceKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The key of an `Authorization: Device <key>` header, if that is what it is. */
export const deviceKeyOf = (header: unknown): string | undefined => {
  const m = /^Device\s+(\S{1,200})$/i.exec(typeof header === 'string' ? header : '');
  return m?.[1];
};
