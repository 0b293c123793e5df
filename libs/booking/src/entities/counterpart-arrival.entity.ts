import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { Port } from '@kouan/ports';

/**
 * A truck the far side says left towards our port (`POST /ports/:code/counterpart/arrivals`): "on the way" until a
 * booking of our import direction with its plate checks in after it left (judged by a join on every read, so an
 * announcement that comes after the check-in is never shown), and for at most ON_THE_WAY_HOURS after it left.
 * Announced again with the same plate and departure, it is the same truck (the unique key): nothing changes.
 */
@Entity('counterpart_arrivals')
@Unique('uq_counterpart_arrivals_truck', ['portCode', 'plate', 'departedAt'])
@Index('ix_counterpart_arrivals_port_departed', ['portCode', 'departedAt'])
export class CounterpartArrival {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_counterpart_arrivals' })
  id: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_counterpart_arrivals_port' })
  port: Relation<Port>;

  /** Normalised as vehicles' plates are (libs/common plate.ts), so the check-in's plate finds it. */
  @Column({ type: 'varchar', length: 15 })
  plate: string;

  @Column({ name: 'trailer_plate', type: 'varchar', length: 15, nullable: true })
  trailerPlate: string | null;

  @Column({ name: 'firm_name', type: 'varchar', length: 200, nullable: true })
  firmName: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  cargo: string | null;

  @Column({ name: 'declaration_no', type: 'varchar', length: 40, nullable: true })
  declarationNo: string | null;

  @Column({ name: 'departed_at', type: 'timestamptz' })
  departedAt: Date;

  /** When we first heard of it (the Clock's instant of the POST); no default, as every stamp. */
  @Column({ name: 'announced_at', type: 'timestamptz' })
  announcedAt: Date;
}
