import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rows } from '@kouan/common';
import type { OnTheWayTruck } from '@kouan/realtime';

/**
 * How long an announced truck stays "on the way" without checking in: the far side's line can hold a truck for days
 * (Boten's reached 20 km), but one that never came must leave the list.
 */
export const ON_THE_WAY_HOURS = 72;

/** A truck that completed our export lane, as the far side's pre-arrival notice says it. */
export interface DepartureRow {
  seq: string;
  event_id: string;
  port_code: string;
  plate: string;
  trailer_plate: string | null;
  firm_name: string;
  cargo: string;
  hs_code: string;
  weight_kg: number;
  declaration_no: string | null;
  completed_at: Date;
}

/** A truck as the far side announces it: the same fields as it is shown on the way. */
export type ArrivalIn = OnTheWayTruck;

export interface OnTheWayRow {
  plate: string;
  trailer_plate: string | null;
  firm_name: string | null;
  cargo: string | null;
  declaration_no: string | null;
  departed_at: Date;
}

/**
 * The departures are the export direction's `booking.completed` events: each is written under its queue's row lock
 * (lanes and yard complete only under `lockQueue`), so one port's export completions take their `seq` in commit
 * order and a reader that follows `seq` never steps over one that commits later.
 */
const DEPARTURES = `
  SELECT e.seq, e.id AS event_id, e.port_code, v.plate, v.trailer_plate, f.name AS firm_name,
         b.cargo_description AS cargo, b.hs_code, b.weight_kg, b.declaration_no, b.completed_at
  FROM booking_events e
  JOIN bookings b ON b.id = e.booking_id
  JOIN vehicles v ON v.id = b.vehicle_id
  JOIN firms f ON f.id = b.firm_id
  WHERE e.type = 'booking.completed' AND e.data->>'direction' = 'export'`;

/** The far side's traffic: our export departures (read from the outbox) and its announced arrivals (this lib's table). */
@Injectable()
export class CounterpartTrafficRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** `port`'s departures after `afterSeq`, oldest first (index ix_booking_events_completed). */
  departures(port: string, afterSeq: string, limit: number): Promise<DepartureRow[]> {
    return rows<DepartureRow>(
      this.ds,
      `${DEPARTURES} AND e.port_code = $1 AND e.seq > $2::bigint ORDER BY e.seq LIMIT $3`,
      [port, afterSeq, limit],
    );
  }

  /** The departures among the events `seqs` (the relay's batch), in the caller's transaction. */
  departuresOf(em: EntityManager, seqs: string[]): Promise<DepartureRow[]> {
    return rows<DepartureRow>(em, `${DEPARTURES} AND e.seq = ANY($1::bigint[]) ORDER BY e.seq`, [seqs]);
  }

  /** Stores the announced trucks; one already announced (same plate and departure) is left as it is. */
  async announce(em: EntityManager, port: string, trucks: ArrivalIn[], at: Date): Promise<void> {
    await em.query(
      `INSERT INTO counterpart_arrivals (port_code, plate, trailer_plate, firm_name, cargo, declaration_no, departed_at,
                                         announced_at)
       SELECT $1, t.plate, t."trailerPlate", t."firmName", t.cargo, t."declarationNo", t."departedAt", $3::timestamptz
       FROM jsonb_to_recordset($2::jsonb) AS t(plate varchar, "trailerPlate" varchar, "firmName" varchar, cargo varchar,
                                               "declarationNo" varchar, "departedAt" timestamptz)
       ORDER BY t.plate, t."departedAt"
       ON CONFLICT ON CONSTRAINT uq_counterpart_arrivals_truck DO NOTHING`,
      [port, JSON.stringify(trucks), at],
    );
  }

  /**
   * `port`'s trucks on the way at `at`: announced as left within ON_THE_WAY_HOURS, and no booking of our import
   * direction with that plate checked in since it left. Oldest departure first; in `db`'s snapshot when given.
   */
  async onTheWay(port: string, at: Date, db: DataSource | EntityManager = this.ds): Promise<OnTheWayTruck[]> {
    const found = await rows<OnTheWayRow>(
      db,
      `SELECT a.plate, a.trailer_plate, a.firm_name, a.cargo, a.declaration_no, a.departed_at
       FROM counterpart_arrivals a
       WHERE a.port_code = $1
         AND a.departed_at > $2::timestamptz - make_interval(hours => $3)
         AND NOT EXISTS (SELECT 1 FROM bookings b JOIN vehicles v ON v.id = b.vehicle_id
                         WHERE v.plate = a.plate AND b.port_code = a.port_code AND b.direction = 'import'
                           AND b.checked_in_at >= a.departed_at)
       ORDER BY a.departed_at, a.id`,
      [port, at, ON_THE_WAY_HOURS],
    );
    return found.map((r) => ({
      plate: r.plate,
      trailerPlate: r.trailer_plate,
      firmName: r.firm_name,
      cargo: r.cargo,
      declarationNo: r.declaration_no,
      departedAt: r.departed_at.toISOString(),
    }));
  }
}
