import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Port } from './port.entity';

export const COUNTERPART_STATUSES = ['open', 'slowed', 'closed'] as const;
export type CounterpartStatusValue = (typeof COUNTERPART_STATUSES)[number];

/** One window of a day the far side takes our export trucks in: local clocks "HH:MM" (to up to "24:00"). */
export interface AcceptanceWindow {
  from: string;
  to: string;
  trucks: number;
}

/**
 * What the far side of a port's border says of itself (its officer or its system, role `counterpart`, or the port
 * admin): open, slowed or closed, why (a text, and by language where given) and until when. A port without a row is
 * open. Past `until` the status reads as open (judged at the Clock, no job rewrites the row).
 */
@Entity('counterpart_status')
@Check('chk_counterpart_status_status', `"status" IN ('open', 'slowed', 'closed')`)
export class CounterpartStatus {
  @PrimaryColumn({ name: 'port_code', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_counterpart_status' })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_counterpart_status_port' })
  port: Relation<Port>;

  @Column({ type: 'varchar', length: 8 })
  status: CounterpartStatusValue;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  /** The reason by language (zh, en, lo, vi, my, th) where the far side gave it; `reason` in the others. */
  @Column({ type: 'jsonb', default: {} })
  reasons: Record<string, string>;

  @Column({ type: 'timestamptz', nullable: true })
  until: Date | null;

  /** The account that said it (a counterpart officer or a port admin). */
  @Column({ name: 'set_by', type: 'uuid' })
  setBy: string;

  @Column({ name: 'set_at', type: 'timestamptz' })
  setAt: Date;
}

/**
 * How many of the port's export trucks the far side takes per window on one local date. Each export slot starting in
 * a window takes at most its share of the window's trucks (slots.accepted); a new statement for the date replaces it.
 */
@Entity('counterpart_acceptance')
export class CounterpartAcceptance {
  @PrimaryColumn({
    name: 'port_code',
    type: 'varchar',
    length: 32,
    primaryKeyConstraintName: 'pk_counterpart_acceptance',
  })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_counterpart_acceptance_port' })
  port: Relation<Port>;

  /** The port's local date. */
  @PrimaryColumn({ name: 'service_date', type: 'date', primaryKeyConstraintName: 'pk_counterpart_acceptance' })
  serviceDate: string;

  @Column({ type: 'jsonb' })
  windows: AcceptanceWindow[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'set_by', type: 'uuid' })
  setBy: string;

  @Column({ name: 'set_at', type: 'timestamptz' })
  setAt: Date;
}
