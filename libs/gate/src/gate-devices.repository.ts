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

/** How stale a live device's last_seen_at may be before a read writes it again. */
const TOUCH_SECONDS = 10;

/** Whether device row `g` must be written when heard from at $2: offline, or last seen over $3 seconds before. */
const DUE = (g: string) =>
  `(NOT ${g}.online OR ${g}.last_seen_at IS NULL OR ${g}.last_seen_at < $2::timestamptz - make_interval(secs => $3))`;

/** SeenDevice's columns of device row `d` heard from at $2 (`wentOnline`: an SQL boolean). */
const SEEN = (wentOnline: string) => `d.id, d.port_code, d.name, d.position, d.lane_id, d.area_id, true AS online,
  GREATEST(d.last_seen_at, $2::timestamptz) AS last_seen_at, ${wentOnline} AS went_online,
  COALESCE((SELECT sc.anpr_min_confidence FROM schedules sc WHERE sc.port_code = d.port_code), 0.8) AS anpr_min_confidence,
  COALESCE((SELECT sc.dedupe_seconds FROM schedules sc WHERE sc.port_code = d.port_code), 120) AS dedupe_seconds,
  COALESCE((SELECT sc.keep_gate_images FROM schedules sc WHERE sc.port_code = d.port_code), false) AS keep_gate_images`;

/** A device heard from: whether that brought it back online, and its port's camera rules. */
export interface SeenDevice extends DeviceRow {
  /** This sighting brought it back online (it was offline): the caller tells the consoles. */
  went_online: boolean;
  anpr_min_confidence: number;
  dedupe_seconds: number;
  /** The port keeps a read's plate picture (schedule `keepGateImages`). */
  keep_gate_images: boolean;
}

/** A device as DeviceGuard found it by its key: `due` when a read must write its row (SeenDevice.seen). */
export interface PeekedDevice extends SeenDevice {
  due: boolean;
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
  /**
   * The live device a key hash belongs to (a removed device has no hash), heard from at `at`: what `seen` would
   * answer, read only, and whether `seen` would write its row (`due`); when not, the read needs no other statement
   * about its device. One statement: DeviceGuard proves the key and the read learns its port's camera rules with it.
   */
  byKeyHash(db: DataSource, keyHash: string, at: Date): Promise<PeekedDevice | undefined> {
    return one<PeekedDevice>(
      db,
      `SELECT ${SEEN('false')}, ${DUE('d')} AS due FROM gate_devices d WHERE d.key_hash = $1 AND d.deleted_at IS NULL`,
      [keyHash, at, TOUCH_SECONDS],
      { prepare: true },
    );
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
   * The device heard from at `at` (a read or a heartbeat), with its port's camera rules; undefined once removed. Its
   * row is written (last seen, online) only when that changes what anyone sees: it was offline, or it was last seen
   * more than TOUCH_SECONDS before (`due`, which `peek` tells without a transaction). So a busy camera's reads do not
   * queue on its row (each read locks its plate instead: GateReadsRepository.lockPlate), and its `lastSeenAt` is at
   * most that much behind.
   */
  seen(em: EntityManager, id: string, at: Date): Promise<SeenDevice | undefined> {
    return one<SeenDevice>(
      em,
      `WITH d AS (SELECT * FROM gate_devices WHERE id = $1 AND deleted_at IS NULL),
       touched AS (
         UPDATE gate_devices g SET last_seen_at = GREATEST(g.last_seen_at, $2::timestamptz), online = true
         FROM d WHERE g.id = d.id AND ${DUE('g')}
         RETURNING g.id
       )
       SELECT ${SEEN('(NOT d.online AND EXISTS (SELECT 1 FROM touched))')} FROM d`,
      [id, at, TOUCH_SECONDS],
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
