import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import type { Direction } from '@kouan/ports';
import { Port } from '@kouan/ports';

/**
 * One row per port and direction. Every change to that queue updates this row first, so its row lock
 * serialises queue changes (two staff calling at once take turns) and `version` grows by one per change.
 */
@Entity('queue_state')
@Check('chk_queue_state_direction', `"direction" IN ('export', 'import')`)
export class QueueState {
  @PrimaryColumn({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_queue_state_port' })
  port: Relation<Port>;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  direction: Direction;

  @Column({ type: 'bigint', default: 0 })
  version: string;

  /** Regular trucks called since the last green-channel truck: decides when the next one may go. */
  @Column({ name: 'regular_since_priority', type: 'integer', default: 0 })
  regularSincePriority: number;
}
