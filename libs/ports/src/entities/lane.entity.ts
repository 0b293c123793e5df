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
import { Port } from './port.entity';

export const DIRECTIONS = ['export', 'import'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const LANE_STATUSES = ['open', 'closed', 'paused'] as const;
export type LaneStatus = (typeof LANE_STATUSES)[number];

@Entity('lanes')
@Index('uq_lanes_port_name', ['portCode', 'name'], { unique: true })
@Check('chk_lanes_direction', `"direction" IN ('export', 'import')`)
@Check('chk_lanes_status', `"status" IN ('open', 'closed', 'paused')`)
export class Lane {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne(() => Port, (port) => port.lanes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_lanes_port' })
  port: Relation<Port>;

  @Column({ type: 'varchar', length: 40 })
  name: string;

  /** Display names by drivers' language, set by the port admin; where one is missing the pages show `name`. */
  @Column({ type: 'jsonb', default: {} })
  names: Record<string, string>;

  @Column({ type: 'varchar', length: 8 })
  direction: Direction;

  @Column({ type: 'varchar', length: 8, default: 'open' })
  status: LaneStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
