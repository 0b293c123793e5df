import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, notFound, one, rows } from '@kouan/common';
import { PortEvents, RELEASE_SLOT_PLACE, TAKE_SLOT_PLACE, type Direction } from '@kouan/ports';
import { strikesOf } from './strikes.repository';

/** A slot's counter after a booking took or gave back a place, for slots:update. */
export interface SlotCount {
  slotId: string;
  portCode: string;
  direction: Direction;
  booked: number;
  capacity: number;
}

/** The slots' counters after a change, each as a `slots.changed` port event in the change's transaction. */
export async function announceSlots(
  events: PortEvents,
  em: EntityManager,
  at: Date,
  counts: SlotCount[],
): Promise<void> {
  for (const c of counts) {
    const data = { slotId: c.slotId, booked: c.booked, capacity: c.capacity };
    await events.append(em, { type: 'slots.changed', portCode: c.portCode, direction: c.direction, data }, at);
  }
}

export interface TakenPlace extends SlotCount {
  serviceDate: string;
}

/** A slot of a reschedule, locked. */
export interface LockedSlotRow {
  id: string;
  port_code: string;
  direction: Direction;
}

/** A firm's figures in one slot (FIRM_AVAILABILITY). */
export interface FirmAvailabilityRow {
  slot_id: string;
  quota: number;
  held: number;
  available_to_you: number;
}

/**
 * SQL: a firm's share of slot `sl` under schedule `sc`, given its `strikes`: ⌈capacity × quota% / 100⌉, halved
 * (at least 1) above the port's strike limit. Booking (placeCtes) and the firm's availability use this one.
 */
const QUOTA = (
  strikes: string,
) => `CASE WHEN ${strikes} > sc.strike_limit THEN GREATEST((sl.capacity * sc.firm_quota_percent + 199) / 200, 1)
           ELSE (sl.capacity * sc.firm_quota_percent + 99) / 100 END`;

/**
 * What a firm may still book in each of `slotIds` ($2): the slot's free places, and no more than its share less
 * what it holds there. $1 = the firm, $3 = the instant its strikes are counted at.
 */
const FIRM_AVAILABILITY = `
  WITH st AS (SELECT ${strikesOf('$1', '$3::timestamptz')} AS strikes)
  SELECT sl.id AS slot_id, ${QUOTA('st.strikes')} AS quota, COALESCE(u.booked, 0) AS held,
         GREATEST(0, LEAST(sl.capacity - sl.booked, ${QUOTA('st.strikes')} - COALESCE(u.booked, 0))) AS available_to_you
  FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code CROSS JOIN st
  LEFT JOIN slot_firm_usage u ON u.slot_id = sl.id AND u.firm_id = $1
  WHERE sl.id = ANY($2::uuid[])`;

/**
 * The two conditional statements that take a place, as CTEs for one round trip ($1 = slot, $2 = firm, `at` = the
 * instant, an SQL parameter): `s` takes one place in the slot if it is open, not full and within the horizon (the
 * ports lib's TAKE_SLOT_PLACE: `slots` is its table); `u` then takes one of the firm's share of that slot if the
 * firm is below its quota. The slot row's lock serialises bookers of a slot, and both WHERE clauses are re-checked
 * on the locked, latest row versions, so no interleaving can push `booked` past `capacity` or a firm past its share.
 * When `u` takes nothing, the place `s` took must not stay: a caller inside a transaction throws (outcome() does) so
 * it rolls back; a single statement aborts itself with kouan_refuse(). `guard` is an extra condition on `s`.
 *
 * The share is ⌈capacity × firm_quota_percent / 100⌉ places, halved (⌈capacity × firm_quota_percent / 200⌉, at
 * least 1) while the firm has more strikes (`st`, strikes.repository.ts) than the port's strike_limit. The strikes
 * are read once per statement; the share they give is then held to by `u`'s re-checked WHERE like any other quota.
 */
export const placeCtes = (at: string, guard = 'true') => `
  st AS (SELECT ${strikesOf('$2', at)} AS strikes),
  s AS (${TAKE_SLOT_PLACE(
    at,
    guard,
    ', st',
    `,
      st.strikes > sc.strike_limit AS quota_halved,
      ${QUOTA('st.strikes')} AS quota`,
  )}
  ), u AS (
    INSERT INTO slot_firm_usage AS u (slot_id, firm_id, booked) SELECT $1, $2, 1 FROM s
    ON CONFLICT (slot_id, firm_id) DO UPDATE SET booked = u.booked + 1 WHERE u.booked < (SELECT quota FROM s)
    RETURNING u.booked
  )`;

/** What a statement built on placeCtes reports: `s`'s row (absent when no place was taken) and whether `u` took a share. */
export interface PlaceRow {
  port_code: string | null;
  direction: Direction;
  booked: number;
  capacity: number;
  service_date: string;
  quota: number;
  quota_halved: boolean;
  quota_ok: boolean;
}

/** The firm holds its share of the slot already (`halved`: the share was halved for its strikes). */
export const quotaExceeded = (quota: number, halved: boolean) =>
  new DomainError(
    'quota_exceeded',
    `a firm may hold at most ${quota} places in this slot${halved ? " (half its usual share: more no-shows in the last 30 days than the port's strike limit)" : ''}`,
    { quota, quotaHalved: halved },
  );

/**
 * The places of slots (capacity, via the ports lib's fragments) and the firms' shares of them (`slot_firm_usage`,
 * this lib's table), each taken by one statement (placeCtes) so capacity and quota hold under any concurrency.
 */
@Injectable()
export class PlacesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The place taken, or the reason none was (thrown, so the transaction rolls back). */
  async outcome(
    db: EntityManager | DataSource,
    slotId: string,
    row: PlaceRow | undefined,
    at: Date,
  ): Promise<TakenPlace> {
    if (!row?.port_code) throw await this.whySlotRefused(db, slotId, at);
    if (!row.quota_ok) throw quotaExceeded(row.quota, row.quota_halved);
    return {
      slotId,
      portCode: row.port_code,
      direction: row.direction,
      serviceDate: row.service_date,
      booked: row.booked,
      capacity: row.capacity,
    };
  }

  /** Takes one place in a slot for a firm, or throws why not. */
  async take(em: EntityManager, slotId: string, firmId: string, at: Date): Promise<TakenPlace> {
    const row = await one<PlaceRow>(
      em,
      `WITH ${placeCtes('$3::timestamptz')} SELECT s.*, EXISTS (SELECT 1 FROM u) AS quota_ok FROM s`,
      [slotId, firmId, at],
    );
    return this.outcome(em, slotId, row, at);
  }

  /** Gives back a place taken by `take` (or by the booking statement). */
  async free(em: EntityManager, slotId: string, firmId: string): Promise<SlotCount> {
    const slot = await one<{ port_code: string; direction: Direction; booked: number; capacity: number }>(
      em,
      RELEASE_SLOT_PLACE,
      [slotId],
    );
    await em.query('UPDATE slot_firm_usage SET booked = booked - 1 WHERE slot_id = $1 AND firm_id = $2', [
      slotId,
      firmId,
    ]);
    const s = slot as NonNullable<typeof slot>;
    return { slotId, portCode: s.port_code, direction: s.direction, booked: s.booked, capacity: s.capacity };
  }

  /** Both slots of a reschedule, locked in id order (two reschedules crossing between them cannot deadlock). */
  lockSlots(em: EntityManager, ids: string[]): Promise<LockedSlotRow[]> {
    return rows<LockedSlotRow>(
      em,
      'SELECT id, port_code, direction FROM slots WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [ids],
    );
  }

  /** A firm's quota, holding and what it may still book in each of `slotIds`, its strikes counted at `at`. */
  availability(firmId: string, slotIds: string[], at: Date): Promise<FirmAvailabilityRow[]> {
    return rows<FirmAvailabilityRow>(this.ds, FIRM_AVAILABILITY, [firmId, slotIds, at]);
  }

  /** Runs only after the conditional UPDATE matched nothing, to name the reason. */
  private async whySlotRefused(db: EntityManager | DataSource, slotId: string, at: Date): Promise<DomainError> {
    const s = await one<{ retired: boolean; ended: boolean; beyond: boolean; horizon_days: number }>(
      db,
      `SELECT sl.retired_at IS NOT NULL AS retired, sl.ends_at <= $2::timestamptz AS ended,
              sl.starts_at > $2::timestamptz + make_interval(days => sc.horizon_days) AS beyond, sc.horizon_days
       FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code WHERE sl.id = $1`,
      [slotId, at],
    );
    if (!s) return notFound('slot');
    if (s.retired)
      return new DomainError('slot_unavailable', 'this slot was withdrawn by a schedule change; pick another');
    if (s.ended) return new DomainError('slot_past', 'this slot has already ended');
    if (s.beyond) {
      return new DomainError('outside_horizon', `slots can be booked at most ${s.horizon_days} days ahead`, {
        horizonDays: s.horizon_days,
      });
    }
    return new DomainError('slot_full', 'this slot is fully booked');
  }
}
