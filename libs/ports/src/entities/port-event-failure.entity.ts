import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { StoredPortEvent } from './port-event.entity';

/**
 * One consumer's failures on one port event, counted by the relay as booking_event_failures counts them for
 * booking events: at OUTBOX_MAX_ATTEMPTS the event is parked for that consumer (`parked_at`: a dead letter), a port
 * admin may ask for a replay (`replay_requested`), rows of events relayed without being parked go with the mark.
 */
@Entity('port_event_failures')
@Unique('uq_port_event_failures_event_consumer', ['eventSeq', 'consumer'])
@Index('ix_port_event_failures_parked', ['id'], { where: `"parked_at" IS NOT NULL` })
@Index('ix_port_event_failures_replay', ['id'], { where: `"replay_requested"` })
@Check('chk_port_event_failures_attempts', `"attempts" >= 1`)
@Check('chk_port_event_failures_replay', `NOT "replay_requested" OR "parked_at" IS NOT NULL`)
export class PortEventFailure {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_port_event_failures' })
  id: string;

  @Column({ name: 'event_seq', type: 'bigint' })
  eventSeq: string;

  @ManyToOne(() => StoredPortEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_seq', foreignKeyConstraintName: 'fk_port_event_failures_event' })
  event: Relation<StoredPortEvent>;

  /** The consumer's name (`@ConsumesPortEvents(name)`). */
  @Column({ type: 'varchar', length: 64 })
  consumer: string;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500 })
  lastError: string;

  @Column({ name: 'failed_at', type: 'timestamptz' })
  failedAt: Date;

  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;

  @Column({ name: 'replay_requested', type: 'boolean', default: false })
  replayRequested: boolean;
}
