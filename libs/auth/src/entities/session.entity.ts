import type { User } from './user.entity';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';

/**
 * A sign-in of a staff, yard, firm, admin or regulator user: one refresh-token family. Only the hash of the one
 * refresh token that may be spent next is kept; rotating it is one conditional UPDATE (libs/auth sessions.repository).
 * Access tokens carry the id as `sid`, so ending the session ends them too (docs/operations.md, "Sessions").
 */
@Entity('sessions')
@Index('ix_sessions_user_live', ['userId'], { where: '"revoked_at" IS NULL' })
@Index('ix_sessions_revoked_at', ['revokedAt'], { where: '"revoked_at" IS NOT NULL' })
@Check('chk_sessions_revoked', `("revoked_at" IS NULL) = ("revoked_reason" IS NULL)`)
@Check('chk_sessions_reason', `"revoked_reason" IN ('logout', 'reuse', 'password_changed', 'disabled')`)
export class Session {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sessions_user' })
  user: Relation<User>;

  /** SHA-256 (hex) of the refresh token that may be spent next; the spent ones are recognised by their signature. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** The last sign-in or refresh: the family dies SESSION_IDLE_SECONDS after it. */
  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt: Date;

  /** created_at + SESSION_MAX_SECONDS, however often it is renewed. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'int', default: 0 })
  rotations: number;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 20, nullable: true })
  revokedReason: 'logout' | 'reuse' | 'password_changed' | 'disabled' | null;
}
