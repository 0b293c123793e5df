import { Check, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { OutboxFailureColumns } from '@kouan/common';
import { StoredPortEvent } from './port-event.entity';

/** One consumer's failures on one port event (OutboxFailureColumns says how the relay counts and parks them). */
@Entity('port_event_failures')
@Unique('uq_port_event_failures_event_consumer', ['eventSeq', 'consumer'])
@Index('ix_port_event_failures_parked', ['id'], { where: `"parked_at" IS NOT NULL` })
@Index('ix_port_event_failures_replay', ['id'], { where: `"replay_requested"` })
@Check('chk_port_event_failures_attempts', `"attempts" >= 1`)
@Check('chk_port_event_failures_replay', `NOT "replay_requested" OR "parked_at" IS NOT NULL`)
export class PortEventFailure extends OutboxFailureColumns {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_port_event_failures' })
  id: string;

  @ManyToOne(() => StoredPortEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_seq', foreignKeyConstraintName: 'fk_port_event_failures_event' })
  event: Relation<StoredPortEvent>;
}
