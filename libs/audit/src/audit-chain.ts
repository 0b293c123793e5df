import { createHash } from 'node:crypto';

/** The `prev_hash` of the first row. */
export const GENESIS = '0'.repeat(64);

/** One row of the chain as it is hashed: everything it records, its place included. */
export interface ChainedRow {
  seq: number;
  /** Milliseconds since the epoch (the row is stored at millisecond precision, so it reads back the same). */
  at: number;
  type: string;
  actor: Record<string, string> | null;
  portCode: string | null;
  bookingId: string | null;
  data: unknown;
}

/**
 * JSON with object keys sorted at every depth and no spaces: the same row always gives the same text, whatever
 * order Postgres (jsonb) or the writer put its keys in.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** hash(row) = SHA-256(prev_hash, "\n", canonical(row)), hex. */
export function chainHash(prevHash: string, r: ChainedRow): string {
  // The fields named one by one: a stored row also carries its hashes, which must not hash themselves.
  const row = {
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    type: r.type,
    actor: r.actor,
    portCode: r.portCode,
    bookingId: r.bookingId,
    data: r.data,
  };
  return createHash('sha256')
    .update(`${prevHash}\n${canonical(row)}`)
    .digest('hex');
}

/** A stored row as verify reads it. */
export interface StoredRow extends ChainedRow {
  prevHash: string;
  hash: string;
}

export interface ChainCheck {
  checked: number;
  /**
   * The first place (seq) that does not hold the row the chain expects: an edited or reordered row's own seq, or a
   * removed row's; null while all agree.
   */
  firstBadSeq: number | null;
  /** The last good row's hash (publish it elsewhere to detect a cut-off tail). */
  headSeq: number;
  headHash: string;
}

/**
 * Walks rows in `seq` order, page after page, carrying the state: each row must come right after the previous
 * one (seq + 1, so a removed row shows), link to its hash, and hash to what it stores (so an edited row shows).
 */
export class ChainVerifier {
  private state: ChainCheck;

  /** From the start of the chain, or from a place whose row is known to link to `start.headHash`. */
  constructor(start: { headSeq: number; headHash: string } = { headSeq: 0, headHash: GENESIS }) {
    this.state = { checked: 0, firstBadSeq: null, ...start };
  }

  /** Feeds the next rows; false once a bad row was found (reading further is pointless). */
  feed(rows: StoredRow[]): boolean {
    for (const r of rows) {
      if (this.state.firstBadSeq !== null) return false;
      this.state.checked += 1;
      const ok =
        r.seq === this.state.headSeq + 1 && r.prevHash === this.state.headHash && chainHash(r.prevHash, r) === r.hash;
      if (!ok) {
        this.state.firstBadSeq = this.state.headSeq + 1;
        return false;
      }
      this.state.headSeq = r.seq;
      this.state.headHash = r.hash;
    }
    return true;
  }

  get result(): ChainCheck {
    return { ...this.state };
  }
}
