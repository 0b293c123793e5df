import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A driver's browser push subscription: where the browser's push service takes messages for the driver's page and
 * the keys they are encrypted to (RFC 8291). One per booking (a new one replaces it); written by the driver through
 * the API, deleted when the booking ends, when the push service says it is gone (404/410), or found stale against
 * the booking's driver code version (a new code ends the old phone's sessions, and its pushes).
 */
@Entity('push_subscriptions')
export class PushSubscription {
  @PrimaryColumn({ name: 'booking_id', type: 'uuid', primaryKeyConstraintName: 'pk_push_subscriptions' })
  bookingId: string;

  @Column({ type: 'varchar', length: 1024 })
  endpoint: string;

  @Column({ type: 'varchar', length: 100 })
  p256dh: string;

  @Column({ type: 'varchar', length: 32 })
  auth: string;

  @Column({ name: 'code_version', type: 'integer' })
  codeVersion: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
