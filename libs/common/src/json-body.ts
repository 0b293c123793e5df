import type { IncomingMessage } from 'node:http';

/** Deepest nesting of objects and arrays any JSON body may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests objects or arrays deeper than `max`, found by scanning the raw bytes (no parse, no
 * recursion, stops at the first level too deep). Bytes of multi-byte UTF-8 characters are all ≥ 0x80, so they
 * can never be taken for a bracket or a quote.
 */
export function nestsDeeperThan(raw: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const c of raw) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** body-parser's `verify` hook: refuses a too-deep body with 400 before JSON.parse builds a single object. */
export function verifyJsonDepth(_req: IncomingMessage, _res: unknown, raw: Buffer): void {
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), {
      status: 400, statusCode: 400, expose: true, type: 'entity.too.deep',
    });
  }
}
