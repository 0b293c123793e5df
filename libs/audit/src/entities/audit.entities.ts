import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

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
 * by the relay's audit consumer) and staff actions (AuditService.record). The chainer (worker) moves rows from
 * here to `audit_log` one batch at a time, in `id` order; this table is a queue, not the record.
 */
@Entity('audit_pending')
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
 * reordering any row breaks the chain from there on, which GET /audit/verify finds. A trigger refuses UPDATE,
 * DELETE and TRUNCATE to everyone, the table's owner included (migration AuditTrail).
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
