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

/** Directions to a holding area, per driver language (zh en lo vi my th). */
export type AreaDirections = Partial<Record<string, string>>;

/**
 * A holding area where checked-in trucks wait: a geofence (centre and radius) for driver check-in and
 * numbered bays. Bays 1..reefer_bays have shore power for refrigerated units.
 */
@Entity('parking_areas')
@Index('uq_parking_areas_port_name', ['portCode', 'name'], { unique: true })
@Check('chk_parking_areas_bays', `"bays" >= 0 AND "reefer_bays" >= 0 AND "reefer_bays" <= "bays"`)
@Check('chk_parking_areas_geofence', `"lat" BETWEEN -90 AND 90 AND "lon" BETWEEN -180 AND 180 AND "radius_m" > 0`)
export class ParkingArea {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  // Named by entity, not by class: parking sits below ports (a port's page lists its areas), so it imports nothing
  // of ports. Nothing loads this relation; `portCode` is what is read.
  @ManyToOne('Port', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_parking_areas_port' })
  port: Relation<object>;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'double precision' })
  lat: number;

  @Column({ type: 'double precision' })
  lon: number;

  @Column({ name: 'radius_m', type: 'integer' })
  radiusM: number;

  @Column({ type: 'integer' })
  bays: number;

  @Column({ name: 'reefer_bays', type: 'integer', default: 0 })
  reeferBays: number;

  @Column({ type: 'jsonb', default: {} })
  directions: AreaDirections;

  /** The area's name in each drivers' language (zh, en, lo, vi, my, th); `name` where one is missing. */
  @Column({ type: 'jsonb', default: {} })
  names: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
