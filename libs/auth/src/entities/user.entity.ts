import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Relation,
} from 'typeorm';

export const USER_ROLES = [
  'port_admin',
  'port_staff',
  'yard_staff',
  'regulator',
  'firm_admin',
  'dispatcher',
  'counterpart',
] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type Role = UserRole | 'driver';

/**
 * A person (or a system) that logs in with email and password. Drivers log in with their booking instead. A
 * `counterpart` account is the far side of one port's border (its officer, or its system signing in the same way).
 */
@Entity('users')
@Index('uq_users_email', ['email'], { unique: true })
@Check(
  'chk_users_role',
  `"role" IN ('port_admin', 'port_staff', 'yard_staff', 'regulator', 'firm_admin', 'dispatcher', 'counterpart')`,
)
@Check(
  'chk_users_scope',
  `("role" IN ('firm_admin', 'dispatcher')) = ("firm_id" IS NOT NULL) AND ("role" IN ('port_staff', 'yard_staff', 'counterpart')) = ("port_code" IS NOT NULL)`,
)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: UserRole;

  @Column({ name: 'firm_id', type: 'uuid', nullable: true })
  firmId: string | null;

  // The foreign keys to firms and ports name the entity, not its class: auth sits below both libs (they use its
  // guard and principal), so it imports neither. Nothing loads these relations; the ids beside them are what is read.
  @ManyToOne('Firm', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'fk_users_firm' })
  firm: Relation<object> | null;

  @Column({ name: 'port_code', type: 'varchar', length: 32, nullable: true })
  portCode: string | null;

  @ManyToOne('Port', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_users_port' })
  port: Relation<object> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set while the account is disabled: it cannot sign in, and disabling it ended its sessions. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}
