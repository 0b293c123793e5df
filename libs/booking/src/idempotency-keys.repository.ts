import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { CreatedBookingDto } from './dto/booking.dto';

/** A key claimed before: the request it was claimed for and, once that committed, its answer. */
export interface IdempotencyKeyRow {
  request_hash: string;
  response: CreatedBookingDto | null;
  driver_code_sealed: string | null;
}

/** The statements on `idempotency_keys` (this lib's table; a reissued driver code re-seals one in its own statement). */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Claims the key in the booking's transaction: true when this request holds it now. A racing retry blocks on the
   * uncommitted row until the first request commits (it then gets false) or rolls back (then it claims the key).
   */
  async claim(em: EntityManager, firmId: string, key: string, hash: string, at: Date): Promise<boolean> {
    const claimed = await rows(
      em,
      `INSERT INTO idempotency_keys (firm_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (firm_id, key) DO NOTHING RETURNING 1`,
      [firmId, key, hash, at],
    );
    return claimed.length > 0;
  }

  prior(em: EntityManager, firmId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
    return one<IdempotencyKeyRow>(
      em,
      'SELECT request_hash, response, driver_code_sealed FROM idempotency_keys WHERE firm_id = $1 AND key = $2',
      [firmId, key],
    );
  }

  /** The first answer (without the driver code) and the code sealed, for the replays. */
  async answer(
    em: EntityManager,
    firmId: string,
    key: string,
    response: Omit<CreatedBookingDto, 'driverCode'>,
    sealed: string,
  ): Promise<void> {
    await em.query(
      'UPDATE idempotency_keys SET response = $3, driver_code_sealed = $4 WHERE firm_id = $1 AND key = $2',
      [firmId, key, response, sealed],
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
