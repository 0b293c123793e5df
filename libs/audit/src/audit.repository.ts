import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { StoredRow } from './audit-chain';

/** A staff action to record: its actor is the transaction's (kouan_actor()). */
export interface AuditRecord {
  type: string;
  portCode: string | null;
  bookingId?: string | null;
  /** When it happened: the instant of the caller's operation (its Clock); AuditService's Clock when left out. */
  at?: Date;
  data: Record<string, unknown>;
}

interface LogRow {
  seq: string;
  at: Date;
  type: string;
  actor: Record<string, string> | null;
  port_code: string | null;
  booking_id: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  port?: string;
  /** Local days (YYYY-MM-DD, both included), in the port's time zone, or China's without a port. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const COLUMNS = 'seq, at, type, actor, port_code, booking_id, data, prev_hash, hash';

export const toStored = (r: LogRow): StoredRow & { seqText: string } => ({
  seq: Number(r.seq),
  seqText: r.seq,
  at: r.at.getTime(),
  type: r.type,
  actor: r.actor,
  portCode: r.port_code,
  bookingId: r.booking_id,
  data: r.data,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The audit's two tables (this lib owns them): the pending queue and the append-only chain. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Queues an entry in the caller's transaction: it is recorded if and only if that commits. */
  async enqueue(em: EntityManager, e: AuditRecord & { at: Date }): Promise<void> {
    await em.query('INSERT INTO audit_pending (at, type, port_code, booking_id, data) VALUES ($1, $2, $3, $4, $5)', [
      e.at,
      e.type,
      e.portCode,
      e.bookingId ?? null,
      e.data,
    ]);
  }

  /**
   * Queues the rows of `select` (columns at, type, actor, port_code, booking_id, data; parameters `params`) in the
   * caller's transaction, in one statement: another lib's records, read where they are.
   */
  async enqueueSelected(em: EntityManager, select: string, params: unknown[]): Promise<void> {
    await em.query(
      `INSERT INTO audit_pending (at, type, actor, port_code, booking_id, data) SELECT at, type, actor, port_code, booking_id, data FROM (${select}) r`,
      params,
    );
  }

  /**
   * Appends up to `batch` of the oldest pending entries to the chain: the database function audit_chain does it
   * under the chain's lock, as the tables' owner (migration AuditChainInDatabase). 0 when another chainer holds
   * the lock or nothing is pending.
   */
  async chain(batch: number): Promise<number> {
    const done = await one<{ n: number }>(this.ds, 'SELECT audit_chain($1) AS n', [batch]);
    return done?.n ?? 0;
  }

  /** Rows of the chain after `afterSeq`, in order: what verify walks. */
  async chainPage(afterSeq: string, limit: number): Promise<ReturnType<typeof toStored>[]> {
    const found = await rows<LogRow>(this.ds, `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      afterSeq,
      limit,
    ]);
    return found.map(toStored);
  }

  async list(f: AuditFilter): Promise<ReturnType<typeof toStored>[]> {
    const found = await rows<LogRow>(
      this.ds,
      `WITH tz AS (SELECT COALESCE((SELECT time_zone FROM ports WHERE code = $1), 'Asia/Shanghai') AS zone)
       SELECT ${COLUMNS} FROM audit_log, tz
       WHERE ($1::varchar IS NULL OR port_code = $1)
         AND ($2::date IS NULL OR at >= ($2::date::timestamp AT TIME ZONE tz.zone))
         AND ($3::date IS NULL OR at < (($3::date + 1)::timestamp AT TIME ZONE tz.zone))
       ORDER BY seq LIMIT $4 OFFSET $5`,
      [f.port ?? null, f.from ?? null, f.to ?? null, f.limit, f.offset],
    );
    return found.map(toStored);
  }
}
