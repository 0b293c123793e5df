import { Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { ParkingArea } from './parking-area.entity';

/**
 * A bay of a holding area that no booking holds. Kept by the database itself, as queue_counts is: the trigger
 * `kouan_free_bays` on bookings takes a bay out when a booking is given it and puts it back when the booking leaves
 * it (called, completed, no-show, deleted), and `kouan_area_free_bays` on parking_areas fills an area's bays when it
 * is made or its number of bays changes. No service writes it. The first free bay of a kind (powered: 1..reefer_bays)
 * is then one step along the primary key (FREE_BAY), where it was a comparison of every bay with every taken one
 * (4.4 ms at 5,000 taken, under the port's locks: bench:live).
 */
@Entity('free_bays')
export class FreeBay {
  @PrimaryColumn({ name: 'parking_area_id', type: 'uuid' })
  parkingAreaId: string;

  @PrimaryColumn({ type: 'integer' })
  bay: number;

  @ManyToOne(() => ParkingArea, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parking_area_id', foreignKeyConstraintName: 'fk_free_bays_area' })
  area: Relation<ParkingArea>;
}
