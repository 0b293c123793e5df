import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** What an entry says, pending or chained: what happened, where and to which booking. */
abstract class AuditFields {
  @Column({ type: 'varchar', length: 48 })
  type: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32, nullable: true })
  portCode: string | null;

  @Column({ name: 'booking_id', type: 'uuid', nullable: true })
  bookingId: string | null;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}

/**
 * What happened, written in the transaction that made it happen and waiting to be chained: booking events (copied
 * by the relay's audit consumer) and staff actions (AuditService.record). The database function audit_chain (called
 * by the worker) moves rows from here to `audit_log` one batch at a time, in `id` order; this table is a queue, not
 * the record. The app's role may only add rows (not choose their id), never change or remove them (migration
 * AuditChainInDatabase); the check keeps out what the chain could not hash as verify does (docs/audit.md).
 */
@Entity('audit_pending')
@Check(
  'chk_audit_pending_chainable',
  `"at" >= '1900-01-01 00:00:00+00' AND "at" < '10000-01-01 00:00:00+00' AND NOT jsonb_path_exists("data", 'strict $.**{32 to last}') AND NOT jsonb_path_exists(COALESCE("actor", 'null'), 'strict $.**{32 to last}')`,
)
export class AuditPending extends AuditFields {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  /** Who: the transaction's actor (kouan_actor()), or null for the system's own rules. */
  @Column({ type: 'jsonb', nullable: true, default: () => 'kouan_actor()' })
  actor: Record<string, string> | null;
}

/**
 * The audit trail: append-only and hash-chained. Row `seq` carries the hash of row `seq - 1` (`prev_hash`) and its
 * own `hash` = SHA-256 of that and a canonical form of the row (audit-chain.ts), so changing, removing or
 * reordering any row breaks the chain from there on, which GET /audit/verify finds. Only audit_chain, running as the
 * owner, appends; a trigger refuses UPDATE, DELETE and TRUNCATE to everyone, the owner included (migration AuditTrail).
 */
@Entity('audit_log')
@Index('ix_audit_log_port_at', ['portCode', 'at'])
@Index('ix_audit_log_at', ['at'])
@Index('ix_audit_log_booking', ['bookingId'])
export class AuditEntry extends AuditFields {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'jsonb', nullable: true })
  actor: Record<string, string> | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
