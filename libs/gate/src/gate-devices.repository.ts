import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { DevicePosition, DeviceUpdate } from '@kouan/realtime';

/** A device as reads, guards and events need it. */
export interface DeviceRow {
  id: string;
  port_code: string;
  name: string;
  position: DevicePosition;
  lane_id: string | null;
  area_id: string | null;
  online: boolean;
  last_seen_at: Date | null;
}

/** A device locked for one read: whether it was online before, and its port's camera rules. */
export interface SeenDevice extends DeviceRow {
  was_online: boolean;
  anpr_min_confidence: number;
  dedupe_seconds: number;
  /** The port keeps a read's plate picture (schedule `keepGateImages`). */
  keep_gate_images: boolean;
}

/** A device in the port's list, with its reads of the port's day and its last read. */
export interface DeviceListRow extends DeviceRow {
  reads_today: number;
  last_read_id: string | null;
  last_read_plate: string | null;
  last_read_outcome: string | null;
  last_read_at: Date | null;
}

const DEVICE = `d.id, d.port_code, d.name, d.position, d.lane_id, d.area_id, d.online, d.last_seen_at`;

/** The device as port staff hear of it (`device:update`) after a change. */
export const deviceUpdateOf = (d: DeviceRow, change: DeviceUpdate['change']): DeviceUpdate => ({
  id: d.id,
  name: d.name,
  position: d.position,
  laneId: d.lane_id,
  areaId: d.area_id,
  online: d.online,
  lastSeenAt: d.last_seen_at?.toISOString() ?? null,
  change,
});

/** The statements on `gate_devices` (this lib's table); the instant of each change is the caller's Clock's. */
@Injectable()
export class GateDevicesRepository {
  /** The live device a key hash belongs to (a removed device has no hash). */
  byKeyHash(db: DataSource | EntityManager, keyHash: string): Promise<DeviceRow | undefined> {
    return one<DeviceRow>(db, `SELECT ${DEVICE} FROM gate_devices d WHERE d.key_hash = $1 AND d.deleted_at IS NULL`, [
      keyHash,
    ]);
  }

  /** Whether `laneId` is a lane of `port`. */
  async laneOfPort(db: DataSource | EntityManager, port: string, laneId: string): Promise<boolean> {
    return Boolean(await one(db, `SELECT 1 FROM lanes WHERE id = $1 AND port_code = $2`, [laneId, port]));
  }

  /** Whether `areaId` is a holding area of `port`. */
  async areaOfPort(db: DataSource | EntityManager, port: string, areaId: string): Promise<boolean> {
    return Boolean(await one(db, `SELECT 1 FROM parking_areas WHERE id = $1 AND port_code = $2`, [areaId, port]));
  }

  async portExists(db: DataSource | EntityManager, port: string): Promise<boolean> {
    return Boolean(await one(db, `SELECT 1 FROM ports WHERE code = $1`, [port]));
  }

  create(
    em: EntityManager,
    d: { port: string; name: string; position: DevicePosition; laneId: string | null; areaId: string | null },
    keyHash: string,
    at: Date,
  ): Promise<DeviceRow> {
    return one<DeviceRow>(
      em,
      `INSERT INTO gate_devices AS d (port_code, name, position, lane_id, area_id, key_hash, key_issued_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${DEVICE}`,
      [d.port, d.name, d.position, d.laneId, d.areaId, keyHash, at],
    ) as Promise<DeviceRow>;
  }

  /** A port's live devices by name, with their reads since the port's local midnight of `at` and their last read. */
  list(
    db: DataSource | EntityManager,
    port: string,
    at: Date,
    limit: number,
    offset: number,
  ): Promise<DeviceListRow[]> {
    return rows<DeviceListRow>(
      db,
      `SELECT ${DEVICE},
         (SELECT count(*)::int FROM gate_reads r WHERE r.device_id = d.id
            AND r.received_at >= (date_trunc('day', $2::timestamptz AT TIME ZONE p.time_zone) AT TIME ZONE p.time_zone)
         ) AS reads_today,
         lr.id AS last_read_id, lr.plate AS last_read_plate, lr.outcome AS last_read_outcome, lr.received_at AS last_read_at
       FROM gate_devices d
       JOIN ports p ON p.code = d.port_code
       LEFT JOIN LATERAL (
         SELECT r.id, r.plate, r.outcome, r.received_at FROM gate_reads r WHERE r.device_id = d.id
         ORDER BY r.received_at DESC, r.id DESC LIMIT 1
       ) lr ON true
       WHERE d.port_code = $1 AND d.deleted_at IS NULL
       ORDER BY d.name, d.id LIMIT $3 OFFSET $4`,
      [port, at, limit, offset],
    );
  }

  /** Removes a live device of `port`: its key stops working at once; its reads stay. */
  remove(em: EntityManager, port: string, id: string, at: Date): Promise<DeviceRow | undefined> {
    return one<DeviceRow>(
      em,
      `UPDATE gate_devices d SET deleted_at = $3, key_hash = NULL, online = false
       WHERE d.id = $1 AND d.port_code = $2 AND d.deleted_at IS NULL RETURNING ${DEVICE}`,
      [id, port, at],
    );
  }

  /** A new key for a live device of `port`: the old one stops working at once. */
  rotate(em: EntityManager, port: string, id: string, keyHash: string, at: Date): Promise<DeviceRow | undefined> {
    return one<DeviceRow>(
      em,
      `UPDATE gate_devices d SET key_hash = $3, key_issued_at = $4
       WHERE d.id = $1 AND d.port_code = $2 AND d.deleted_at IS NULL RETURNING ${DEVICE}`,
      [id, port, keyHash, at],
    );
  }

  /**
   * The device heard from at `at` (a read or a heartbeat): its row locked until the caller's transaction ends (so
   * its reads are judged one at a time: the duplicate rule), stamped last seen and online. Returns whether it was
   * online before and its port's camera rules; undefined once it was removed.
   */
  seen(em: EntityManager, id: string, at: Date): Promise<SeenDevice | undefined> {
    return one<SeenDevice>(
      em,
      `WITH old AS (SELECT id, online FROM gate_devices WHERE id = $1 AND deleted_at IS NULL FOR UPDATE)
       UPDATE gate_devices d SET last_seen_at = GREATEST(d.last_seen_at, $2::timestamptz), online = true
       FROM old WHERE d.id = old.id
       RETURNING ${DEVICE}, old.online AS was_online,
         COALESCE((SELECT sc.anpr_min_confidence FROM schedules sc WHERE sc.port_code = d.port_code), 0.8) AS anpr_min_confidence,
         COALESCE((SELECT sc.dedupe_seconds FROM schedules sc WHERE sc.port_code = d.port_code), 120) AS dedupe_seconds,
         COALESCE((SELECT sc.keep_gate_images FROM schedules sc WHERE sc.port_code = d.port_code), false) AS keep_gate_images`,
      [id, at],
    );
  }

  /**
   * Marks offline every online device last heard from before `silentSince`. A read or heartbeat holding a device's
   * row commits first; this statement then re-checks the row and leaves it online.
   */
  markOffline(em: EntityManager, silentSince: Date): Promise<DeviceRow[]> {
    return rows<DeviceRow>(
      em,
      `UPDATE gate_devices d SET online = false
       WHERE d.online AND d.deleted_at IS NULL AND d.last_seen_at < $1 RETURNING ${DEVICE}`,
      [silentSince],
    );
  }
}
