import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import type { DevicePosition } from '@kouan/realtime';

export const DEVICE_POSITIONS: readonly DevicePosition[] = ['holding_entry', 'lane', 'yard_gate'];

/**
 * A gate camera of a port. Its key is stored as SHA-256 (hex) of a 32-byte random key: a key that long needs no
 * slow hash (nobody guesses 2^256), and a fast one lets every read find its device by an index lookup of the hash;
 * argon2 would cost tens of milliseconds of CPU per read at 100 reads a second and could not be looked up by value.
 * A removed device keeps its row (its reads name it) without a key.
 */
@Entity('gate_devices')
@Index('uq_gate_devices_key_hash', ['keyHash'], { unique: true })
@Index('uq_gate_devices_port_name', ['portCode', 'name'], { unique: true, where: `"deleted_at" IS NULL` })
@Index('ix_gate_devices_online', ['lastSeenAt'], { where: `"online"` })
@Check('chk_gate_devices_position', `"position" IN ('holding_entry', 'lane', 'yard_gate')`)
@Check(
  'chk_gate_devices_place',
  `("position" = 'lane') = ("lane_id" IS NOT NULL) AND ("position" = 'holding_entry') = ("area_id" IS NOT NULL)`,
)
@Check('chk_gate_devices_key', `("key_hash" IS NULL) = ("deleted_at" IS NOT NULL)`)
@Check('chk_gate_devices_online', `NOT "online" OR ("last_seen_at" IS NOT NULL AND "deleted_at" IS NULL)`)
export class GateDevice {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_gate_devices' })
  id: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  // Named by entity: gate sits above ports, parking and booking, and loads none of these relations.
  @ManyToOne('Port', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_gate_devices_port' })
  port: Relation<object>;

  @Column({ type: 'varchar', length: 80 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  position: DevicePosition;

  /** The lane a `lane` camera watches. */
  @Column({ name: 'lane_id', type: 'uuid', nullable: true })
  laneId: string | null;

  @ManyToOne('Lane', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lane_id', foreignKeyConstraintName: 'fk_gate_devices_lane' })
  lane: Relation<object>;

  /** The holding area whose entry a `holding_entry` camera watches (its trucks get a bay there first). */
  @Column({ name: 'area_id', type: 'uuid', nullable: true })
  areaId: string | null;

  @ManyToOne('ParkingArea', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'area_id', foreignKeyConstraintName: 'fk_gate_devices_area' })
  area: Relation<object>;

  /** SHA-256 (hex) of the device's key; null once the device is removed. */
  @Column({ name: 'key_hash', type: 'varchar', length: 64, nullable: true })
  keyHash: string | null;

  @Column({ name: 'key_issued_at', type: 'timestamptz' })
  keyIssuedAt: Date;

  /** Its last read or heartbeat (the server's Clock). */
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  /** Heard from within DEVICE_OFFLINE_SECONDS (the worker marks silent ones offline; a read or heartbeat, online). */
  @Column({ type: 'boolean', default: false })
  online: boolean;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  /** When it was registered: the registering statement binds the Clock's instant (no database default). */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
