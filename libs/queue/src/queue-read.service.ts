import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, notFound } from '@kouan/common';
import { ReplicaReads } from '@kouan/db';
import type { ParkingDto } from '@kouan/parking';
import { toParkingDto } from '@kouan/parking';
import { feeTotal } from '@kouan/ports';
import { isoInZone } from '@kouan/calendar';
import type { BookingUpdate, LaneTimingView, LaneView, QueueDelta, QueueSnapshot, QueueTruck } from '@kouan/realtime';
import { bookingUpdate } from '@kouan/realtime';
import { estimateEta } from './eta';
import type { DriverTripDto } from './dto/queue.dto';
import {
  changeRows,
  type DetailRow,
  detailRows,
  firmActiveTrucks,
  headRows,
  type LaneRow,
  laneRows,
  portExists,
  queueOfBooking,
  queueVersion,
  tripRow,
} from './queue.repository';

const REASON_BY_STATUS: Record<string, BookingUpdate['reason']> = {
  booked: 'not_checked_in',
  called: 'called',
  completed: 'completed',
  cancelled: 'cancelled',
  no_show: 'no_show',
};

@Injectable()
export class QueueReadService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly reads: ReplicaReads,
  ) {}

  /**
   * The whole queue, read in one REPEATABLE READ snapshot so the version, the order and the details agree; what
   * an API process starts from before it applies deltas. The reads of this service that are operations of their
   * own take the instant from the Clock; delta and head are parts of the caller's operation and take its `at`.
   *
   * On the primary: a process reads a queue whole when a version is missing or a later slot started, and a replica
   * that has not replayed that version yet would answer with the very gap it was read to close (QueueFollower would
   * read again every GAP_WAIT_MS until it caught up, every live view behind by its lag meanwhile).
   *
   * `also`: bookings to read whatever their status (trucks a process last saw in line), beside the line.
   */
  snapshot(port: string, direction: string, also: string[] = []): Promise<QueueSnapshot> {
    return this.read(this.ds, port, direction, also, false);
  }

  /** The queue a client asked for by port code: an unknown port is a 404, not an empty line. */
  snapshotOfPort(port: string, direction: string): Promise<QueueSnapshot> {
    return this.ofPort(this.ds, port, direction);
  }

  /**
   * The public board's queue (GET /ports/:code/queue), where reads may lag: a board page keeps only a newer version
   * than it shows (the live protocol), so an answer seconds old does not undo a delta it already applied.
   */
  boardOfPort(port: string, direction: string): Promise<QueueSnapshot> {
    return this.reads.lagging((db) => this.ofPort(db, port, direction));
  }

  portExists(port: string): Promise<boolean> {
    return portExists(this.ds, port);
  }

  private async ofPort(db: DataSource, port: string, direction: string): Promise<QueueSnapshot> {
    if (!(await portExists(db, port))) throw notFound(`port ${port}`);
    return this.read(db, port, direction, [], false);
  }

  /** A whole queue (and any `touched` bookings) in one REPEATABLE READ snapshot, on `db`'s server. */
  private async read(
    db: DataSource,
    port: string,
    direction: string,
    touched: string[],
    onlyTouched: boolean,
  ): Promise<QueueSnapshot> {
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const em = runner.manager;
      const snapshot = await this.readIn(
        em,
        port,
        direction,
        await queueVersion(em, port, direction),
        touched,
        onlyTouched ? 'touched' : 'queue',
        this.clock.now(),
      );
      await runner.commitTransaction();
      return snapshot;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /** A queue read (`mode`: see detailRows) built into the shape every view derives from. */
  private async readIn(
    em: EntityManager,
    port: string,
    direction: string,
    version: number,
    touched: string[],
    mode: 'queue' | 'touched',
    at: Date,
  ): Promise<QueueSnapshot> {
    const { lanes, defaultServiceMinutes } = await laneRows(em, port, direction);
    const details = await detailRows(em, port, direction, touched, mode, at);
    return this.build(port, direction, version, lanes, defaultServiceMinutes, details);
  }

  /**
   * One queue change as every API process needs it, read inside the transaction that made it, after its
   * statements and under its queue lock (`version` from lockQueue): `joined` is the booking that entered the
   * waiting line (check-in, skip), `moved` those that changed otherwise. Bytes do not depend on the queue's
   * length, nor does the database work: only `joined` needs a place, which comes from the group sizes the database
   * keeps (JOINED_PLACE), not from counting the line. `at`: the instant of the change.
   */
  async delta(
    em: EntityManager,
    port: string,
    direction: string,
    version: number | Promise<number>,
    at: Date,
    joined: string | null,
    moved: string[] = [],
  ): Promise<QueueDelta> {
    const ids = joined ? [joined, ...moved] : moved;
    // The read is sent before the version is awaited: a check-in sends it behind its lock and move (admit).
    const [read, v] = await Promise.all([
      changeRows(em, port, direction, ids, joined ? 'joined' : 'moved', at),
      version,
    ]);
    const s = this.build(port, direction, v, read.lanes, read.defaultServiceMinutes, read.details);
    return {
      port,
      direction,
      version: v,
      lanes: s.lanes,
      timings: s.timings,
      defaultServiceMinutes: s.defaultServiceMinutes,
      joined: s.trucks.find((t) => t.bookingId === joined) ?? null,
      moved: s.trucks.filter((t) => t.bookingId !== joined),
      texts: s.texts,
    };
  }

  /**
   * The first `limit` waiting trucks of a queue with their places and ETAs (the yard's "next"), read with `em`;
   * the rest of the line is ordered (as it stands at `at`) but not read.
   */
  async head(em: EntityManager, port: string, direction: string, limit: number, at: Date): Promise<QueueTruck[]> {
    const { lanes, defaultServiceMinutes } = await laneRows(em, port, direction);
    const details = await headRows(em, port, direction, limit, at);
    return this.build(port, direction, 0, lanes, defaultServiceMinutes, details).trucks;
  }

  /** The state a driver sees (GET /driver/booking, and at once on reconnecting). */
  async bookingUpdate(bookingId: string): Promise<BookingUpdate & { portCode: string; direction: string }> {
    const b = await queueOfBooking(this.ds, bookingId);
    if (!b) throw notFound('booking');
    // Its own row only: on a 1,000-truck line, a full snapshot per connecting driver made a reconnect storm
    // (every driver after an API restart) cost 1,000 whole-queue reads and builds.
    const snap = await this.read(this.ds, b.port_code, b.direction, [bookingId], true);
    const mine = snap.trucks.find((t) => t.bookingId === bookingId);
    if (!mine) throw notFound('booking');
    return { ...bookingUpdate(snap, mine), portCode: b.port_code, direction: b.direction };
  }

  /**
   * The live state of every truck a firm has in a queue now (checked in or called): what its dashboard shows on
   * opening, before any change. One read per queue the firm is in, whatever the number of its trucks there.
   */
  async firmUpdates(firmId: string): Promise<BookingUpdate[]> {
    const updates: BookingUpdate[] = [];
    for (const q of await firmActiveTrucks(this.ds, firmId)) {
      const snap = await this.read(this.ds, q.port_code, q.direction, q.ids, true);
      for (const t of snap.trucks) updates.push(bookingUpdate(snap, t));
    }
    return updates;
  }

  /** The trip around a driver's live state (GET /driver/booking), times in the port's time zone. */
  async trip(bookingId: string): Promise<DriverTripDto> {
    const r = await tripRow(this.ds, bookingId);
    if (!r) throw notFound('booking');
    const at = (d: Date | null) => (d ? isoInZone(d, r.time_zone) : null);
    return {
      plate: r.plate,
      portCode: r.port_code,
      portName: r.port_name,
      direction: r.direction,
      timeZone: r.time_zone,
      slotStartsAt: at(r.starts_at) as string,
      slotEndsAt: at(r.ends_at) as string,
      checkInFrom: at(r.check_in_from) as string,
      checkInUntil: at(r.check_in_until) as string,
      calledAt: at(r.called_at),
      calledDeadline: at(r.called_deadline),
      holdingAreas: r.areas.map((a) => ({
        name: a.name,
        lat: a.lat,
        lon: a.lon,
        directions: a.directions?.[r.language] ?? a.directions?.en ?? a.directions?.zh ?? null,
      })),
      // What the truck will pay, each item named in the driver's language (else English).
      fees:
        r.fee_version === null || !r.fee_items
          ? null
          : {
              version: r.fee_version,
              currency: r.fee_currency as string,
              total: feeTotal(r.fee_items, r.weight_kg),
              items: r.fee_items.map((i) => ({
                code: i.code,
                name: i.name[r.language] ?? i.name.en,
                amount: i.amount,
                unit: i.unit,
              })),
            },
    };
  }

  private build(
    port: string,
    direction: string,
    version: number,
    laneRows: LaneRow[],
    defaultServiceMinutes: number,
    details: DetailRow[],
  ): QueueSnapshot {
    const lanes: LaneView[] = laneRows.map((l) => ({
      id: l.id,
      name: l.name,
      direction: l.direction,
      status: l.status,
    }));
    const timings: LaneTimingView[] = laneRows.map((l) => ({
      status: l.status,
      medianMinutes: l.median_minutes === null ? null : Number(l.median_minutes),
    }));
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
      const eta = waitingNow
        ? estimateEta(d.position as number, timings, defaultServiceMinutes)
        : { etaMinutes: null, reason: REASON_BY_STATUS[d.status] ?? null };
      // A skipped truck waits by the lane, neither in a bay nor in the overflow: no parking to show.
      const parking =
        waitingNow && (d.parking_area_id || d.overflow)
          ? toParkingDto({
              areaId: d.parking_area_id,
              areaName: d.area_name,
              bay: d.bay,
              reeferBays: d.reefer_bays,
              lat: d.lat,
              lon: d.lon,
              directions: d.directions,
              overflow: d.overflow,
              language: d.language,
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
        atLaneAt: d.at_lane_at ? d.at_lane_at.toISOString() : null,
        instructions: d.instructions,
        details: {
          driverName: d.driver_name,
          driverPhone: d.driver_phone,
          firmName: d.firm_name,
          cargoDescription: d.cargo_description,
          perishable: d.perishable,
          greenChannel: d.green_channel,
          checkedInAt: d.checked_in_at ? d.checked_in_at.toISOString() : null,
        },
      };
    });
    return { port, direction, version, lanes, timings, defaultServiceMinutes, trucks, texts };
  }
}
