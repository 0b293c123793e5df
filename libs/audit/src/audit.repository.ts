import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { StoredRow } from './audit-chain';

/** A staff action to record: its time and actor are the transaction's (now(), kouan_actor()). */
export interface AuditRecord {
  type: string;
  portCode: string | null;
  bookingId?: string | null;
  data: Record<string, unknown>;
}

export interface PendingRow {
  id: string;
  at: Date;
  type: string;
  actor: Record<string, string> | null;
  port_code: string | null;
  booking_id: string | null;
  data: Record<string, unknown>;
}

interface LogRow extends Omit<PendingRow, 'id'> {
  seq: string;
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

/** One chainer at a time across every worker: the chain has one writer. */
const CHAIN_LOCK = "hashtext('kouan:audit-chain')";

export const toStored = (r: LogRow): StoredRow & { seqText: string } => ({
  seq: Number(r.seq), seqText: r.seq, at: r.at.getTime(), type: r.type, actor: r.actor, portCode: r.port_code, bookingId: r.booking_id,
  data: r.data, prevHash: r.prev_hash, hash: r.hash,
});

/** The audit's two tables (this lib owns them): the pending queue and the append-only chain. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Queues an entry in the caller's transaction: it is recorded if and only if that commits. */
  async enqueue(em: EntityManager, e: AuditRecord): Promise<void> {
    await em.query('INSERT INTO audit_pending (type, port_code, booking_id, data) VALUES ($1, $2, $3, $4)', [e.type, e.portCode, e.bookingId ?? null, e.data]);
  }

  /**
   * Queues the rows of `select` (columns at, type, actor, port_code, booking_id, data; parameters `params`) in the
   * caller's transaction, in one statement: another lib's records, read where they are.
   */
  async enqueueSelected(em: EntityManager, select: string, params: unknown[]): Promise<void> {
    await em.query(`INSERT INTO audit_pending (at, type, actor, port_code, booking_id, data) SELECT at, type, actor, port_code, booking_id, data FROM (${select}) r`, params);
  }

  /** The chain's lock for this transaction, if no other chainer holds it (false: it does, try later). */
  async lockChain(em: EntityManager): Promise<boolean> {
    const locked = await one<{ ok: boolean }>(em, `SELECT pg_try_advisory_xact_lock(${CHAIN_LOCK}) AS ok`);
    return locked?.ok === true;
  }

  /** Takes the oldest pending entries out, locked for this transaction (their chaining commits with it). */
  async drain(em: EntityManager, limit: number): Promise<PendingRow[]> {
    const taken = await rows<PendingRow>(
      em,
      `DELETE FROM audit_pending WHERE id IN (SELECT id FROM audit_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, at, type, actor, port_code, booking_id, data`,
      [limit],
    );
    return taken.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  }

  head(em: EntityManager): Promise<{ seq: string; hash: string } | undefined> {
    return one(em, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  }

  async append(em: EntityManager, chained: StoredRow[]): Promise<void> {
    await em.query(
      `INSERT INTO audit_log (${COLUMNS})
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::varchar[], $4::jsonb[], $5::varchar[], $6::uuid[], $7::jsonb[], $8::char(64)[], $9::char(64)[])`,
      [
        chained.map((r) => r.seq), chained.map((r) => new Date(r.at)), chained.map((r) => r.type),
        chained.map((r) => (r.actor ? JSON.stringify(r.actor) : null)), chained.map((r) => r.portCode), chained.map((r) => r.bookingId),
        chained.map((r) => JSON.stringify(r.data)), chained.map((r) => r.prevHash), chained.map((r) => r.hash),
      ],
    );
  }

  /** Rows of the chain after `afterSeq`, in order: what verify walks. */
  async chainPage(afterSeq: string, limit: number): Promise<ReturnType<typeof toStored>[]> {
    const found = await rows<LogRow>(this.ds, `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
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
