import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A firm's `Idempotency-Key` and the answer it got. The row is inserted in the booking's own transaction,
 * so racing retries wait on it and then read the committed answer.
 */
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  key: string;

  /** SHA-256 of the canonical request body. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  /** The first successful answer, without the driver code; null while that first request is in flight. */
  @Column({ type: 'jsonb', nullable: true })
  response: Record<string, unknown> | null;

  /** The driver code of that answer, encrypted (AES-256-GCM): it must be repeatable but never stored in clear. */
  @Column({ name: 'driver_code_sealed', type: 'varchar', length: 120, nullable: true })
  driverCodeSealed: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
