import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { notFound, one, rows } from '@kouan/common';
import type { ParkingDto } from '@kouan/parking/dto/parking-area.dto';
import { toParkingDto } from '@kouan/parking/parking.service';
import { isoInZone } from '@kouan/ports/slot-grid';
import type { BookingUpdate, LaneTimingView, LaneView, QueueDelta, QueueSnapshot, QueueTruck } from '@kouan/realtime/live-events';
import { bookingUpdate } from '@kouan/realtime/queue-views';
import { estimateEta } from './eta';

/** The green channel's parameters: regular trucks since the last green one, and the ratio. */
const ST = `st AS (
    SELECT COALESCE((SELECT regular_since_priority FROM queue_state WHERE port_code = $1 AND direction = $2), 0) AS since,
           COALESCE((SELECT priority_ratio FROM schedules WHERE port_code = $1), 3) AS ratio
  )`;

/** The waiting trucks (w) with their group flags, and the groups' sizes (n). */
const QUEUE_PARAMS = `
  ${ST}, w AS (
    SELECT b.id, b.queue_key, b.front_key, b.front_key IS NOT NULL AS held, sl.starts_at, sl.starts_at > now() AS later,
           (b.priority AND sl.starts_at <= now()) AS green
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
 * `held` says whether a truck is held. $1 = port, $2 = direction.
 */
export const WAITING_ORDER = `
  WITH ${QUEUE_PARAMS}, r AS (
    SELECT w.*, row_number() OVER (PARTITION BY ${GROUP} ORDER BY ${IN_GROUP}) AS rnk FROM w
  )
  SELECT r.id, r.green, r.held, ${PLACE('r', 'r.rnk')} AS position
  FROM r, n, st`;

/**
 * The places of the waiting trucks among `$3` (uuid[]), from counts alone (no sort of the line): each one's rank
 * is the number of trucks of its group not after it. $1 = port, $2 = direction.
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
  WHERE x.id = ANY($3::uuid[])`;

/** The first waiting truck of one group (`where`, `order`), read along the waiting index: no scan of the line. */
const FIRST = (where: string, order: string) => `(
    SELECT b.id, b.queue_key, b.front_key, b.front_key IS NOT NULL AS held, sl.starts_at, sl.starts_at > now() AS later,
           (b.priority AND sl.starts_at <= now()) AS green
    FROM bookings b JOIN slots sl ON sl.id = b.slot_id
    WHERE b.port_code = $1 AND b.direction = $2 AND b.status = 'checked_in' AND ${where}
    ORDER BY ${order} LIMIT 1)`;

/**
 * The head of the line: of the first truck of each group (held, green, regular, later), the one at place 1.
 * Each first is one walk along an index that stops at its first row; the groups' sizes in PLACE are then
 * counted among the firsts (0 or 1 each), which decides place 1 exactly as the true sizes would: a first is at
 * place 1 only when the groups ahead of it are empty, and for the merge's first green or regular, only
 * whether the other kind is empty matters. $1 = port, $2 = direction.
 */
export const HEAD = `
  WITH ${ST}, firsts AS (
    ${FIRST('b.front_key IS NOT NULL', 'b.front_key DESC')}
    UNION ALL ${FIRST('b.front_key IS NULL AND b.priority AND sl.starts_at <= now()', 'b.queue_key')}
    UNION ALL ${FIRST('b.front_key IS NULL AND NOT b.priority AND sl.starts_at <= now()', 'b.queue_key')}
    UNION ALL ${FIRST('b.front_key IS NULL AND sl.starts_at > now()', 'sl.starts_at, b.queue_key')}
  ), n AS (
    SELECT count(*) FILTER (WHERE held) AS held_n,
           count(*) FILTER (WHERE NOT held AND NOT later AND NOT green) AS regulars,
           count(*) FILTER (WHERE NOT held AND NOT later AND green) AS greens
    FROM firsts
  )
  SELECT f.id, f.green, f.held FROM firsts f, n, st WHERE ${PLACE('f', '1')} = 1`;

interface DetailRow {
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
  instructions: string | null;
}

const DETAILS = `
  SELECT b.id, b.firm_id, b.reference, b.status, v.plate, d.language, sl.starts_at, p.time_zone, b.bay, b.overflow,
         b.parking_area_id, pa.name AS area_name, pa.lat, pa.lon, pa.reefer_bays,
         -- Only the text toParkingDto picks for this driver (own language, else en, else zh), under the driver's
         -- language: the whole jsonb in every language, on every row, was most of the bytes of a long queue's read.
         CASE WHEN pa.id IS NOT NULL THEN jsonb_build_object(d.language,
           COALESCE(pa.directions ->> d.language, pa.directions ->> 'en', pa.directions ->> 'zh')) END AS directions,
         b.lane_id, l.name AS lane_name, b.called_at, b.instructions
  FROM bookings b
  JOIN vehicles v ON v.id = b.vehicle_id
  JOIN drivers d ON d.id = b.driver_id
  JOIN slots sl ON sl.id = b.slot_id
  JOIN ports p ON p.code = b.port_code
  LEFT JOIN parking_areas pa ON pa.id = b.parking_area_id
  LEFT JOIN lanes l ON l.id = b.lane_id`;

interface LaneRow {
  id: string;
  name: string;
  direction: string;
  status: string;
  median_minutes: number | null;
}

const REASON_BY_STATUS: Record<string, BookingUpdate['reason']> = {
  booked: 'not_checked_in',
  called: 'called',
  completed: 'completed',
  cancelled: 'cancelled',
  no_show: 'no_show',
};

@Injectable()
export class QueueReadService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Lanes of a direction with the median of their last 20 service times (call to complete), in minutes, and
   * the port's default service time (until a lane has measurements).
   */
  private async lanes(em: EntityManager, port: string, direction: string): Promise<{ lanes: LaneRow[]; defaultServiceMinutes: number }> {
    // One round trip: a row per lane, or one row without a lane when the direction has none.
    const found = await rows<LaneRow & { id: string | null; default_service_minutes: number }>(
      em,
      `SELECT l.id, l.name, l.direction, l.status,
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t.minutes) FROM (
                 SELECT extract(epoch FROM b.completed_at - b.called_at) / 60 AS minutes FROM bookings b
                 WHERE b.lane_id = l.id AND b.status = 'completed' ORDER BY b.completed_at DESC LIMIT 20) t) AS median_minutes,
              COALESCE((SELECT default_service_minutes FROM schedules WHERE port_code = $1), 8) AS default_service_minutes
       FROM (SELECT 1) one LEFT JOIN lanes l ON l.port_code = $1 AND l.direction = $2 ORDER BY l.name`,
      [port, direction],
    );
    return { lanes: found.filter((l) => l.id !== null), defaultServiceMinutes: found[0]?.default_service_minutes ?? 8 };
  }


  /**
   * The whole queue, read in one REPEATABLE READ snapshot so the version, the order and the details agree; what
   * an API process starts from before it applies deltas.
   */
  snapshot(port: string, direction: string): Promise<QueueSnapshot> {
    return this.read(port, direction, [], false);
  }

  /** The queue a client asked for by port code: an unknown port is a 404, not an empty line. */
  async snapshotOfPort(port: string, direction: string): Promise<QueueSnapshot> {
    if (!(await this.portExists(port))) throw notFound(`port ${port}`);
    return this.snapshot(port, direction);
  }

  async portExists(port: string): Promise<boolean> {
    return Boolean(await one(this.ds, 'SELECT 1 FROM ports WHERE code = $1', [port]));
  }

  /** A whole queue (and any `touched` bookings) in one REPEATABLE READ snapshot. */
  private async read(port: string, direction: string, touched: string[], onlyTouched: boolean): Promise<QueueSnapshot> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const em = runner.manager;
      const [state] = await rows<{ version: string }>(em, 'SELECT version FROM queue_state WHERE port_code = $1 AND direction = $2', [port, direction]);
      const snapshot = await this.readIn(em, port, direction, Number(state?.version ?? 0), touched, onlyTouched ? 'touched' : 'queue');
      await runner.commitTransaction();
      return snapshot;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /**
   * `mode` queue: the waiting and called trucks and the `touched` ones; touched: those alone, with their
   * positions from the whole line; moved: those alone, without positions (none of them is waiting).
   */
  private async readIn(
    em: EntityManager, port: string, direction: string, version: number, touched: string[], mode: 'queue' | 'touched' | 'moved',
  ): Promise<QueueSnapshot> {
    const { lanes, defaultServiceMinutes } = await this.lanes(em, port, direction);
    const which = `(${mode === 'queue' ? "b.status IN ('checked_in', 'called')" : 'false'} OR b.id = ANY($3::uuid[]))`;
    const details = mode === 'moved'
      ? await rows<DetailRow>(em, `SELECT x.*, NULL::boolean AS green, NULL::int AS position FROM (${DETAILS}
           WHERE b.port_code = $1 AND b.direction = $2 AND ${which}) x`, [port, direction, touched])
      : await rows<DetailRow>(
        em,
        `WITH q AS MATERIALIZED (${mode === 'queue' ? WAITING_ORDER : POSITIONS_OF})
         SELECT x.*, q.green, q.position FROM (${DETAILS}
           WHERE b.port_code = $1 AND b.direction = $2 AND ${which}) x
         LEFT JOIN q ON q.id = x.id
         ORDER BY q.position NULLS LAST, x.called_at`,
        [port, direction, touched],
      );
    return this.build(port, direction, version, lanes, defaultServiceMinutes, details);
  }

  /**
   * One queue change as every API process needs it, read inside the transaction that made it, after its
   * statements and under its queue lock (`version` from lockQueue): `joined` is the booking that entered the
   * waiting line (check-in, skip), `moved` those that changed otherwise. Bytes do not depend on the queue's
   * length; only `joined` needs the order, which the database computes without sending it.
   */
  async delta(em: EntityManager, port: string, direction: string, version: number, joined: string | null, moved: string[] = []): Promise<QueueDelta> {
    const ids = joined ? [joined, ...moved] : moved;
    const s = await this.readIn(em, port, direction, version, ids, joined ? 'touched' : 'moved');
    return {
      port, direction, version, lanes: s.lanes, timings: s.timings, defaultServiceMinutes: s.defaultServiceMinutes,
      joined: s.trucks.find((t) => t.bookingId === joined) ?? null,
      moved: s.trucks.filter((t) => t.bookingId !== joined),
      texts: s.texts,
    };
  }

  /** The state a driver sees (GET /driver/booking, and at once on reconnecting). */
  async bookingUpdate(bookingId: string): Promise<BookingUpdate & { portCode: string; direction: string }> {
    const [b] = await rows<{ port_code: string; direction: string }>(this.ds, 'SELECT port_code, direction FROM bookings WHERE id = $1', [bookingId]);
    if (!b) throw notFound('booking');
    // Its own row only: on a 1,000-truck line, a full snapshot per connecting driver made a reconnect storm
    // (every driver after an API restart) cost 1,000 whole-queue reads and builds.
    const snap = await this.read(b.port_code, b.direction, [bookingId], true);
    const mine = snap.trucks.find((t) => t.bookingId === bookingId);
    if (!mine) throw notFound('booking');
    return { ...bookingUpdate(snap, mine), portCode: b.port_code, direction: b.direction };
  }

  private build(
    port: string, direction: string, version: number, laneRows: LaneRow[], defaultServiceMinutes: number, details: DetailRow[],
  ): QueueSnapshot {
    const lanes: LaneView[] = laneRows.map((l) => ({ id: l.id, name: l.name, direction: l.direction, status: l.status }));
    const timings: LaneTimingView[] = laneRows.map((l) => ({ status: l.status, medianMinutes: l.median_minutes === null ? null : Number(l.median_minutes) }));
    // Most trucks share a few slots and a few holding-area texts: format and send each once per snapshot.
    const starts = new Map<string, string>();
    const startsAt = (d: DetailRow) => {
      const key = `${d.starts_at.getTime()} ${d.time_zone}`;
      let iso = starts.get(key);
      if (iso === undefined) starts.set(key, (iso = isoInZone(d.starts_at, d.time_zone)));
      return iso;
    };
    const texts: string[] = [];
    const textIndex = new Map<string, number>();
    const textOf = (text: string) => {
      let i = textIndex.get(text);
      if (i === undefined) textIndex.set(text, (i = texts.push(text) - 1));
      return i;
    };
    const trucks = details.map((d): QueueTruck => {
      const waitingNow = d.status === 'checked_in' && d.position !== null;
      const eta = waitingNow ? estimateEta(d.position as number, timings, defaultServiceMinutes) : { etaMinutes: null, reason: REASON_BY_STATUS[d.status] ?? null };
      // A skipped truck waits by the lane, neither in a bay nor in the overflow: no parking to show.
      const parking = waitingNow && (d.parking_area_id || d.overflow)
        ? toParkingDto({
          areaId: d.parking_area_id, areaName: d.area_name, bay: d.bay, reeferBays: d.reefer_bays, lat: d.lat, lon: d.lon,
          directions: d.directions, overflow: d.overflow, language: d.language,
        })
        : null;
      const { instructions: parkingText, ...where } = parking ?? { instructions: '' };
      return {
        bookingId: d.id,
        firmId: d.firm_id,
        reference: d.reference,
        plate: d.plate,
        status: d.status,
        position: waitingNow ? d.position : null,
        priority: Boolean(d.green),
        slotStartsAt: startsAt(d),
        etaMinutes: eta.etaMinutes,
        reason: eta.reason,
        parking: parking ? { ...(where as Omit<ParkingDto, 'instructions'>), text: textOf(parkingText) } : null,
        lane: d.lane_id && d.status === 'called' ? { id: d.lane_id, name: d.lane_name as string } : null,
        calledAt: d.called_at ? d.called_at.toISOString() : null,
        instructions: d.instructions,
      };
    });
    return { port, direction, version, lanes, timings, defaultServiceMinutes, trucks, texts };
  }
}
