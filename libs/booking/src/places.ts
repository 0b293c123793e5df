import { DataSource, EntityManager } from 'typeorm';
import { DomainError, notFound, one } from '@kouan/common';
import type { Direction } from '@kouan/ports';
import { strikesOf } from './strikes';

/** A slot's counter after a booking took or gave back a place, for slots:update. */
export interface SlotCount {
  slotId: string;
  portCode: string;
  direction: Direction;
  booked: number;
  capacity: number;
}

export interface TakenPlace extends SlotCount {
  serviceDate: string;
}

/**
 * The two conditional statements that take a place, as CTEs for one round trip ($1 = slot, $2 = firm):
 * `s` takes one place in the slot if it is open, not full and within the horizon; `u` then takes one of the
 * firm's share of that slot if the firm is below its quota. The slot row's lock serialises bookers of a slot,
 * and both WHERE clauses are re-checked on the locked, latest row versions, so no interleaving can push
 * `booked` past `capacity` or a firm past its share. When `u` takes nothing, the place `s` took must not
 * stay: a caller inside a transaction throws (placeOutcome does) so it rolls back; a single statement aborts
 * itself with kouan_refuse(). `guard` is an extra condition on `s`.
 *
 * The share is ⌈capacity × firm_quota_percent / 100⌉ places, halved (⌈capacity × firm_quota_percent / 200⌉, at
 * least 1) while the firm has more strikes (`st`, strikes.ts) than the port's strike_limit. The strikes are read
 * once per statement; the share they give is then held to by `u`'s re-checked WHERE like any other quota.
 */
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
 * what it holds there. $1 = the firm.
 */
export const FIRM_AVAILABILITY = `
  WITH st AS (SELECT ${strikesOf('$1')} AS strikes)
  SELECT sl.id AS slot_id, ${QUOTA('st.strikes')} AS quota, COALESCE(u.booked, 0) AS held,
         GREATEST(0, LEAST(sl.capacity - sl.booked, ${QUOTA('st.strikes')} - COALESCE(u.booked, 0))) AS available_to_you
  FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code CROSS JOIN st
  LEFT JOIN slot_firm_usage u ON u.slot_id = sl.id AND u.firm_id = $1
  WHERE sl.id = ANY($2::uuid[])`;

export const placeCtes = (guard = 'true') => `
  st AS (SELECT ${strikesOf('$2')} AS strikes),
  s AS (
    UPDATE slots sl SET booked = sl.booked + 1
    FROM schedules sc, ports p, st
    WHERE sl.id = $1 AND (${guard}) AND sc.port_code = sl.port_code AND p.code = sl.port_code
      AND sl.retired_at IS NULL AND sl.booked < sl.capacity
      AND sl.ends_at > now() AND sl.starts_at <= now() + make_interval(days => sc.horizon_days)
    RETURNING sl.port_code, sl.direction, sl.booked, sl.capacity,
      to_char(sl.starts_at AT TIME ZONE p.time_zone, 'YYYY-MM-DD') AS service_date,
      st.strikes > sc.strike_limit AS quota_halved,
      ${QUOTA('st.strikes')} AS quota
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

/** The place taken, or the reason none was (thrown, so the transaction rolls back). */
export async function placeOutcome(
  db: EntityManager | DataSource,
  slotId: string,
  row: PlaceRow | undefined,
): Promise<TakenPlace> {
  if (!row?.port_code) throw await whySlotRefused(db, slotId);
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
export async function takePlace(em: EntityManager, slotId: string, firmId: string): Promise<TakenPlace> {
  const row = await one<PlaceRow>(em, `WITH ${placeCtes()} SELECT s.*, EXISTS (SELECT 1 FROM u) AS quota_ok FROM s`, [
    slotId,
    firmId,
  ]);
  return placeOutcome(em, slotId, row);
}

/** Gives back a place taken by `takePlace`. */
export async function freePlace(em: EntityManager, slotId: string, firmId: string): Promise<SlotCount> {
  const slot = await one<{ port_code: string; direction: Direction; booked: number; capacity: number }>(
    em,
    'UPDATE slots SET booked = booked - 1 WHERE id = $1 RETURNING port_code, direction, booked, capacity',
    [slotId],
  );
  await em.query('UPDATE slot_firm_usage SET booked = booked - 1 WHERE slot_id = $1 AND firm_id = $2', [
    slotId,
    firmId,
  ]);
  const s = slot as NonNullable<typeof slot>;
  return { slotId, portCode: s.port_code, direction: s.direction, booked: s.booked, capacity: s.capacity };
}

/** Runs only after the conditional UPDATE matched nothing, to name the reason. */
async function whySlotRefused(db: EntityManager | DataSource, slotId: string): Promise<DomainError> {
  const s = await one<{ retired: boolean; ended: boolean; beyond: boolean; horizon_days: number }>(
    db,
    `SELECT sl.retired_at IS NOT NULL AS retired, sl.ends_at <= now() AS ended,
            sl.starts_at > now() + make_interval(days => sc.horizon_days) AS beyond, sc.horizon_days
     FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code WHERE sl.id = $1`,
    [slotId],
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
