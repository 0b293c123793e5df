import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { GATE_OUTCOMES, type GateOutcome } from '@kouan/realtime';
import { GateDevice } from './gate-device.entity';

/** Reads staff may still confirm (check the truck in) or dismiss from the lane console. */
export const OPEN_OUTCOMES: readonly GateOutcome[] = ['unmatched', 'ambiguous', 'low_confidence'];

export type GateResolution = 'checked_in' | 'dismissed';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * Every plate a gate camera read, with what it did (kept 30 days: PurgeGateReadsJob). Written in the transaction of
 * its effect, under its device's row lock (which makes the duplicate rule exact).
 */
@Entity('gate_reads')
@Index('ix_gate_reads_device_plate', ['deviceId', 'plate', 'receivedAt'])
@Index('ix_gate_reads_device_received', ['deviceId', 'receivedAt'])
@Index('ix_gate_reads_port_received', ['portCode', 'receivedAt', 'id'])
@Index('ix_gate_reads_open', ['portCode', 'receivedAt', 'id'], {
  where: `"resolved_at" IS NULL AND "outcome" IN (${list(OPEN_OUTCOMES)})`,
})
@Index('ix_gate_reads_received', ['receivedAt'])
@Check('chk_gate_reads_outcome', `"outcome" IN (${list(GATE_OUTCOMES)})`)
@Check('chk_gate_reads_confidence', `"confidence" BETWEEN 0 AND 1`)
@Check(
  'chk_gate_reads_resolution',
  `("resolved_at" IS NULL) = ("resolution" IS NULL) AND ("resolution" IS NULL OR "resolution" IN ('checked_in', 'dismissed'))`,
)
export class GateRead {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_gate_reads' })
  id: string;

  @Column({ name: 'device_id', type: 'uuid' })
  deviceId: string;

  @ManyToOne(() => GateDevice, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_gate_reads_device' })
  device: Relation<GateDevice>;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne('Port', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_gate_reads_port' })
  port: Relation<object>;

  /** Normalised (libs/common normalisePlate): what bookings are matched by. */
  @Column({ type: 'varchar', length: 32 })
  plate: string;

  /** As the camera sent it. */
  @Column({ name: 'plate_raw', type: 'varchar', length: 64 })
  plateRaw: string;

  @Column({ type: 'double precision' })
  confidence: number;

  /** When the camera says it saw the plate (its own clock), if it said. */
  @Column({ name: 'camera_at', type: 'timestamptz', nullable: true })
  cameraAt: Date | null;

  /** When the server took it (its Clock): what the duplicate window and the purge judge by. */
  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'varchar', length: 16 })
  outcome: GateOutcome;

  /** The check-in's refusal code, already_checked_in, already_at_lane... */
  @Column({ type: 'varchar', length: 40, nullable: true })
  reason: string | null;

  @Column({ name: 'booking_id', type: 'uuid', nullable: true })
  bookingId: string | null;

  @ManyToOne('Booking', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'booking_id', foreignKeyConstraintName: 'fk_gate_reads_booking' })
  booking: Relation<object>;

  /** Where the camera keeps its picture, if it said (no image is stored here). */
  @Column({ name: 'image_ref', type: 'varchar', length: 200, nullable: true })
  imageRef: string | null;

  /** Staff confirmed (checked the truck in) or dismissed it from the console. */
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'resolved_by', foreignKeyConstraintName: 'fk_gate_reads_resolved_by' })
  resolver: Relation<object>;

  @Column({ type: 'varchar', length: 16, nullable: true })
  resolution: GateResolution | null;
}
