import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { Direction } from './entities/lane.entity';
import { CALL_STOPPING_KINDS, IncidentKind } from './entities/incident.entity';

export interface IncidentRow {
  id: string;
  kind: IncidentKind;
  message: string;
  until: Date | null;
  opened_at: Date;
}

/** What stops a call at a port now: a closed far side (export only) or an open call-stopping incident. */
export interface CallStopRow {
  code: 'counterpart_closed' | 'port_incident';
  kind: string;
  reason: string;
  until: Date | null;
}

/** The port as a refused call names it: its far side and its clock. */
export interface CallPortRow {
  counterpart: string | null;
  time_zone: string;
}

const INCIDENT = 'id, kind, message, until, opened_at';

/** `port_incidents`, and the one read that tells a call whether anything at the port stops it. */
@Injectable()
export class IncidentsRepository {
  /**
   * Takes the port's row so no call is judged meanwhile (a call holds it FOR SHARE while it checks and commits, see
   * `callStops`): a change to what stops calls commits after every call already judged, before any judged after it.
   */
  async holdCalls(em: EntityManager, portCode: string): Promise<void> {
    await em.query('SELECT 1 FROM ports WHERE code = $1 FOR NO KEY UPDATE', [portCode]);
  }

  open(
    em: EntityManager,
    portCode: string,
    i: { kind: IncidentKind; message: string; until: Date | null },
    by: string,
    at: Date,
  ): Promise<IncidentRow | undefined> {
    return one<IncidentRow>(
      em,
      `INSERT INTO port_incidents (port_code, kind, message, until, opened_by, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${INCIDENT}`,
      [portCode, i.kind, i.message, i.until, by, at],
    );
  }

  /** Closes an open incident of the port: undefined if there is none by that id (or it is closed already). */
  close(em: EntityManager, portCode: string, id: string, by: string, at: Date): Promise<IncidentRow | undefined> {
    return one<IncidentRow>(
      em,
      `UPDATE port_incidents SET closed_by = $3, closed_at = $4
       WHERE id = $2 AND port_code = $1 AND closed_at IS NULL RETURNING ${INCIDENT}`,
      [portCode, id, by, at],
    );
  }

  /** The port's incidents open at `at` (not closed, `until` not passed), oldest first. */
  openAt(db: EntityManager | DataSource, portCode: string, at: Date): Promise<IncidentRow[]> {
    return rows<IncidentRow>(
      db,
      `SELECT ${INCIDENT} FROM port_incidents
       WHERE port_code = $1 AND closed_at IS NULL AND (until IS NULL OR until > $2) ORDER BY opened_at, id`,
      [portCode, at],
    );
  }

  /**
   * What stops a call of `direction` at the port at `at`: the open call-stopping incidents, then a closed far side for
   * export. The port's row is held FOR SHARE until the call's transaction ends (see `holdCalls`), and taken first, in
   * a statement of its own: read in the same statement, a change that held the row would be missed (the statement's
   * snapshot predates the wait).
   */
  async callStops(
    em: EntityManager,
    portCode: string,
    direction: Direction,
    at: Date,
  ): Promise<{ port: CallPortRow | undefined; stops: CallStopRow[] }> {
    // Both in one round trip (the pool is pipelined): the stops are read after the port's row is held.
    const held = one<CallPortRow>(em, 'SELECT counterpart, time_zone FROM ports WHERE code = $1 FOR SHARE', [portCode]);
    const stopping = rows<CallStopRow>(
      em,
      `SELECT 'port_incident' AS code, kind, message AS reason, until FROM port_incidents
        WHERE port_code = $1 AND closed_at IS NULL AND (until IS NULL OR until > $3) AND kind = ANY($4::text[])
       UNION ALL
       SELECT 'counterpart_closed', status, reason, until FROM counterpart_status
        WHERE port_code = $1 AND $2 = 'export' AND status = 'closed' AND (until IS NULL OR until > $3)`,
      [portCode, direction, at, CALL_STOPPING_KINDS],
    );
    const [port, stops] = await Promise.all([held, stopping]);
    return { port, stops };
  }
}
