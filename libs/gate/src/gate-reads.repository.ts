import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, one, rows } from '@kouan/common';
import { type NewPortEvent, PORT_EVENT, portEventParams } from '@kouan/ports';
import type { DevicePosition, GateOutcome, GateReadUpdate } from '@kouan/realtime';
import { GateResolution, OPEN_OUTCOMES } from './entities/gate-read.entity';

/** One read with its device's name and position. */
export interface ReadRow {
  id: string;
  device_id: string;
  device_name: string;
  position: DevicePosition;
  area_id: string | null;
  port_code: string;
  plate: string;
  plate_raw: string;
  confidence: number;
  camera_at: Date | null;
  received_at: Date;
  outcome: GateOutcome;
  reason: string | null;
  booking_id: string | null;
  image_ref: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: GateResolution | null;
  /** Listed reads only: whether its plate picture was kept. */
  has_image?: boolean;
}

/** A read's kept picture. */
export interface ReadImage {
  content_type: string;
  bytes: Buffer;
}

export interface ReadFilter {
  outcome?: GateOutcome;
  from?: Date;
  /** Only reads staff may still confirm or dismiss. */
  open?: boolean;
}

const READ = `r.id, r.device_id, d.name AS device_name, d.position, d.area_id, r.port_code, r.plate, r.plate_raw,
  r.confidence, r.camera_at, r.received_at, r.outcome, r.reason, r.booking_id, r.image_ref, r.resolved_at,
  r.resolved_by, r.resolution`;

/** A read as staff see it (live and listed). */
export const readUpdateOf = (r: ReadRow): GateReadUpdate => ({
  id: r.id,
  deviceId: r.device_id,
  deviceName: r.device_name,
  position: r.position,
  plate: r.plate,
  confidence: r.confidence,
  outcome: r.outcome,
  bookingId: r.booking_id,
  reason: r.reason,
  at: r.received_at.toISOString(),
  cameraAt: r.camera_at?.toISOString() ?? null,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  resolution: r.resolution,
});

/**
 * Runs `work` under a savepoint of the caller's transaction: a DomainError it throws (a refused check-in) undoes
 * only what it wrote, and comes back as the value, so the read that caused it is still stored in the transaction.
 * Any other error ends the transaction as usual.
 */
export async function orRefusal<T>(em: EntityManager, work: () => Promise<T>): Promise<T | DomainError> {
  await em.query('SAVEPOINT gate_effect');
  try {
    // Not released: the savepoint ends with the transaction, and a release would be one more round trip under the
    // queue's lock the work may hold.
    return await work();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await em.query('ROLLBACK TO SAVEPOINT gate_effect');
    return e;
  }
}

/** The statements on `gate_reads` (this lib's table). */
@Injectable()
export class GateReadsRepository {
  /**
   * Holds, until the transaction ends, the lock of one camera's reads of one plate (an advisory lock on the two
   * hashes: two keys that collide only make two reads wait for each other). The read's first statement.
   */
  async lockPlate(em: EntityManager, deviceId: string, plate: string): Promise<void> {
    await rows(em, `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [deviceId, plate], {
      prepare: true,
    });
  }

  /**
   * Whether the device read `plate` within `seconds` before `at` (reads too unsure to act on do not count: a good read
   * right after one must still act). Exact only under the plate's lock (lockPlate).
   */
  async seenWithin(em: EntityManager, deviceId: string, plate: string, at: Date, seconds: number): Promise<boolean> {
    return Boolean(
      await one(
        em,
        `SELECT 1 FROM gate_reads WHERE device_id = $1 AND plate = $2 AND outcome <> 'low_confidence'
           AND received_at > $3::timestamptz - make_interval(secs => $4) LIMIT 1`,
        [deviceId, plate, at, seconds],
        { prepare: true },
      ),
    );
  }

  /**
   * Stores a new read (`r`, its id made by the caller) and appends its `event` in one statement: the row is as it will
   * read back, so the caller builds the event from it beforehand.
   */
  async insert(em: EntityManager, r: ReadRow, event: NewPortEvent): Promise<void> {
    await rows(
      em,
      `WITH r AS (
         INSERT INTO gate_reads (id, device_id, port_code, plate, plate_raw, confidence, camera_at, received_at, outcome,
           reason, booking_id, image_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ), ${PORT_EVENT(13)}
       SELECT 1`,
      [
        r.id,
        r.device_id,
        r.port_code,
        r.plate,
        r.plate_raw,
        r.confidence,
        r.camera_at,
        r.received_at,
        r.outcome,
        r.reason,
        r.booking_id,
        r.image_ref,
        ...portEventParams(event, r.received_at),
      ],
      { prepare: true },
    );
  }

  /** The trucks of `port` with a normalised `plate` called to a lane now, with the lane and whether it was seen there. */
  calledWithPlate(
    em: EntityManager,
    port: string,
    plate: string,
  ): Promise<Array<{ id: string; lane_id: string; at_lane_at: Date | null }>> {
    return rows(
      em,
      `SELECT b.id, b.lane_id, b.at_lane_at FROM bookings b JOIN vehicles v ON v.id = b.vehicle_id
       WHERE v.plate = $2 AND b.port_code = $1 AND b.status = 'called' ORDER BY b.called_at DESC, b.id`,
      [port, plate],
    );
  }

  /** A port's time zone, if the port exists. */
  async timeZoneOf(db: DataSource | EntityManager, port: string): Promise<string | undefined> {
    return (await one<{ time_zone: string }>(db, `SELECT time_zone FROM ports WHERE code = $1`, [port]))?.time_zone;
  }

  /** A port's reads, newest first. */
  list(db: DataSource | EntityManager, port: string, f: ReadFilter, limit: number, offset: number): Promise<ReadRow[]> {
    return rows<ReadRow>(
      db,
      `SELECT ${READ}, EXISTS (SELECT 1 FROM gate_read_images i WHERE i.read_id = r.id) AS has_image
       FROM gate_reads r JOIN gate_devices d ON d.id = r.device_id
       WHERE r.port_code = $1 AND ($2::text IS NULL OR r.outcome = $2) AND ($3::timestamptz IS NULL OR r.received_at >= $3)
         AND (NOT $4::boolean OR (r.resolved_at IS NULL AND r.outcome = ANY($5::text[])))
       ORDER BY r.received_at DESC, r.id DESC LIMIT $6 OFFSET $7`,
      [port, f.outcome ?? null, f.from ?? null, f.open ?? false, OPEN_OUTCOMES, limit, offset],
    );
  }

  /** Keeps a read's picture (in the read's transaction). */
  async insertImage(em: EntityManager, readId: string, image: { contentType: string; bytes: Buffer }): Promise<void> {
    // rows(): sent as it is called, right behind the read's row (GateReadsService.store).
    await rows(em, `INSERT INTO gate_read_images (read_id, content_type, bytes) VALUES ($1, $2, $3)`, [
      readId,
      image.contentType,
      image.bytes,
    ]);
  }

  /** The kept picture of a read of `port`, if one. */
  image(db: DataSource | EntityManager, port: string, readId: string): Promise<ReadImage | undefined> {
    return one<ReadImage>(
      db,
      `SELECT i.content_type, i.bytes FROM gate_read_images i JOIN gate_reads r ON r.id = i.read_id
       WHERE i.read_id = $1 AND r.port_code = $2`,
      [readId, port],
    );
  }

  /** A read of `port`, its row locked until the caller's transaction ends (one resolution at a time). */
  lock(em: EntityManager, port: string, id: string): Promise<ReadRow | undefined> {
    return one<ReadRow>(
      em,
      `SELECT ${READ} FROM gate_reads r JOIN gate_devices d ON d.id = r.device_id
       WHERE r.id = $1 AND r.port_code = $2 FOR UPDATE OF r`,
      [id, port],
    );
  }

  /** Marks a read resolved by staff `by` at `at` (and the booking it checked in, if it did). */
  resolve(
    em: EntityManager,
    id: string,
    resolution: GateResolution,
    by: string,
    bookingId: string | null,
    at: Date,
  ): Promise<ReadRow> {
    return one<ReadRow>(
      em,
      `WITH r AS (
         UPDATE gate_reads SET resolved_at = $4, resolved_by = $3, resolution = $2,
           booking_id = COALESCE($5, booking_id)
         WHERE id = $1 RETURNING *
       )
       SELECT ${READ} FROM r JOIN gate_devices d ON d.id = r.device_id`,
      [id, resolution, by, at, bookingId],
    ) as Promise<ReadRow>;
  }

  /** Deletes up to `batch` reads taken before `before`; returns how many. */
  async purge(db: DataSource | EntityManager, before: Date, batch: number): Promise<number> {
    const gone = await rows<{ id: string }>(
      db,
      `DELETE FROM gate_reads WHERE id IN (SELECT id FROM gate_reads WHERE received_at < $1 LIMIT $2) RETURNING id`,
      [before, batch],
    );
    return gone.length;
  }
}
