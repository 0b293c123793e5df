import { Check, Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { Lane } from './lane.entity';

/** Trucks queue at road ports; the others are listed for completeness (no lanes, no schedule). */
export type PortMode = 'road' | 'rail' | 'air' | 'water';

@Entity('ports')
@Check('chk_ports_mode', `"mode" IN ('road', 'rail', 'air', 'water')`)
export class Port {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** The port's name in drivers' languages where the seed knows it (zh); `name` where one is missing. */
  @Column({ type: 'jsonb', default: {} })
  names: Record<string, string>;

  @Column({ type: 'varchar', length: 120 })
  county: string;

  @Column({ type: 'varchar', length: 8 })
  mode: PortMode;

  /** ISO 3166 alpha-2 of the country across the border. */
  @Column({ type: 'varchar', length: 2, nullable: true })
  neighbour: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  counterpart: string | null;

  @Column({ name: 'counterpart_location', type: 'varchar', length: 120, nullable: true })
  counterpartLocation: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  level: string | null;

  @Column({ type: 'varchar', length: 40 })
  positioning: string;

  @Column({ name: 'time_zone', type: 'varchar', length: 64, default: 'Asia/Shanghai' })
  timeZone: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => Lane, (lane) => lane.port)
  lanes: Lane[];
}
