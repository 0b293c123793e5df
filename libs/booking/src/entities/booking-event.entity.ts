import { Column, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { BookingEventData, BookingEventType } from '../booking-events';

/**
 * The outbox: one row per booking event, written by the statement that makes the change (same transaction), so a
 * change and its announcement commit or roll back together. The relay (apps/worker) hands rows to the consumers
 * in `seq` order and stamps `relayed_at`; two events of one booking are always in their order, because each
 * change locks the booking's row. Rows are kept (the firm's history and the webhook log point at them).
 */
@Entity('booking_events')
@Index('uq_booking_events_id', ['id'], { unique: true })
@Index('ix_booking_events_unrelayed', ['seq'], { where: `"relayed_at" IS NULL` })
@Index('ix_booking_events_booking', ['bookingId', 'seq'])
// The far side's departures feed: a port's completions in seq order (docs/counterpart.md).
@Index('ix_booking_events_completed', ['portCode', 'seq'], { where: `"type" = 'booking.completed'` })
export class BookingEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq: string;

  @Column({ type: 'uuid' })
  @Generated('uuid')
  id: string;

  @Column({ type: 'varchar', length: 32 })
  type: BookingEventType;

  @Column({ name: 'booking_id', type: 'uuid' })
  bookingId: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'jsonb' })
  data: BookingEventData;

  /**
   * Who made the change ({id, role, port?, firm?}), from the transaction's `kouan.actor` (set per request by
   * inTransaction); null for the worker's rules over time. Read by the audit trail, never sent to webhooks.
   */
  @Column({ type: 'jsonb', nullable: true, default: () => 'kouan_actor()' })
  actor: Record<string, string> | null;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt: Date | null;
}
