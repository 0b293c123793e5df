import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Lane, type LaneStatus } from './lane.entity';

/**
 * A lane's status history, one row per change (append only): a lane held `status` from `changed_at` until its next
 * change, so what a lane's status was at any moment can be told afterwards. A lane without rows has been open
 * since it was made.
 */
@Entity('lane_status_changes')
@Index('ix_lane_status_changes_lane', ['laneId', 'changedAt'])
@Check('chk_lane_status_changes_status', `"status" IN ('open', 'closed', 'paused')`)
export class LaneStatusChange {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'lane_id', type: 'uuid' })
  laneId: string;

  @ManyToOne(() => Lane, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lane_id', foreignKeyConstraintName: 'fk_lane_status_changes_lane' })
  lane: Relation<Lane>;

  @Column({ type: 'varchar', length: 8 })
  status: LaneStatus;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;

  /** The staff member or admin who changed it. */
  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;
}
