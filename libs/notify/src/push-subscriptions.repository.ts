import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';

/** Where and how to push to a booking's driver: the browser's subscription. */
export interface PushSubscriptionRow {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Statuses after which a booking's driver has nothing more to be told. */
const ENDED = ['completed', 'cancelled', 'no_show'];

/** The statements on `push_subscriptions` (this lib's table). */
@Injectable()
export class PushSubscriptionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Stores the subscription of a booking that has not ended, replacing the one it had; false when the booking has
   * ended (nothing stored). `codeVersion` is the driver code the token was signed under.
   */
  async put(bookingId: string, codeVersion: number, s: PushSubscriptionRow, at: Date): Promise<boolean> {
    const stored = await one<{ booking_id: string }>(
      this.ds,
      `INSERT INTO push_subscriptions (booking_id, endpoint, p256dh, auth, code_version, created_at)
       SELECT b.id, $3, $4, $5, $2, $6 FROM bookings b WHERE b.id = $1 AND b.status <> ALL($7::varchar[])
       ON CONFLICT (booking_id) DO UPDATE SET endpoint = EXCLUDED.endpoint, p256dh = EXCLUDED.p256dh,
         auth = EXCLUDED.auth, code_version = EXCLUDED.code_version, created_at = EXCLUDED.created_at
       RETURNING booking_id`,
      [bookingId, codeVersion, s.endpoint, s.p256dh, s.auth, at, ENDED],
    );
    return stored !== undefined;
  }

  async remove(bookingId: string): Promise<void> {
    await this.ds.query('DELETE FROM push_subscriptions WHERE booking_id = $1', [bookingId]);
  }

  /** The push service said the subscription is gone (404, 410): forgotten unless the driver has replaced it since. */
  async removeGone(bookingId: string, endpoint: string): Promise<void> {
    await this.ds.query('DELETE FROM push_subscriptions WHERE booking_id = $1 AND endpoint = $2', [
      bookingId,
      endpoint,
    ]);
  }

  /** The bookings' subscriptions go with them, in the relay's transaction of the event that ended them. */
  async removeOf(em: EntityManager, bookingIds: string[]): Promise<void> {
    await em.query('DELETE FROM push_subscriptions WHERE booking_id = ANY($1::uuid[])', [bookingIds]);
  }

  /** Of these bookings, those with a subscription. */
  async subscribed(em: EntityManager, bookingIds: string[]): Promise<Set<string>> {
    const found = await rows<{ booking_id: string }>(
      em,
      'SELECT booking_id FROM push_subscriptions WHERE booking_id = ANY($1::uuid[])',
      [bookingIds],
    );
    return new Set(found.map((r) => r.booking_id));
  }

  /**
   * The booking's subscription, if made under its current driver code: one made by a phone whose code was since
   * replaced is deleted and not used (the new code ended that phone's sessions).
   */
  async current(bookingId: string): Promise<PushSubscriptionRow | null> {
    const found = await rows<PushSubscriptionRow>(
      this.ds,
      `WITH stale AS (
         DELETE FROM push_subscriptions s USING bookings b
         WHERE s.booking_id = $1 AND b.id = s.booking_id AND s.code_version <> b.driver_code_version
         RETURNING s.booking_id
       )
       SELECT s.endpoint, s.p256dh, s.auth FROM push_subscriptions s
       WHERE s.booking_id = $1 AND NOT EXISTS (SELECT 1 FROM stale)`,
      [bookingId],
    );
    return found[0] ?? null;
  }
}
