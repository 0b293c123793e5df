import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { Direction } from '@kouan/ports';

/**
 * How many trucks wait in one group of one queue: per port, direction, slot start, green-channel flag and
 * held-at-the-front flag. Kept by the database itself (trigger `kouan_queue_counts` on bookings, in the same
 * statement as every move into or out of `checked_in`), so no code path can forget it; no service writes it.
 * The order's group sizes (PLACE in queue.repository.ts) are sums of a few of these rows, so the place of a truck
 * that joins the line costs O(slots with waiting trucks), not a count of the line. A row is gone when its group is
 * empty.
 */
@Entity('queue_counts')
@Check('chk_queue_counts_waiting', `"waiting" > 0`)
export class QueueCount {
  @PrimaryColumn({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  direction: Direction;

  @PrimaryColumn({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @PrimaryColumn({ type: 'boolean' })
  priority: boolean;

  @PrimaryColumn({ type: 'boolean' })
  held: boolean;

  @Column({ type: 'integer' })
  waiting: number;
}
