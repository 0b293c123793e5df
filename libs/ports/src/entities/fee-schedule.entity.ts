import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Port } from './port.entity';

/** How an item's amount is charged: once per truck, or per tonne of its cargo. */
export const FEE_UNITS = ['per_truck', 'per_tonne'] as const;
export type FeeUnit = (typeof FEE_UNITS)[number];

export interface FeeItem {
  code: string;
  /** The item's name by language: zh and en always, the neighbour's language where given. */
  name: Record<string, string>;
  amount: number;
  unit: FeeUnit;
}

/**
 * A port's published fees, versioned: a new version takes effect on its date (the port's local day) and never
 * changes; the history stays. A booking is charged by the version in force on its slot's day.
 */
@Entity('port_fees')
@Check('chk_port_fees_currency', `"currency" ~ '^[A-Z]{3}$'`)
export class PortFeeSchedule {
  @PrimaryColumn({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_port_fees_port' })
  port: Relation<Port>;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'jsonb' })
  items: FeeItem[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
