import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { DriverNotification } from '../notification';

/**
 * One notification of one event on one channel: written by the relay's notify consumer in the relay's transaction
 * (once), then sent by the worker until it goes through or runs out of attempts. `next_at` is the deadline of the
 * next try (and the lease of one in flight).
 */
@Entity('notifications')
@Unique('uq_notifications_event_channel', ['eventId', 'channel'])
@Index('ix_notifications_due', ['nextAt'], { where: `"status" = 'pending'` })
@Check('chk_notifications_status', `"status" IN ('pending', 'sent', 'dead')`)
export class Notification {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ name: 'booking_id', type: 'uuid' })
  bookingId: string;

  @Column({ type: 'jsonb' })
  payload: DriverNotification;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: 'pending' | 'sent' | 'dead';

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_at', type: 'timestamptz', default: () => 'now()' })
  nextAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
