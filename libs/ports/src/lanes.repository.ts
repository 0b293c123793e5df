import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { one } from '@kouan/common';
import type { Direction, LaneStatus } from './entities/lane.entity';

export interface LaneRow {
  id: string;
  name: string;
  direction: Direction;
  status: LaneStatus;
}

/** The statements on `lanes` and their history (`lane_status_changes`) that other libs need. */
@Injectable()
export class LanesRepository {
  /**
   * Sets a lane's status and, when that changes it, records the change with its time and author, in one
   * statement. Undefined for an unknown lane. The caller holds the lane's row lock, so changes are recorded in
   * the order they happened.
   */
  setStatus(em: EntityManager, laneId: string, status: LaneStatus, by: string): Promise<LaneRow | undefined> {
    return one<LaneRow>(
      em,
      `WITH updated AS (
         UPDATE lanes l SET status = $2 FROM lanes was WHERE l.id = $1 AND was.id = l.id
         RETURNING l.id, l.name, l.direction, l.status, was.status AS was
       ), logged AS (
         INSERT INTO lane_status_changes (lane_id, status, changed_by) SELECT id, status, $3 FROM updated WHERE was <> status
       )
       SELECT id, name, direction, status FROM updated`,
      [laneId, status, by],
    );
  }
}
