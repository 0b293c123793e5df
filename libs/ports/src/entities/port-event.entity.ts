import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PortEventData, PortEventType } from '../port-events';

/**
 * The port's outbox: one row per change to a port that others hear of (a lane's status, its schedule, its fees, a
 * slot's count, a queue's delta), written in the change's transaction through PortEvents, so a change and its
 * announcement commit or roll back together. The relay (apps/worker) hands rows to the port-event consumers in
 * `seq` order and stamps `relayed_at`. booking_events is the booking's outbox (booking and firm required); this one
 * has no booking.
 */
@Entity('port_events')
@Index('ix_port_events_unrelayed', ['seq'], { where: `"relayed_at" IS NULL` })
export class StoredPortEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_port_events' })
  seq: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  /** The direction the change concerns (a lane's, a slot's, a queue's); null for the whole port (fees, schedule). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  direction: string | null;

  @Column({ type: 'varchar', length: 32 })
  type: PortEventType;

  @Column({ type: 'jsonb' })
  data: PortEventData;

  /** Who made the change ({id, role, port?}), from the transaction's `kouan.actor`; null for the worker's rules. */
  @Column({ type: 'jsonb', nullable: true })
  actor: Record<string, string> | null;

  /** The instant of the change's operation, by the Clock of the process that made it. */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt: Date | null;
}
