import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { CreatedBookingDto } from './dto/booking.dto';

/** A key claimed before: the request it was claimed for and, once that committed, its answer. */
export interface IdempotencyKeyRow {
  request_hash: string;
  response: CreatedBookingDto | null;
  driver_code_sealed: string | null;
}

/** A request's Idempotency-Key with its body's hash and the driver code sealed, for the replays. */
export interface KeyClaim {
  key: string;
  hash: string;
  sealed: string;
}

/**
 * Claims a key for a firm together with the first answer (`b`: the booking statement's new row; the driver code
 * sealed, for the replays), as a CTE `claimed` of the booking's own statement (SQL expressions for the firm, key,
 * hash, sealed code and instant). A racing request with the same key waits on the uncommitted row, then finds it
 * taken (KEY_TAKEN aborts its statement: its place and row go with it) or claims it (the first one failed).
 */
export const CLAIM_KEY = (firm: string, key: string, hash: string, sealed: string, at: string) => `claimed AS (
    INSERT INTO idempotency_keys (firm_id, key, request_hash, created_at, response, driver_code_sealed)
    SELECT ${firm}, ${key}, ${hash}, ${at},
           jsonb_build_object('id', b.id, 'reference', b.reference, 'status', 'booked', 'slotId', b.slot_id), ${sealed}
    FROM b
    ON CONFLICT (firm_id, key) DO NOTHING RETURNING 1
  )`;

/** In the booking statement's report: aborts it when a booking was made but its key was claimed before. */
export const KEY_TAKEN = `CASE WHEN EXISTS (SELECT 1 FROM b) AND NOT EXISTS (SELECT 1 FROM claimed)
                              THEN kouan_refuse('idempotency_key_taken') END AS key_taken`;

/** The statements on `idempotency_keys` (this lib's table; a reissued driver code re-seals one in its own statement). */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  prior(firmId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
    return one<IdempotencyKeyRow>(
      this.ds,
      'SELECT request_hash, response, driver_code_sealed FROM idempotency_keys WHERE firm_id = $1 AND key = $2',
      [firmId, key],
    );
  }

  /** Deletes up to `batch` keys claimed more than `keepHours` before `at`; how many went. */
  async purge(keepHours: number, at: Date, batch: number): Promise<number> {
    const gone = await rows(
      this.ds,
      `DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM idempotency_keys WHERE created_at < $2::timestamptz - make_interval(hours => $1) LIMIT $3))
       RETURNING 1`,
      [keepHours, at, batch],
    );
    return gone.length;
  }
}
