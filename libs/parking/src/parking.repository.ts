import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';

export interface AreaRow {
  id: string;
  name: string;
  lat: number;
  lon: number;
  radius_m: number;
  bays: number;
  reefer_bays: number;
  directions: Record<string, string>;
  /** The area's name by language (empty when it has none). */
  names: Record<string, string>;
}

/** The fields of a new area, or the ones to change (null: keep). */
export interface AreaFields {
  name: string | null;
  lat: number | null;
  lon: number | null;
  radiusM: number | null;
  bays: number | null;
  reeferBays: number | null;
  directions: Record<string, string> | null;
  /** The whole set of names by language (replaces the old set). */
  names: Record<string, string> | null;
}

/**
 * Locks a port's holding areas (`port`: an SQL expression) until the transaction ends, so two check-ins never pick
 * the same free bay: a row source for a statement that locks, taken before the statement that picks (FREE_BAY),
 * whose snapshot then sees the bays the check-ins before it took.
 */
export const LOCK_PORT_AREAS = (port: string) =>
  `SELECT id FROM parking_areas WHERE port_code = ${port} ORDER BY id FOR UPDATE`;

/**
 * The first free bay of a port (SQL expressions `port`, `needsPower` boolean, `preferArea` uuid or null), as one row
 * (area_id, area_name, area_names, bay) or none: the wanted kind of bay (powered or plain) in any area before the
 * other kind; the preferred area (where the phone or the camera is), then by name; the lowest bay number. Each
 * area's first free powered bay (1..reefer_bays) and first free plain one are one step each along free_bays' key
 * (FreeBay: kept by triggers), then the best of those. Valid under LOCK_PORT_AREAS, in a later statement.
 */
export const FREE_BAY = (port: string, needsPower: string, preferArea: string) => `
  SELECT pa.id AS area_id, pa.name AS area_name, pa.names AS area_names, f.bay
  FROM parking_areas pa CROSS JOIN LATERAL (
    (SELECT fb.bay, NOT ${needsPower} AS other_kind FROM free_bays fb
     WHERE fb.parking_area_id = pa.id AND fb.bay <= pa.reefer_bays ORDER BY fb.bay LIMIT 1)
    UNION ALL
    (SELECT fb.bay, ${needsPower} AS other_kind FROM free_bays fb
     WHERE fb.parking_area_id = pa.id AND fb.bay > pa.reefer_bays ORDER BY fb.bay LIMIT 1)) f
  WHERE pa.port_code = ${port}
  ORDER BY f.other_kind, pa.id IS DISTINCT FROM ${preferArea}, pa.name, f.bay
  LIMIT 1`;

/** The statements on `parking_areas` (this lib's table), and the reads of bookings' bays they need. */
@Injectable()
export class ParkingRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The port's areas by name, each with how many of its bays a booking holds. */
  list(portCode: string): Promise<Array<AreaRow & { occupied: number }>> {
    return rows<AreaRow & { occupied: number }>(
      this.ds,
      `SELECT pa.*, (SELECT count(*)::int FROM bookings b WHERE b.parking_area_id = pa.id AND b.bay IS NOT NULL) AS occupied
       FROM parking_areas pa WHERE pa.port_code = $1 ORDER BY pa.name`,
      [portCode],
    );
  }

  async portExists(portCode: string): Promise<boolean> {
    return Boolean(await one(this.ds, 'SELECT 1 FROM ports WHERE code = $1', [portCode]));
  }

  insert(em: EntityManager, portCode: string, a: AreaFields, at: Date): Promise<{ id: string } | undefined> {
    return one<{ id: string }>(
      em,
      `INSERT INTO parking_areas (port_code, name, lat, lon, radius_m, bays, reefer_bays, directions, names, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [portCode, a.name, a.lat, a.lon, a.radiusM, a.bays, a.reeferBays, a.directions ?? {}, a.names ?? {}, at],
    );
  }

  /** Changes the given fields of the port's area (undefined: no such area at that port). */
  update(em: EntityManager, portCode: string, id: string, a: AreaFields): Promise<{ id: string } | undefined> {
    return one<{ id: string }>(
      em,
      `UPDATE parking_areas SET name = COALESCE($3, name), lat = COALESCE($4, lat), lon = COALESCE($5, lon),
         radius_m = COALESCE($6, radius_m), bays = COALESCE($7, bays), reefer_bays = COALESCE($8, reefer_bays),
         directions = COALESCE($9, directions), names = COALESCE($10, names)
       WHERE id = $1 AND port_code = $2 RETURNING id`,
      [id, portCode, a.name, a.lat, a.lon, a.radiusM, a.bays, a.reeferBays, a.directions, a.names],
    );
  }

  /** The whole row, for the audit trail. */
  row(em: EntityManager, id: string): Promise<Record<string, unknown> | undefined> {
    return one(em, 'SELECT * FROM parking_areas WHERE id = $1', [id]);
  }

  all(portCode: string): Promise<AreaRow[]> {
    return rows<AreaRow>(this.ds, 'SELECT * FROM parking_areas WHERE port_code = $1', [portCode]);
  }

  /** The seed's areas of ports that exist; an area seeded before it had names gets them, nothing else changes. */
  async seed(areas: Array<Record<string, unknown>>, at: Date): Promise<void> {
    await this.ds.query(
      `INSERT INTO parking_areas AS pa (port_code, name, lat, lon, radius_m, bays, reefer_bays, directions, names, created_at)
       SELECT a."portCode", a.name, a.lat, a.lon, a."radiusM", a.bays, a."reeferBays", a.directions, COALESCE(a.names, '{}'), $2
       FROM jsonb_to_recordset($1::jsonb) AS a("portCode" varchar, name varchar, lat float8, lon float8, "radiusM" int,
         bays int, "reeferBays" int, directions jsonb, names jsonb)
       WHERE EXISTS (SELECT 1 FROM ports p WHERE p.code = a."portCode")
       -- Anything the port admins set is left alone.
       ON CONFLICT (port_code, name) DO UPDATE SET names = EXCLUDED.names WHERE pa.names = '{}'::jsonb`,
      [JSON.stringify(areas), at],
    );
  }
}
