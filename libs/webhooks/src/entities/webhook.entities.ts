import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, Unique } from 'typeorm';
import { Firm } from '@kouan/firms';
import { Port } from '@kouan/ports';

/**
 * A receiver of events: a firm's (its bookings' events) or a port's far side's (its counterpart officers':
 * `counterpart.departure`), never both. Its secret is kept sealed (AES-GCM under the server key): it signs every
 * delivery.
 */
@Entity('webhook_endpoints')
@Index('ix_webhook_endpoints_firm', ['firmId'])
@Index('ix_webhook_endpoints_port', ['portCode'], { where: `"port_code" IS NOT NULL` })
@Check('chk_webhook_endpoints_owner', `("firm_id" IS NULL) <> ("port_code" IS NULL)`)
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'firm_id', type: 'uuid', nullable: true })
  firmId: string | null;

  /** The port whose far side this endpoint is (role counterpart); null for a firm's. */
  @Column({ name: 'port_code', type: 'varchar', length: 32, nullable: true })
  portCode: string | null;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_webhook_endpoints_port' })
  port: Relation<Port> | null;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'fk_webhook_endpoints_firm' })
  firm: Relation<Firm>;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'varchar', length: 32, array: true })
  events: string[];

  @Column({ name: 'secret_sealed', type: 'varchar', length: 200 })
  secretSealed: string;

  /** No default: the instant comes from the caller's Clock, as every time the webhooks lib writes. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Since when every attempt has failed (null after a success). */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  /** Set once it has failed for WEBHOOK_DISABLE_AFTER_SECONDS: nothing more is sent to it. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;
}

/**
 * One event to one endpoint: written by the relay's webhook consumer in the relay's transaction (once per event and
 * endpoint), then tried until delivered or out of attempts. `next_at` is the deadline of the next attempt (and the
 * lease of one in flight). Of one booking's deliveries to one endpoint, only the oldest pending one is tried.
 */
@Entity('webhook_deliveries')
@Unique('uq_webhook_deliveries_event', ['endpointId', 'eventId'])
@Index('ix_webhook_deliveries_due', ['nextAt'], { where: `"status" = 'pending'` })
@Index('ix_webhook_deliveries_booking', ['endpointId', 'bookingId', 'eventSeq'], { where: `"status" = 'pending'` })
@Check('chk_webhook_deliveries_status', `"status" IN ('pending', 'delivered', 'dead')`)
export class WebhookDelivery {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'fk_webhook_deliveries_endpoint' })
  endpoint: Relation<WebhookEndpoint>;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_seq', type: 'bigint' })
  eventSeq: string;

  @Column({ name: 'booking_id', type: 'uuid' })
  bookingId: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  /** The body, serialised once: every attempt sends the same bytes. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: 'pending' | 'delivered' | 'dead';

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_at', type: 'timestamptz' })
  nextAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}

/** The delivery log: every attempt, with the receiver's answer. */
@Entity('webhook_attempts')
@Index('ix_webhook_attempts_endpoint', ['endpointId', 'id'])
@Check(
  'chk_webhook_attempts_error',
  `"error" IS NULL OR "error" IN ('timeout', 'connection_failed') OR "error" ~ '^http_[0-9]{3}$'`,
)
export class WebhookAttempt {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'delivery_id', type: 'bigint' })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'fk_webhook_attempts_delivery' })
  delivery: Relation<WebhookDelivery>;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @Column({ type: 'integer' })
  attempt: number;

  /** The receiver's HTTP status; null when there was none (refused, timed out). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  /**
   * Why it failed: `http_<status>`, `timeout` or `connection_failed`, never more (an errno or a TLS message would
   * tell a firm what lies behind an address); null when delivered.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ name: 'at', type: 'timestamptz' })
  at: Date;
}
