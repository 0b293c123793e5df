import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Port } from '@kouan/ports';

/**
 * Where the link of one of our ports with the far side's Kouan (COUNTERPART_LINKS) stands: the departures cursor it
 * pulls from, what it last pushed as acceptance per their date and as their status of us (so it pushes only a change),
 * and its last success and failure. A row belongs to one remote (their port's URL): pairing the port with another resets it.
 */
@Entity('counterpart_links')
export class CounterpartLinkState {
  @PrimaryColumn({ name: 'port_code', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_counterpart_links' })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_counterpart_links_port' })
  port: Relation<Port>;

  /** Their port's URL (`https://<host>/api/v1/ports/<code>`), never the credential. */
  @Column({ type: 'varchar', length: 300 })
  remote: string;

  /** Their departures' `next` cursor: the next pull asks `after` it (null: from the start). */
  @Column({ name: 'departures_cursor', type: 'varchar', length: 200, nullable: true })
  departuresCursor: string | null;

  /** Their local date → the windows last pushed for it (JSON text), to push only what changed. */
  @Column({ type: 'jsonb', default: {} })
  pushed: Record<string, string>;

  /** The status our incidents last gave their side (JSON text of what was posted); null: none posted yet. */
  @Column({ name: 'pushed_status', type: 'varchar', length: 1000, nullable: true })
  pushedStatus: string | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  @Column({ name: 'last_failure_at', type: 'timestamptz', nullable: true })
  lastFailureAt: Date | null;

  /** Failed runs since the last success. */
  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  /** A run holds the link until then (one run at a time, across workers); released when it ends. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
