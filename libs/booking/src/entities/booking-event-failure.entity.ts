import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { BookingEvent } from './booking-event.entity';

/**
 * One consumer's failures on one outbox event, counted by the relay (apps/worker/src/outbox-relay.ts). Below
 * OUTBOX_MAX_ATTEMPTS the event waits and is tried again; at it the event is parked for that consumer (`parked_at`:
 * a dead letter) and relayed to the others. A port admin may ask for a replay (`replay_requested`): the relay hands
 * the event to that consumer again and deletes the row when it took it. Rows of events relayed without being parked
 * are deleted with the mark.
 */
@Entity('booking_event_failures')
@Unique('uq_booking_event_failures_event_consumer', ['eventSeq', 'consumer'])
@Index('ix_booking_event_failures_parked', ['id'], { where: `"parked_at" IS NOT NULL` })
@Index('ix_booking_event_failures_replay', ['id'], { where: `"replay_requested"` })
@Check('chk_booking_event_failures_attempts', `"attempts" >= 1`)
@Check('chk_booking_event_failures_replay', `NOT "replay_requested" OR "parked_at" IS NOT NULL`)
export class BookingEventFailure {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_booking_event_failures' })
  id: string;

  @Column({ name: 'event_seq', type: 'bigint' })
  eventSeq: string;

  @ManyToOne(() => BookingEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_seq', foreignKeyConstraintName: 'fk_booking_event_failures_event' })
  event: Relation<BookingEvent>;

  /** The consumer's name (`@ConsumesBookingEvents(name)`). */
  @Column({ type: 'varchar', length: 64 })
  consumer: string;

  @Column({ type: 'integer' })
  attempts: number;

  /** The last failure's message (for the port admin; cut to 500 characters). */
  @Column({ name: 'last_error', type: 'varchar', length: 500 })
  lastError: string;

  @Column({ name: 'failed_at', type: 'timestamptz' })
  failedAt: Date;

  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;

  @Column({ name: 'replay_requested', type: 'boolean', default: false })
  replayRequested: boolean;
}
