import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rows } from '@kouan/common';
import type { DriverNotification } from './notification';

/** What telling a driver about an event needs, read in the relay's transaction. */
export interface RecipientRow {
  id: string;
  firm_id: string;
  reference: string;
  status: string;
  phone: string;
  language: string;
  port_name: string;
  time_zone: string;
  starts_at: Date;
}

/** The payload with `storedText` in place of `text`, where it has one: a secret leaves the row with its last send. */
const REDACT = `CASE WHEN payload ? 'storedText'
  THEN (payload - 'storedText') || jsonb_build_object('text', payload -> 'storedText') ELSE payload END`;

export interface DueNotification {
  id: string;
  channel: string;
  attempts: number;
  payload: DriverNotification;
}

/** The statements on `notifications` (this lib's table), and the reads of who to tell. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  recipients(em: EntityManager, bookingIds: string[]): Promise<RecipientRow[]> {
    return rows<RecipientRow>(
      em,
      `SELECT b.id, b.firm_id, b.reference, b.status, d.phone, d.language, COALESCE(p.names ->> d.language, p.name) AS port_name, p.time_zone, sl.starts_at
       FROM bookings b JOIN drivers d ON d.id = b.driver_id JOIN slots sl ON sl.id = b.slot_id JOIN ports p ON p.code = b.port_code
       WHERE b.id = ANY($1::uuid[])`,
      [bookingIds],
    );
  }

  laneNames(em: EntityManager, laneIds: string[]): Promise<Array<{ id: string; name: string }>> {
    return rows(em, 'SELECT id, name FROM lanes WHERE id = ANY($1::uuid[])', [laneIds]);
  }

  /** When the booking's driver-code texts since `since` were queued, oldest first (the hourly allowance). */
  async driverCodeTexts(em: EntityManager, bookingId: string, since: Date): Promise<Date[]> {
    const found = await rows<{ created_at: Date }>(
      em,
      `SELECT created_at FROM notifications
       WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code' AND created_at > $2 ORDER BY created_at`,
      [bookingId, since],
    );
    return found.map((r) => r.created_at);
  }

  /** One row per notification and channel, due at once (`at`); a batch relayed again adds nothing. */
  async add(
    em: EntityManager,
    notifications: Array<{ channel: string; n: DriverNotification }>,
    at: Date,
  ): Promise<void> {
    if (!notifications.length) return;
    await em.query(
      `INSERT INTO notifications (event_id, channel, booking_id, payload, next_at, created_at)
       SELECT x.event_id, x.channel, x.booking_id, x.payload, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, channel varchar, booking_id uuid, payload jsonb)
       ON CONFLICT ON CONSTRAINT uq_notifications_event_channel DO NOTHING`,
      [
        JSON.stringify(
          notifications.map(({ channel, n }) => ({
            event_id: n.eventId,
            channel,
            booking_id: n.bookingId,
            payload: n,
          })),
        ),
        at,
      ],
    );
  }

  /** Pending notifications due at `at`, oldest first, counted as attempted and leased for `leaseSeconds`. */
  claimDue(limit: number, leaseSeconds: number, at: Date): Promise<DueNotification[]> {
    return rows<DueNotification>(
      this.ds,
      `WITH due AS (
         SELECT id FROM notifications WHERE status = 'pending' AND next_at <= $3 ORDER BY next_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
       )
       UPDATE notifications n SET attempts = n.attempts + 1, next_at = $3::timestamptz + make_interval(secs => $2)
       FROM due WHERE n.id = due.id RETURNING n.id, n.channel, n.attempts, n.payload`,
      [limit, leaseSeconds, at],
    );
  }

  /** Extends the lease of notifications being sent to `leaseSeconds` after `at`. */
  async renewLease(ids: string[], at: Date, leaseSeconds: number): Promise<void> {
    await this.ds.query(
      `UPDATE notifications SET next_at = $2::timestamptz + make_interval(secs => $3)
       WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
      [ids, at, leaseSeconds],
    );
  }

  /**
   * The booking's driver-code texts not sent yet given up, their code blanked: a new code has ended theirs. One a
   * worker is sending at this moment still goes out (the worker holds its copy) and is then recorded as sent.
   */
  async supersedeDriverCodeTexts(em: EntityManager, bookingId: string): Promise<void> {
    await em.query(
      `UPDATE notifications SET status = 'dead', payload = ${REDACT}
       WHERE booking_id = $1 AND payload ->> 'kind' = 'driver_code' AND status = 'pending'`,
      [bookingId],
    );
  }

  async sent(id: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE notifications SET status = 'sent', sent_at = $2, payload = ${REDACT} WHERE id = $1`, [
      id,
      at,
    ]);
  }

  /** Tried again `retryInSeconds` after `at`, or given up (dead) when that is null. */
  async failed(id: string, retryInSeconds: number | null, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE notifications SET status = CASE WHEN $2::float8 IS NULL THEN 'dead' ELSE status END,
         next_at = CASE WHEN $2::float8 IS NULL THEN next_at ELSE $3::timestamptz + make_interval(secs => $2::float8) END,
         payload = CASE WHEN $2::float8 IS NULL THEN ${REDACT} ELSE payload END
       WHERE id = $1 AND status = 'pending'`,
      [id, retryInSeconds, at],
    );
  }
}
