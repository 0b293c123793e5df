import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  Relation,
} from 'typeorm';
import { Driver, Firm, Vehicle } from '@kouan/firms';
import type { Direction } from '@kouan/ports';
import { Lane, Slot } from '@kouan/ports';
import { ParkingArea } from '@kouan/parking';
import type { BookingStatus } from '../booking-status';

@Entity('bookings')
@Index('uq_bookings_reference', ['reference'], { unique: true })
@Index('ix_bookings_firm_date', ['firmId', 'serviceDate'])
@Index('ix_bookings_slot', ['slotId'])
// A truck announced by the far side is on the way until its plate's vehicle checks in (counterpart arrivals).
@Index('ix_bookings_vehicle_checked_in', ['vehicleId', 'checkedInAt'], { where: `"checked_in_at" IS NOT NULL` })
@Index('ix_bookings_port_date', ['portCode', 'serviceDate'])
// One vehicle holds at most one active booking per port and local day.
@Index('uq_bookings_active_vehicle_port_day', ['vehicleId', 'portCode', 'serviceDate'], {
  unique: true,
  where: `"status" IN ('booked', 'checked_in', 'called')`,
})
@Check('chk_bookings_status', `"status" IN ('booked', 'checked_in', 'called', 'completed', 'cancelled', 'no_show')`)
// A bay holds one waiting truck.
@Index('uq_bookings_bay', ['parkingAreaId', 'bay'], { unique: true, where: `"bay" IS NOT NULL` })
// The waiting line of one port and direction, in check-in order.
@Index('ix_bookings_waiting', ['portCode', 'direction', 'queueKey'], { where: `"status" = 'checked_in'` })
// The trucks a skip holds at the front, larger front_key first: a held truck's place counts only these.
@Index('ix_bookings_held', ['portCode', 'direction', 'frontKey'], {
  where: `"status" = 'checked_in' AND "front_key" IS NOT NULL`,
})
@Index('ix_bookings_lane_completed', ['laneId', 'completedAt'], { where: `"status" = 'completed'` })
@Check('chk_bookings_weight', `"weight_kg" BETWEEN 1 AND 100000`)
@Check(
  'chk_bookings_declaration_status',
  `"declaration_status" IN ('submitted', 'accepted', 'rejected', 'inspection', 'reopened')`,
)
@Check('chk_bookings_hs_code', `"hs_code" ~ '^[0-9]{6,10}$'`)
// A called truck that misses the lane goes back into the line once; the second time it is a no-show.
@Check('chk_bookings_called_timeouts', `"called_timeouts" BETWEEN 0 AND 1`)
// Every no-show has its time (a strike counts 30 days from it); only a no-show can be waived, and never silently.
@Check('chk_bookings_no_show_at', `("status" = 'no_show') = ("no_show_at" IS NOT NULL)`)
@Check('chk_bookings_waiver', `"waived_at" IS NULL OR ("status" = 'no_show' AND "waiver_reason" IS NOT NULL)`)
// A firm's strikes: its no-shows of the last 30 days (libs/booking/src/strikes.ts), read by every booking.
@Index('ix_bookings_firm_no_shows', ['firmId', 'noShowAt'], { where: `"status" = 'no_show'` })
// The yard's awaited trucks: completed at the lane, not yet confirmed at the yard (docs/border.md, Yard hand-off).
@Index('ix_bookings_yard_awaited', ['portCode', 'direction', 'completedAt'], {
  where: `"status" = 'completed' AND "yard_arrived_at" IS NULL`,
})
// A truck reaches the yard only after leaving its lane: a yard arrival completes a called truck.
@Check('chk_bookings_at_lane', `"at_lane_at" IS NULL OR "status" IN ('called', 'completed', 'no_show')`)
@Check('chk_bookings_yard_arrived', `"yard_arrived_at" IS NULL OR "status" = 'completed'`)
export class Booking {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human-readable, e.g. MOHAN-20261129-7K3F: port, local slot date, random suffix. */
  @Column({ type: 'varchar', length: 60 })
  reference: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'fk_bookings_firm' })
  firm: Relation<Firm>;

  @Column({ name: 'slot_id', type: 'uuid' })
  slotId: string;

  @ManyToOne(() => Slot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'slot_id', foreignKeyConstraintName: 'fk_bookings_slot' })
  slot: Relation<Slot>;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @Column({ type: 'varchar', length: 8 })
  direction: Direction;

  /** The slot's date in the port's time zone. */
  @Column({ name: 'service_date', type: 'date' })
  serviceDate: string;

  @Column({ name: 'vehicle_id', type: 'uuid' })
  vehicleId: string;

  @ManyToOne(() => Vehicle, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vehicle_id', foreignKeyConstraintName: 'fk_bookings_vehicle' })
  vehicle: Relation<Vehicle>;

  @Column({ name: 'driver_id', type: 'uuid' })
  driverId: string;

  @ManyToOne(() => Driver, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'driver_id', foreignKeyConstraintName: 'fk_bookings_driver' })
  driver: Relation<Driver>;

  @Column({ type: 'varchar', length: 16, default: 'booked' })
  status: BookingStatus;

  /** HMAC of the 6-digit code the driver logs in with; the code itself is shown once, at booking. */
  @Column({ name: 'driver_code_hash', type: 'varchar', length: 64 })
  driverCodeHash: string;

  /**
   * Raised by each new driver code and carried in the driver tokens signed under it: a token of an earlier code
   * is refused (the firm's new code ends the sessions opened with the old one).
   */
  @Column({ name: 'driver_code_version', type: 'integer', default: 0 })
  driverCodeVersion: number;

  @Column({ name: 'cargo_description', type: 'varchar', length: 500 })
  cargoDescription: string;

  @Column({ name: 'hs_code', type: 'varchar', length: 10 })
  hsCode: string;

  @Column({ name: 'weight_kg', type: 'integer' })
  weightKg: number;

  @Column({ type: 'boolean', default: false })
  perishable: boolean;

  @Column({ name: 'declaration_no', type: 'varchar', length: 40, nullable: true })
  declarationNo: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true })
  checkedInAt: Date | null;

  @Column({ name: 'called_at', type: 'timestamptz', nullable: true })
  calledAt: Date | null;

  /** Times the worker put this truck back into the line because it did not reach its lane within the called timeout. */
  @Column({ name: 'called_timeouts', type: 'smallint', default: 0 })
  calledTimeouts: number;

  /** When the booking became no_show: a strike against its firm for 30 days unless waived. */
  @Column({ name: 'no_show_at', type: 'timestamptz', nullable: true })
  noShowAt: Date | null;

  /** Port staff waived this no-show's strike (POST /bookings/:id/waive), saying why. */
  @Column({ name: 'waived_at', type: 'timestamptz', nullable: true })
  waivedAt: Date | null;

  @Column({ name: 'waived_by', type: 'uuid', nullable: true })
  waivedBy: string | null;

  @Column({ name: 'waiver_reason', type: 'varchar', length: 500, nullable: true })
  waiverReason: string | null;

  /** When a lane camera saw the called truck at its own lane (gate reads); cleared if it is put back in line. */
  @Column({ name: 'at_lane_at', type: 'timestamptz', nullable: true })
  atLaneAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** When the yard confirmed the truck's arrival (POST /bookings/:id/yard-arrival); only a completed truck has one. */
  @Column({ name: 'yard_arrived_at', type: 'timestamptz', nullable: true })
  yardArrivedAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** Check-in order, from `queue_key_seq` at check-in; WAITING_ORDER merges the line from it. */
  @Column({ name: 'queue_key', type: 'double precision', nullable: true })
  queueKey: number | null;

  /**
   * Set while a skip holds this truck at the front of the line (the skipped truck, and the truck that was first
   * in line then); held trucks go before all others, larger key first. Cleared when the truck is called.
   */
  @Column({ name: 'front_key', type: 'bigint', nullable: true })
  frontKey: string | null;

  @Column({ name: 'customs_office', type: 'varchar', length: 80, nullable: true })
  customsOffice: string | null;

  /** The declaration's documents, [{kind, ref}]. */
  @Column({ name: 'declaration_documents', type: 'jsonb', default: [] })
  declarationDocuments: Array<{ kind: string; ref: string }>;

  /** Customs' answer: submitted (by the firm, waiting), accepted, rejected or inspection; reopened (staff took an acceptance back). Null: no declaration. */
  @Column({ name: 'declaration_status', type: 'varchar', length: 16, nullable: true })
  declarationStatus: 'submitted' | 'accepted' | 'rejected' | 'inspection' | 'reopened' | null;

  @Column({ name: 'declaration_note', type: 'varchar', length: 200, nullable: true })
  declarationNote: string | null;

  /** When the driver was reminded 2 h before the slot (booking.reminder): each reminder goes once. */
  @Column({ name: 'reminded_2h_at', type: 'timestamptz', nullable: true })
  reminded2hAt: Date | null;

  /** When the driver was reminded 30 min before the slot. */
  @Column({ name: 'reminded_30m_at', type: 'timestamptz', nullable: true })
  reminded30mAt: Date | null;

  /** Uses the green channel (perishable cargo, within the slot's priority cap). */
  @Column({ type: 'boolean', default: false })
  priority: boolean;

  @Column({ name: 'parking_area_id', type: 'uuid', nullable: true })
  parkingAreaId: string | null;

  @ManyToOne(() => ParkingArea, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parking_area_id', foreignKeyConstraintName: 'fk_bookings_parking_area' })
  parkingArea: Relation<ParkingArea> | null;

  @Column({ type: 'integer', nullable: true })
  bay: number | null;

  /** The holding areas were full at check-in: the truck waits outside them and keeps its place. */
  @Column({ type: 'boolean', default: false })
  overflow: boolean;

  @Column({ name: 'lane_id', type: 'uuid', nullable: true })
  laneId: string | null;

  @ManyToOne(() => Lane, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'lane_id', foreignKeyConstraintName: 'fk_bookings_lane' })
  lane: Relation<Lane> | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  instructions: string | null;
}
