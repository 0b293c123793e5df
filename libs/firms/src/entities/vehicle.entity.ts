import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Relation,
} from 'typeorm';
import { Firm } from './firm.entity';

@Entity('vehicles')
@Index('uq_vehicles_firm_plate', ['firmId', 'plate'], { unique: true })
@Index('ix_vehicles_plate', ['plate'])
export class Vehicle {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'fk_vehicles_firm' })
  firm: Relation<Firm>;

  /** Normalised: upper case, no spaces, dashes or middle dots. */
  @Column({ type: 'varchar', length: 15 })
  plate: string;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ name: 'trailer_plate', type: 'varchar', length: 15, nullable: true })
  trailerPlate: string | null;

  /** Refrigerated unit that needs shore power while parked. */
  @Column({ type: 'boolean', default: false })
  reefer: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
