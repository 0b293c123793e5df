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

/** A lane with its display names by language, as the port's listings show it. */
export interface NamedLaneRow extends LaneRow {
  names: Record<string, string>;
}

const NAMED_LANE = 'id, name, direction, status, names';

/**
 * SQL true when a lane of port `port` and direction `direction` (SQL expressions) was paused or closed at some
 * moment of [`from`, `to`): it changed to paused or closed within it, or it was paused or closed when it began
 * (its last change before `from`). A lane without recorded changes was open.
 */
export const laneStoppedDuring = (port: string, direction: string, from: string, to: string) => `EXISTS (
  SELECT 1 FROM lanes l
  WHERE l.port_code = ${port} AND l.direction = ${direction} AND (
    EXISTS (SELECT 1 FROM lane_status_changes c
            WHERE c.lane_id = l.id AND c.status <> 'open' AND c.changed_at >= ${from} AND c.changed_at < ${to})
    OR (SELECT c.status FROM lane_status_changes c WHERE c.lane_id = l.id AND c.changed_at < ${from}
        ORDER BY c.changed_at DESC LIMIT 1) <> 'open'))`;

/** The statements on `lanes` and their history (`lane_status_changes`) that other libs need. */
@Injectable()
export class LanesRepository {
  /**
   * Sets a lane's status and, when that changes it, records the change with its time `at` and author, in one
   * statement. Undefined for an unknown lane. The caller holds the lane's row lock and takes `at` from its Clock
   * under that lock (not before it: a change that waited for the lock would be stamped before the one it waited
   * for), so the times are in the order the changes happened.
   */
  setStatus(em: EntityManager, laneId: string, status: LaneStatus, by: string, at: Date): Promise<LaneRow | undefined> {
    return one<LaneRow>(
      em,
      `WITH updated AS (
         UPDATE lanes l SET status = $2 FROM lanes was WHERE l.id = $1 AND was.id = l.id
         RETURNING l.id, l.name, l.direction, l.status, was.status AS was
       ), logged AS (
         INSERT INTO lane_status_changes (lane_id, status, changed_at, changed_by)
         SELECT id, status, $4::timestamptz, $3 FROM updated WHERE was <> status
       )
       SELECT id, name, direction, status FROM updated`,
      [laneId, status, by, at],
    );
  }

  /** A lane of `port`, its row locked for a status change (FOR UPDATE): changes of one lane take turns. */
  lockForChange(em: EntityManager, laneId: string, port: string): Promise<LaneRow | undefined> {
    return one<LaneRow>(
      em,
      'SELECT id, name, direction, status FROM lanes WHERE id = $1 AND port_code = $2 FOR UPDATE',
      [laneId, port],
    );
  }

  /** A lane of `port`, held FOR SHARE while a truck is called to it: a status change waits for the call. */
  holdForCall(em: EntityManager, laneId: string, port: string): Promise<LaneRow | undefined> {
    return one<LaneRow>(
      em,
      'SELECT id, name, direction, status FROM lanes WHERE id = $1 AND port_code = $2 FOR SHARE',
      [laneId, port],
    );
  }

  /** A new lane of `port`, closed until staff open it, created `at`. A taken name breaks `uq_lanes_port_name`. */
  add(
    em: EntityManager,
    port: string,
    lane: { direction: Direction; name: string; names: Record<string, string> },
    at: Date,
  ): Promise<NamedLaneRow | undefined> {
    return one<NamedLaneRow>(
      em,
      `INSERT INTO lanes (port_code, name, direction, status, names, created_at)
       VALUES ($1, $2, $3, 'closed', $4::jsonb, $5::timestamptz) RETURNING ${NAMED_LANE}`,
      [port, lane.name, lane.direction, JSON.stringify(lane.names), at],
    );
  }

  /** A lane of `port` with its names, its row locked (FOR UPDATE) while it is renamed. */
  lockNamed(em: EntityManager, laneId: string, port: string): Promise<NamedLaneRow | undefined> {
    return one<NamedLaneRow>(em, `SELECT ${NAMED_LANE} FROM lanes WHERE id = $1 AND port_code = $2 FOR UPDATE`, [
      laneId,
      port,
    ]);
  }

  /** Sets a lane's name and names (null: keep). A taken name breaks `uq_lanes_port_name`. */
  rename(
    em: EntityManager,
    laneId: string,
    name: string | null,
    names: Record<string, string> | null,
  ): Promise<NamedLaneRow | undefined> {
    return one<NamedLaneRow>(
      em,
      `UPDATE lanes SET name = COALESCE($2, name), names = COALESCE($3::jsonb, names) WHERE id = $1
       RETURNING ${NAMED_LANE}`,
      [laneId, name, names && JSON.stringify(names)],
    );
  }
}
