import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether a request may read /metrics: always without a token configured, else only with `Bearer <token>`.
 * Compared as SHA-256 digests with timingSafeEqual: equal lengths, and the time does not tell how much matched.
 */
export function metricsAnswer(token: string | undefined, authorization: string | undefined): 'ok' | 'unauthorized' {
  if (token === undefined) return 'ok';
  const given = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) ? 'ok' : 'unauthorized';
}
