import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Relation,
} from 'typeorm';
import type { Firm } from '@kouan/firms';
import type { Direction } from './lane.entity';
import { Port } from './port.entity';

/**
 * A bookable time window at one port and direction. `booked` is the place counter that bookings take and
 * free with conditional UPDATEs; the database refuses any state where it exceeds `capacity`.
 * A schedule change retires unbooked future slots instead of deleting them (cancelled bookings may point here).
 */
@Entity('slots')
@Index('uq_slots_port_direction_start', ['portCode', 'direction', 'startsAt'], {
  unique: true,
  where: '"retired_at" IS NULL',
})
@Check('chk_slots_booked_within_capacity', `"booked" <= "capacity"`)
@Check('chk_slots_booked_non_negative', `"booked" >= 0`)
@Check('chk_slots_accepted', `"accepted" IS NULL OR ("direction" = 'export' AND "accepted" >= 0)`)
@Check('chk_slots_window', `"ends_at" > "starts_at"`)
@Check('chk_slots_direction', `"direction" IN ('export', 'import')`)
export class Slot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_slots_port' })
  port: Relation<Port>;

  @Column({ type: 'varchar', length: 8 })
  direction: Direction;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'integer' })
  capacity: number;

  @Column({ type: 'integer', default: 0 })
  booked: number;

  /**
   * An export slot's share of what the far side accepts in its window (counterpart_acceptance); null where the far
   * side said nothing. `capacity` is the schedule's capacity, at most this.
   */
  @Column({ type: 'integer', nullable: true })
  accepted: number | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Places one firm holds in one slot: the counter the firm quota is enforced on. */
@Entity('slot_firm_usage')
@Check('chk_slot_firm_usage_booked_non_negative', `"booked" >= 0`)
export class SlotFirmUsage {
  @PrimaryColumn({ name: 'slot_id', type: 'uuid' })
  slotId: string;

  @ManyToOne(() => Slot, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'slot_id', foreignKeyConstraintName: 'fk_slot_firm_usage_slot' })
  slot: Relation<Slot>;

  @PrimaryColumn({ name: 'firm_id', type: 'uuid' })
  firmId: string;

  @ManyToOne('Firm', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'firm_id', foreignKeyConstraintName: 'fk_slot_firm_usage_firm' })
  firm: Relation<Firm>;

  @Column({ type: 'integer', default: 0 })
  booked: number;
}
