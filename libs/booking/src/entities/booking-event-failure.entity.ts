import { Check, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { OutboxFailureColumns } from '@kouan/common';
import { BookingEvent } from './booking-event.entity';

/** One consumer's failures on one booking event (OutboxFailureColumns says how the relay counts and parks them). */
@Entity('booking_event_failures')
@Unique('uq_booking_event_failures_event_consumer', ['eventSeq', 'consumer'])
@Index('ix_booking_event_failures_parked', ['id'], { where: `"parked_at" IS NOT NULL` })
@Index('ix_booking_event_failures_replay', ['id'], { where: `"replay_requested"` })
@Check('chk_booking_event_failures_attempts', `"attempts" >= 1`)
@Check('chk_booking_event_failures_replay', `NOT "replay_requested" OR "parked_at" IS NOT NULL`)
export class BookingEventFailure extends OutboxFailureColumns {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_booking_event_failures' })
  id: string;

  @ManyToOne(() => BookingEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_seq', foreignKeyConstraintName: 'fk_booking_event_failures_event' })
  event: Relation<BookingEvent>;
}
