import type { IncomingMessage } from 'node:http';

/** Deepest nesting of objects and arrays any JSON body (or socket.io event argument) may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests objects or arrays deeper than `max`, found by scanning it from `from` on (no parse, no
 * recursion, stops at the first level too deep). `text` is either decoded text or UTF-8 bytes: every byte of a
 * multi-byte UTF-8 character is ≥ 0x80, and a UTF-8 decoder never folds an ASCII byte into another character
 * (an invalid sequence becomes U+FFFD and the ASCII byte after it stays itself), so the bytes give the same answer
 * as the text JSON.parse reads. Bytes in any other encoding do not (in UTF-16 a CJK character may hold a `"`).
 */
export function nestsDeeperThan(text: string | Uint8Array, max: number, from = 0): boolean {
  const code = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = from; i < text.length; i++) {
    const c = code(i);
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

/** An error body-parser passes on with its own status (http-errors' shape), which Nest answers in the contract's body. */
const refusal = (status: number, type: string, message: string) =>
  Object.assign(new Error(message), { status, statusCode: status, expose: true, type });

/**
 * body-parser's `verify` hook. It runs on the body as body-parser will parse it: inflated (gzip, deflate, br)
 * and within the limit, which body-parser applies to the inflated size, and with the charset body-parser will
 * decode it with (none given means UTF-8). JSON is accepted only as UTF-8 (RFC 8259: JSON exchanged between
 * systems is UTF-8), which is what makes the byte scan exact: another charset → 415. Then a body nested deeper
 * than MAX_JSON_DEPTH → 400, before JSON.parse builds a single object.
 */
export function verifyJsonBody(_req: IncomingMessage, _res: unknown, raw: Buffer, encoding: string | null): void {
  if (encoding !== 'utf-8') {
    throw refusal(415, 'charset.unsupported', `JSON bodies must be UTF-8; charset "${encoding ?? ''}" is not accepted`);
  }
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw refusal(400, 'entity.too.deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
}
