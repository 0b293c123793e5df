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
import { Firm } from './firm.entity';

export const LANGUAGES = ['zh', 'en', 'lo', 'vi', 'my', 'th'] as const;
export type Language = (typeof LANGUAGES)[number];

@Entity('drivers')
@Index('ix_drivers_firm', ['firmId'])
@Check('chk_drivers_language', `"language" IN ('zh', 'en', 'lo', 'vi', 'my', 'th')`)
export class Driver {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne(() => Firm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'fk_drivers_firm' })
  firm: Relation<Firm>;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** E.164. */
  @Column({ type: 'varchar', length: 16 })
  phone: string;

  @Column({ name: 'licence_no', type: 'varchar', length: 40 })
  licenceNo: string;

  @Column({ type: 'varchar', length: 2 })
  language: Language;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
