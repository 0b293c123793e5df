import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn, Relation } from 'typeorm';
import { Port } from './port.entity';

/** The highest strike limit a schedule may set. */
export const MAX_STRIKE_LIMIT = 100;

/** The longest a port may ask gate cameras' repeated reads of one plate to count as one. */
export const MAX_DEDUPE_SECONDS = 3600;

/** One booking plan per port. Times of day are minutes after local midnight; open_to may be 1440 (24:00). */
@Entity('schedules')
@Check('chk_schedules_slot_minutes', `"slot_minutes" BETWEEN 5 AND 720`)
@Check('chk_schedules_open', `"open_from" >= 0 AND "open_to" <= 1440 AND "open_from" < "open_to"`)
@Check('chk_schedules_capacity', `"capacity_export" >= 0 AND "capacity_import" >= 0`)
@Check('chk_schedules_priority', `"priority_ratio" BETWEEN 1 AND 50 AND "priority_cap_percent" BETWEEN 0 AND 100`)
@Check('chk_schedules_service', `"default_service_minutes" BETWEEN 1 AND 240`)
@Check('chk_schedules_quota', `"firm_quota_percent" BETWEEN 1 AND 100`)
@Check('chk_schedules_strike_limit', `"strike_limit" BETWEEN 0 AND ${MAX_STRIKE_LIMIT}`)
@Check(
  'chk_schedules_gate',
  `"anpr_min_confidence" BETWEEN 0 AND 1 AND "dedupe_seconds" BETWEEN 0 AND ${MAX_DEDUPE_SECONDS}`,
)
export class Schedule {
  @PrimaryColumn({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @OneToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_schedules_port' })
  port: Relation<Port>;

  @Column({ name: 'slot_minutes', type: 'smallint' })
  slotMinutes: number;

  @Column({ name: 'capacity_export', type: 'integer' })
  capacityExport: number;

  @Column({ name: 'capacity_import', type: 'integer' })
  capacityImport: number;

  @Column({ name: 'open_from', type: 'smallint' })
  openFrom: number;

  @Column({ name: 'open_to', type: 'smallint' })
  openTo: number;

  @Column({ name: 'firm_quota_percent', type: 'smallint' })
  firmQuotaPercent: number;

  @Column({ name: 'horizon_days', type: 'smallint' })
  horizonDays: number;

  @Column({ name: 'early_arrival_minutes', type: 'smallint' })
  earlyArrivalMinutes: number;

  @Column({ name: 'check_in_grace_minutes', type: 'smallint' })
  checkInGraceMinutes: number;

  @Column({ name: 'called_timeout_minutes', type: 'smallint' })
  calledTimeoutMinutes: number;

  /** Green channel: one perishable truck after every `priority_ratio` regular ones... */
  @Column({ name: 'priority_ratio', type: 'smallint', default: 3 })
  priorityRatio: number;

  /** ...and at most this share of a slot's capacity may use it, so it cannot starve the rest. */
  @Column({ name: 'priority_cap_percent', type: 'smallint', default: 25 })
  priorityCapPercent: number;

  /**
   * A firm with more strikes (unwaived no-shows of the last 30 days, at any port) than this holds half its quota
   * share of this port's slots until they age out.
   */
  @Column({ name: 'strike_limit', type: 'smallint', default: 5 })
  strikeLimit: number;

  /** Check-in needs a declaration customs accepted: trucks whose papers are not ready wait at the depot. */
  @Column({ name: 'require_declaration', type: 'boolean', default: false })
  requireDeclaration: boolean;

  /** A gate camera's read less sure than this (0..1) does nothing but wait for staff ("reads to confirm"). */
  @Column({ name: 'anpr_min_confidence', type: 'double precision', default: 0.8 })
  anprMinConfidence: number;

  /** The same plate read again by the same camera within this many seconds is a duplicate (a truck idling in view). */
  @Column({ name: 'dedupe_seconds', type: 'integer', default: 120 })
  dedupeSeconds: number;

  /** Drivers may check in by their phone's position; off where cameras see trucks in (409 phone_check_in_off). */
  @Column({ name: 'phone_check_in', type: 'boolean', default: true })
  phoneCheckIn: boolean;

  /** A camera's plate picture (ISAPI multipart) is kept with its read (30 days, as the read) instead of discarded. */
  @Column({ name: 'keep_gate_images', type: 'boolean', default: false })
  keepGateImages: boolean;

  /** Lane service time (call to complete) assumed until a lane has measured ones. */
  @Column({ name: 'default_service_minutes', type: 'smallint', default: 8 })
  defaultServiceMinutes: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
