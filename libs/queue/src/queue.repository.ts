import { DataSource, EntityManager } from 'typeorm';
import type { BookingStatus } from '@kouan/booking';
import { one, rows, StatementOptions } from '@kouan/common';
import { LOCK_PORT_AREAS } from '@kouan/parking';
import { FEES_IN_FORCE } from '@kouan/ports';

/**
 * The statements that read a queue: its order (one definition, PLACE), the details of its trucks, its lanes'
 * pace and its version. Services build views from these rows (QueueReadService) or take the head (lanes).
 *
 * The order depends on the time (which slots have started): every statement that orders the line takes the
 * instant it is judged at as `$3` (AT), from the caller's Clock; `$1` is the port, `$2` the direction, and a
 * statement's own parameters follow from `$4`.
 */
const AT = '$3::timestamptz';

/**
 * The queue's reads inside a change (under its lock) and the head's: long statements whose planning cost more than
 * their execution, so each connection plans them once (rows(), `prepare`).
 */
const PREPARED: StatementOptions = { prepare: true };

/** The green channel's parameters: regular trucks since the last green one, and the ratio. */
const ST = `st AS (
    SELECT COALESCE((SELECT regular_since_priority FROM queue_state WHERE port_code = $1 AND direction = $2), 0) AS since,
           COALESCE((SELECT priority_ratio FROM schedules WHERE port_code = $1), 3) AS ratio
  )`;

/** The waiting trucks (w) with their group flags, and the groups' sizes (n). */
const QUEUE_PARAMS = `
  ${ST}, w AS (
    SELECT b.id, b.queue_key, b.front_key, b.front_key IS NOT NULL AS held, sl.starts_at, sl.starts_at > ${AT} AS later,
           (b.priority AND sl.starts_at <= ${AT}) AS green
    FROM bookings b JOIN slots sl ON sl.id = b.slot_id
    WHERE b.port_code = $1 AND b.direction = $2 AND b.status = 'checked_in'
  ), n AS (
    SELECT count(*) FILTER (WHERE held) AS held_n,
           count(*) FILTER (WHERE NOT held AND NOT later AND NOT green) AS regulars,
           count(*) FILTER (WHERE NOT held AND NOT later AND green) AS greens
    FROM w
  )`;

/** A truck's group (held; else later, green or a regular of the merge) and its order inside it. */
const GROUP = 'held, (later AND NOT held), (green AND NOT held)';
const IN_GROUP = '(CASE WHEN held THEN -front_key END), (CASE WHEN later THEN starts_at END), queue_key';

/**
 * The place of a row of `w` with rank `rnk` in its group, from the sizes of the groups (`n`): the one definition
 * of the order, which the whole line (WAITING_ORDER), one truck's place (POSITIONS_OF) and the head (HEAD) share.
 *   held:  held trucks by front_key, larger first: place = rank.
 *   later: after the held and the merge, by slot and check-in.
 *   merge: regulars by check-in; the g-th green goes after A + (g - 1) * ratio regulars, A = max(ratio - since, 0).
 *          So a regular of rank r has min(greens, max(0, ceil((r - A - 0.5) / ratio))) greens ahead of it, and a
 *          green of rank g has min(regulars, A + (g - 1) * ratio) regulars ahead of it.
 */
const PLACE = (row: string, rnk: string) => `(CASE
    WHEN ${row}.held THEN ${rnk}
    WHEN ${row}.later THEN n.held_n + n.regulars + n.greens + ${rnk}
    WHEN ${row}.green THEN n.held_n + ${rnk} + LEAST(n.regulars, GREATEST(st.ratio - st.since, 0) + (${rnk} - 1) * st.ratio)
    ELSE n.held_n + ${rnk} + LEAST(n.greens, GREATEST(0, ceil((${rnk} - GREATEST(st.ratio - st.since, 0) - 0.5) / st.ratio::numeric)))
  END)::int`;

/**
 * The waiting line of one port and direction, as the database orders it. First the trucks a skip holds at the
 * front (front_key set: the truck that was first in line at a skip, and the skipped trucks behind it), larger
 * front_key first. Then the merge: trucks of current and earlier slots by check-in order (queue_key, from a
 * sequence), a green-channel truck after every `ratio` regular ones (counting those that left the merge from
 * its head, by a call or by being held at a skip, since the last green one); trucks of later slots after them,
 * by slot and then check-in order. Held trucks are outside the merge: they take no part in its counting.
 * `held` says whether a truck is held. $1 = port, $2 = direction, $3 = at.
 */
export const WAITING_ORDER = `
  WITH ${QUEUE_PARAMS}, r AS (
    SELECT w.*, row_number() OVER (PARTITION BY ${GROUP} ORDER BY ${IN_GROUP}) AS rnk FROM w
  )
  SELECT r.id, r.green, r.held, ${PLACE('r', 'r.rnk')} AS position
  FROM r, n, st`;

/**
 * The places of the waiting trucks among `$4` (uuid[]), from counts alone (no sort of the line): each one's rank
 * is the number of trucks of its group not after it. $1 = port, $2 = direction, $3 = at.
 */
export const POSITIONS_OF = `
  WITH ${QUEUE_PARAMS}
  SELECT x.id, x.green, x.held, ${PLACE('x', 'k.rnk')} AS position
  FROM w x CROSS JOIN n CROSS JOIN st
  CROSS JOIN LATERAL (
    SELECT count(*) AS rnk FROM w
    WHERE (w.held, w.later AND NOT w.held, w.green AND NOT w.held) = (x.held, x.later AND NOT x.held, x.green AND NOT x.held)
      AND (CASE WHEN x.held THEN w.front_key >= x.front_key
                WHEN x.later THEN (w.starts_at, w.queue_key) <= (x.starts_at, x.queue_key)
                ELSE w.queue_key <= x.queue_key END)
  ) k
  WHERE x.id = ANY($4::uuid[])`;

/**
 * The groups' sizes (`n`, as PLACE reads them) from the counts the database keeps (queue_counts, `c`): a few sums
 * over the queue's slots instead of a count of the line. $1 = port, $2 = direction, $3 = at.
 */
const KEPT_SIZES = `c AS (
    SELECT held, priority, starts_at, starts_at > ${AT} AS later, waiting FROM queue_counts WHERE port_code = $1 AND direction = $2
  ), n AS (
    SELECT COALESCE(sum(waiting) FILTER (WHERE held), 0) AS held_n,
           COALESCE(sum(waiting) FILTER (WHERE NOT held AND NOT later AND NOT priority), 0) AS regulars,
           COALESCE(sum(waiting) FILTER (WHERE NOT held AND NOT later AND priority), 0) AS greens
    FROM c
  )`;

/**
 * The place of the truck that has just joined the waiting line (`$4[1]`), from the groups' sizes the database keeps
 * (queue_counts) instead of a count of the line: a few sums over the queue's slots. A truck joins either held (a
 * skip: ranked among the few held trucks, along ix_bookings_held) or by check-in, with the newest queue_key, so it
 * is the last of its group: its rank is the group's size, or for a later slot the later trucks of its slot and the
 * slots before. Valid only for that truck, under the queue lock, after its statement. $1 = port, $2 = direction, $3 = at.
 * The rank's subquery (k) is kept apart (OFFSET 0): pulled up, its CASE with two subqueries was copied into each of
 * PLACE's four uses of the rank, and planning the copies took 4.9 of the statement's 6 ms under the lock.
 */
export const JOINED_PLACE = `
  WITH ${ST}, ${KEPT_SIZES}, x AS (
    SELECT b.id, b.front_key, b.front_key IS NOT NULL AS held, sl.starts_at, sl.starts_at > ${AT} AS later,
           (b.priority AND sl.starts_at <= ${AT}) AS green
    FROM bookings b JOIN slots sl ON sl.id = b.slot_id
    WHERE b.id = ($4::uuid[])[1] AND b.port_code = $1 AND b.direction = $2 AND b.status = 'checked_in'
  )
  SELECT x.id, x.green, x.held, ${PLACE('x', 'k.rnk')} AS position
  FROM x CROSS JOIN n CROSS JOIN st
  CROSS JOIN LATERAL (SELECT CASE
    WHEN x.held THEN (SELECT count(*) FROM bookings h
                      WHERE h.port_code = $1 AND h.direction = $2 AND h.status = 'checked_in' AND h.front_key >= x.front_key)
    WHEN x.later THEN (SELECT sum(waiting) FROM c WHERE NOT c.held AND c.later AND c.starts_at <= x.starts_at)
    WHEN x.green THEN n.greens
    ELSE n.regulars END AS rnk OFFSET 0) k`;

/** The first `limit` waiting trucks of one group (`where`, `order`), read along the waiting index: no scan of the line. */
const FIRST = (where: string, order: string, limit = '1') => `(
    SELECT b.id, b.queue_key, b.front_key, b.front_key IS NOT NULL AS held, sl.starts_at, sl.starts_at > ${AT} AS later,
           (b.priority AND sl.starts_at <= ${AT}) AS green
    FROM bookings b JOIN slots sl ON sl.id = b.slot_id
    WHERE b.port_code = $1 AND b.direction = $2 AND b.status = 'checked_in' AND ${where}
    ORDER BY ${order} LIMIT ${limit})`;

/**
 * Whether any truck waits in the groups `cond` names (of queue_counts' rows, `c`): a few rows, read before a group's
 * walk so an empty group is not walked. Along the waiting index, a group with no truck was a scan of the whole line
 * to find none (1.5 ms each for the green and the later group at 5,000 waiting, in every call-next's HEAD).
 */
const ANY_WAITING = (cond: string) =>
  `EXISTS (SELECT 1 FROM queue_counts c WHERE c.port_code = $1 AND c.direction = $2 AND NOT c.held AND ${cond})`;

/** Each group's first trucks, as FIRST takes them: held, green, regular, later. */
const GROUP_FIRSTS = (limit: string) => `
    ${FIRST('b.front_key IS NOT NULL', 'b.front_key DESC', limit)}
    UNION ALL ${FIRST(`b.front_key IS NULL AND b.priority AND sl.starts_at <= ${AT} AND ${ANY_WAITING(`c.priority AND c.starts_at <= ${AT}`)}`, 'b.queue_key', limit)}
    UNION ALL ${FIRST(`b.front_key IS NULL AND NOT b.priority AND sl.starts_at <= ${AT} AND ${ANY_WAITING(`NOT c.priority AND c.starts_at <= ${AT}`)}`, 'b.queue_key', limit)}
    UNION ALL ${FIRST(`b.front_key IS NULL AND sl.starts_at > ${AT} AND ${ANY_WAITING(`c.starts_at > ${AT}`)}`, 'sl.starts_at, b.queue_key', limit)}`;

/**
 * The head of the line: of the first truck of each group (held, green, regular, later), the one at place 1.
 * Each first is one walk along an index that stops at its first row; the groups' sizes in PLACE are then
 * counted among the firsts (0 or 1 each), which decides place 1 exactly as the true sizes would: a first is at
 * place 1 only when the groups ahead of it are empty, and for the merge's first green or regular, only
 * whether the other kind is empty matters. $1 = port, $2 = direction, $3 = at.
 */
export const HEAD = `
  WITH ${ST}, firsts AS (${GROUP_FIRSTS('1')}), n AS (
    SELECT count(*) FILTER (WHERE held) AS held_n,
           count(*) FILTER (WHERE NOT held AND NOT later AND NOT green) AS regulars,
           count(*) FILTER (WHERE NOT held AND NOT later AND green) AS greens
    FROM firsts
  )
  SELECT f.id, f.green, f.held FROM firsts f, n, st WHERE ${PLACE('f', '1')} = 1`;

/**
 * The first `$4` places of the line without ordering all of it: any truck among them is among the first `$4` of
 * its group, so each group's first `$4` (index walks) ranked within the group are ranked as in the whole line, and
 * the groups' true sizes come from the counts the database keeps (queue_counts, as JOINED_PLACE reads them).
 * $1 = port, $2 = direction, $3 = at, $4 = how many.
 */
export const HEAD_N = `
  WITH ${ST}, ${KEPT_SIZES}, w AS (${GROUP_FIRSTS('$4')}), r AS (
    SELECT w.*, row_number() OVER (PARTITION BY ${GROUP} ORDER BY ${IN_GROUP}) AS rnk FROM w
  )
  SELECT r.id, r.green, r.held, ${PLACE('r', 'r.rnk')} AS position
  FROM r, n, st ORDER BY position LIMIT $4`;

export interface DetailRow {
  id: string;
  firm_id: string;
  reference: string;
  status: string;
  green: boolean | null;
  position: number | null;
  plate: string;
  language: string;
  starts_at: Date;
  time_zone: string;
  bay: number | null;
  overflow: boolean;
  parking_area_id: string | null;
  area_name: string | null;
  lat: number | null;
  lon: number | null;
  reefer_bays: number | null;
  directions: Record<string, string> | null;
  lane_id: string | null;
  lane_name: string | null;
  called_at: Date | null;
  at_lane_at: Date | null;
  instructions: string | null;
  checked_in_at: Date | null;
  driver_name: string;
  driver_phone: string;
  firm_name: string;
  cargo_description: string;
  perishable: boolean;
  green_channel: boolean;
}

const DETAILS = `
  SELECT b.id, b.firm_id, b.reference, b.status, v.plate, d.language, sl.starts_at, p.time_zone, b.bay, b.overflow,
         b.parking_area_id, COALESCE(pa.names ->> d.language, pa.name) AS area_name, pa.lat, pa.lon, pa.reefer_bays,
         -- Only the text toParkingDto picks for this driver (own language, else en, else zh), under the driver's
         -- language: the whole jsonb in every language, on every row, was most of the bytes of a long queue's read.
         CASE WHEN pa.id IS NOT NULL THEN jsonb_build_object(d.language,
           COALESCE(pa.directions ->> d.language, pa.directions ->> 'en', pa.directions ->> 'zh')) END AS directions,
         b.lane_id, l.name AS lane_name, b.called_at, b.at_lane_at, b.instructions,
         -- For the staff view only (who to phone, what is loaded, why green); the board and drivers never get them.
         -- Cut to 60 characters: every change carries them through Redis (issue 7's bound: 2 KiB a change, flat).
         b.checked_in_at, left(d.name, 60) AS driver_name, d.phone AS driver_phone, left(f.name, 60) AS firm_name,
         left(b.cargo_description, 60) AS cargo_description, b.perishable,
         b.priority AS green_channel
  FROM bookings b
  JOIN vehicles v ON v.id = b.vehicle_id
  JOIN drivers d ON d.id = b.driver_id
  JOIN firms f ON f.id = b.firm_id
  JOIN slots sl ON sl.id = b.slot_id
  JOIN ports p ON p.code = b.port_code
  LEFT JOIN parking_areas pa ON pa.id = b.parking_area_id
  LEFT JOIN lanes l ON l.id = b.lane_id`;

export interface LaneRow {
  id: string;
  name: string;
  direction: string;
  status: string;
  median_minutes: number | null;
}

/** The minutes a truck takes at a lane until the port's schedule or the lane's own trucks say otherwise. */
export const DEFAULT_SERVICE_MINUTES = 8;

/**
 * A lane's pace (SQL over the lane `l`): the median minutes from call to completion of its last 20 completed
 * trucks, null before its first. The ETAs of the queue and the open data feed's wait estimate both use it.
 */
export const LANE_PACE_MINUTES = (l: string) => `(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t.minutes) FROM (
               SELECT extract(epoch FROM b.completed_at - b.called_at) / 60 AS minutes FROM bookings b
               WHERE b.lane_id = ${l}.id AND b.status = 'completed' ORDER BY b.completed_at DESC LIMIT 20) t)`;

/**
 * Lanes of a direction with the median of their last 20 service times (call to complete), in minutes, and the
 * port's default service time (until a lane has measurements), in one round trip: a row per lane, or one row
 * without a lane when the direction has none.
 */
export async function laneRows(
  em: EntityManager,
  port: string,
  direction: string,
): Promise<{ lanes: LaneRow[]; defaultServiceMinutes: number }> {
  const found = await rows<LaneRow & { id: string | null; default_service_minutes: number }>(
    em,
    `SELECT l.id, l.name, l.direction, l.status,
            ${LANE_PACE_MINUTES('l')} AS median_minutes,
            COALESCE((SELECT default_service_minutes FROM schedules WHERE port_code = $1), ${DEFAULT_SERVICE_MINUTES}) AS default_service_minutes
     FROM (SELECT 1) one LEFT JOIN lanes l ON l.port_code = $1 AND l.direction = $2 ORDER BY l.name`,
    [port, direction],
    PREPARED,
  );
  return {
    lanes: found.filter((l) => l.id !== null),
    defaultServiceMinutes: found[0]?.default_service_minutes ?? DEFAULT_SERVICE_MINUTES,
  };
}

/**
 * Details of the queue's trucks. `mode` queue: the waiting and called ones and `ids`, in queue order; touched: `ids`
 * alone, with their places counted in the line. (A change's own read under the lock is changeRows.)
 */
export function detailRows(
  em: EntityManager,
  port: string,
  direction: string,
  ids: string[],
  mode: 'queue' | 'touched',
  at: Date,
): Promise<DetailRow[]> {
  // MATERIALIZED: inlined into the join, the order would be computed again for every row.
  return rows<DetailRow>(
    em,
    `WITH q AS MATERIALIZED (${mode === 'queue' ? WAITING_ORDER : POSITIONS_OF})
     SELECT x.*, q.green, q.position FROM (${DETAILS}
       WHERE b.port_code = $1 AND b.direction = $2 AND (${mode === 'queue' ? "b.status IN ('checked_in', 'called') OR " : ''}b.id = ANY($4::uuid[]))) x
     LEFT JOIN q ON q.id = x.id
     ORDER BY q.position NULLS LAST, x.called_at`,
    [port, direction, at, ids],
    PREPARED,
  );
}

/**
 * What a queue change reads under the queue's lock, in one round trip: the lanes with their pace (as laneRows) and
 * the details of the trucks it touched. `joined`: `ids`, the first of them just joined the line and gets its place
 * from the kept group sizes (JOINED_PLACE), the others none; moved: `ids` alone, without places (none is waiting).
 * One row per truck, each carrying the lanes (a change touches one or two trucks), or one without a truck.
 */
export async function changeRows(
  em: EntityManager,
  port: string,
  direction: string,
  ids: string[],
  mode: 'joined' | 'moved',
  at: Date,
): Promise<{ lanes: LaneRow[]; defaultServiceMinutes: number; details: DetailRow[] }> {
  const lanes = `ln AS (
      SELECT COALESCE(json_agg(json_build_object('id', l.id, 'name', l.name, 'direction', l.direction, 'status', l.status,
                                                 'median_minutes', ${LANE_PACE_MINUTES('l')}) ORDER BY l.name), '[]') AS lanes,
             COALESCE((SELECT default_service_minutes FROM schedules WHERE port_code = $1), ${DEFAULT_SERVICE_MINUTES}) AS default_service_minutes
      FROM lanes l WHERE l.port_code = $1 AND l.direction = $2
    )`;
  const found = await rows<Partial<DetailRow> & { lanes: LaneRow[]; default_service_minutes: number }>(
    em,
    mode === 'moved'
      ? // No places, so no order and no instant: none of these trucks is waiting.
        `WITH ${lanes}
         SELECT ln.lanes, ln.default_service_minutes, x.*, NULL::boolean AS green, NULL::int AS position
         FROM ln LEFT JOIN (${DETAILS} WHERE b.port_code = $1 AND b.direction = $2 AND b.id = ANY($3::uuid[])) x ON true
         ORDER BY x.called_at`
      : // MATERIALIZED: inlined into the join, the place would be computed again for every row.
        `WITH ${lanes}, q AS MATERIALIZED (${JOINED_PLACE})
         SELECT ln.lanes, ln.default_service_minutes, x.*, q.green, q.position
         FROM ln LEFT JOIN (${DETAILS} WHERE b.port_code = $1 AND b.direction = $2 AND b.id = ANY($4::uuid[])) x ON true
         LEFT JOIN q ON q.id = x.id
         ORDER BY q.position NULLS LAST, x.called_at`,
    mode === 'moved' ? [port, direction, ids] : [port, direction, at, ids],
    PREPARED,
  );
  return {
    lanes: found[0].lanes,
    defaultServiceMinutes: found[0].default_service_minutes,
    details: found.filter((r) => r.id !== null) as DetailRow[],
  };
}

/** Details of the first `limit` waiting trucks, in queue order, with their places. */
export function headRows(
  em: EntityManager,
  port: string,
  direction: string,
  limit: number,
  at: Date,
): Promise<DetailRow[]> {
  // Only the head is ordered (HEAD_N), and only its details are read.
  return rows<DetailRow>(
    em,
    `WITH h AS MATERIALIZED (${HEAD_N})
     SELECT x.*, h.green, h.position FROM (${DETAILS}
       WHERE b.port_code = $1 AND b.direction = $2 AND b.id IN (SELECT id FROM h)) x
     JOIN h ON h.id = x.id
     ORDER BY h.position`,
    [port, direction, at, limit],
    PREPARED,
  );
}

/** A firm's trucks in a queue now (checked in or called), by port and direction. */
export function firmActiveTrucks(
  db: DataSource | EntityManager,
  firmId: string,
): Promise<Array<{ port_code: string; direction: string; ids: string[] }>> {
  return rows(
    db,
    `SELECT port_code, direction, array_agg(id) AS ids FROM bookings
     WHERE firm_id = $1 AND status IN ('checked_in', 'called') GROUP BY port_code, direction`,
    [firmId],
  );
}

export async function queueVersion(em: EntityManager, port: string, direction: string): Promise<number> {
  const state = await one<{ version: string }>(
    em,
    'SELECT version FROM queue_state WHERE port_code = $1 AND direction = $2',
    [port, direction],
  );
  return Number(state?.version ?? 0);
}

export async function portExists(db: DataSource | EntityManager, port: string): Promise<boolean> {
  return Boolean(await one(db, 'SELECT 1 FROM ports WHERE code = $1', [port]));
}

export function queueOfBooking(
  db: DataSource | EntityManager,
  bookingId: string,
): Promise<{ port_code: string; direction: string; status: BookingStatus } | undefined> {
  return one(db, 'SELECT port_code, direction, status FROM bookings WHERE id = $1', [bookingId]);
}

/** A booking's status, when its check-in window closes, and its port's time zone (why a move was refused). */
export function checkInClose(
  em: EntityManager,
  bookingId: string,
): Promise<{ status: BookingStatus; closes: Date; time_zone: string } | undefined> {
  return one(
    em,
    `SELECT b.status, sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) AS closes, p.time_zone
     FROM bookings b JOIN slots sl ON sl.id = b.slot_id JOIN schedules sc ON sc.port_code = b.port_code
     JOIN ports p ON p.code = b.port_code WHERE b.id = $1`,
    [bookingId],
  );
}

export interface TripRow {
  plate: string;
  port_code: string;
  port_name: string;
  direction: string;
  time_zone: string;
  language: string;
  starts_at: Date;
  ends_at: Date;
  check_in_from: Date;
  check_in_until: Date;
  called_at: Date | null;
  called_deadline: Date | null;
  areas: Array<{ name: string; lat: number; lon: number; directions: Record<string, string> | null }>;
  weight_kg: number;
  fee_version: number | null;
  fee_currency: string | null;
  fee_items: Array<{ code: string; name: Record<string, string>; amount: number; unit: string }> | null;
}

/** What the driver's page shows around the live state: the truck, the slot and its windows, the holding areas. */
export function tripRow(db: DataSource | EntityManager, bookingId: string): Promise<TripRow | undefined> {
  return one<TripRow>(
    db,
    `SELECT v.plate, b.port_code, COALESCE(p.names ->> d.language, p.name) AS port_name, b.direction, p.time_zone, d.language, sl.starts_at, sl.ends_at,
            sl.starts_at - make_interval(mins => sc.early_arrival_minutes) AS check_in_from,
            sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) AS check_in_until,
            b.called_at, b.called_at + make_interval(mins => sc.called_timeout_minutes) AS called_deadline,
            COALESCE((SELECT json_agg(json_build_object('name', COALESCE(pa.names ->> d.language, pa.name), 'lat', pa.lat, 'lon', pa.lon, 'directions', pa.directions) ORDER BY pa.name)
                      FROM parking_areas pa WHERE pa.port_code = b.port_code), '[]') AS areas,
            b.weight_kg, fee.version AS fee_version, fee.currency AS fee_currency, fee.items AS fee_items
     FROM bookings b JOIN vehicles v ON v.id = b.vehicle_id JOIN drivers d ON d.id = b.driver_id JOIN slots sl ON sl.id = b.slot_id
     JOIN schedules sc ON sc.port_code = b.port_code JOIN ports p ON p.code = b.port_code
     LEFT JOIN LATERAL (${FEES_IN_FORCE('b.port_code', '(sl.starts_at AT TIME ZONE p.time_zone)::date')}) fee ON true
     WHERE b.id = $1`,
    [bookingId],
  );
}

/** The select-list expression that puts the rest of the transaction on generic plans (genericPlans, lockQueue). */
const GENERIC_PLANS = `set_config('plan_cache_mode', 'force_generic_plan', true)`;

/**
 * Locks one port-direction queue for the rest of the transaction and moves its version on. Every queue
 * change starts here, so changes to one queue are serialised (in every process) and clients can order
 * updates by version. With `areas`, the same statement then locks the port's holding areas (LOCK_PORT_AREAS: a
 * check-in's bay), in this order, so a check-in's turn costs no round trip more.
 *
 * With `generic`, the rest of the transaction runs its statements on their generic plans (`plan_cache_mode`, local
 * to it; the prepared ones plan once per connection). Measured at 5,000 waiting, where the plan is time under the
 * lock: a check-in's place of the truck that joined (changeRows, joined) took 2.5 ms to plan and 0.4 ms to run on a
 * custom plan, 0.6 ms in all on its generic one; a call's HEAD 1.5 against 0.24 ms and its changeRows (moved) 2.4
 * against 0.44 ms. Only for the paths so measured (check-in, call-next): forced under every lock, some statement of
 * the lane and yard paths ran slower on its generic plan (bench:gate 115–123 s against 74 s, stop 29).
 */
export async function lockQueue(
  em: EntityManager,
  port: string,
  direction: string,
  { areas = false, generic = false }: { areas?: boolean; generic?: boolean } = {},
): Promise<{ version: number; since: number }> {
  const row = await one<{ version: string; regular_since_priority: number }>(
    em,
    `WITH q AS (
       INSERT INTO queue_state AS q (port_code, direction, version) VALUES ($1, $2, 1)
       ON CONFLICT (port_code, direction) DO UPDATE SET version = q.version + 1
       RETURNING q.version, q.regular_since_priority
     )
     SELECT q.version, q.regular_since_priority${generic ? `, ${GENERIC_PLANS}` : ''} FROM q
     -- Lateral on q, so the areas are locked after the queue (every lock in one order: no deadlock).
     ${areas ? `CROSS JOIN LATERAL (SELECT count(*) FROM (${LOCK_PORT_AREAS('$1')}) a WHERE q.version > 0) locked` : ''}`,
    [port, direction],
    PREPARED,
  );
  return { version: Number(row?.version), since: row?.regular_since_priority ?? 0 };
}

/**
 * The rest of `em`'s transaction plans its prepared statements once (generic plans): for the reads of a queue's
 * head, planned afresh each time they cost more to plan than to run (the yard view's: 4 ms to plan, 5 to run; 1.1 ms
 * on its generic plan).
 */
export async function genericPlans(em: EntityManager): Promise<void> {
  await em.query(`SELECT ${GENERIC_PLANS}`);
}

/** The truck first in line (HEAD), with its group. */
export interface Head {
  id: string;
  green: boolean;
  held: boolean;
}

/** The head as the line stands at `at`. */
export function headOf(em: EntityManager, port: string, direction: string, at: Date): Promise<Head | undefined> {
  return one<Head>(em, HEAD, [port, direction, at], PREPARED);
}

/** The green channel's count of regular trucks since the last green one, when a truck of the merge leaves its head. */
export async function countMergeLeave(
  em: EntityManager,
  port: string,
  direction: string,
  green: boolean,
): Promise<void> {
  await rows(
    em,
    `UPDATE queue_state SET regular_since_priority = CASE WHEN $3 THEN 0 ELSE regular_since_priority + 1 END
     WHERE port_code = $1 AND direction = $2`,
    [port, direction, green],
  );
}
