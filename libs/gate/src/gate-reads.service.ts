import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorContext, Clock, CommitBehind, DomainError, inTransaction, normalisePlate } from '@kouan/common';
import { PortEvents } from '@kouan/ports';
import { CheckInService, LaneArrivals, QueueTurns, YardService } from '@kouan/queue';
import type { DeviceUpdate, GateAlert, GateOutcome } from '@kouan/realtime';
import { DeviceRow, deviceUpdateOf, GateDevicesRepository, PeekedDevice, SeenDevice } from './gate-devices.repository';
import { GateReadsRepository, orRefusal, ReadRow, readUpdateOf } from './gate-reads.repository';

/** A plate read as a camera reports it (JSON body, or parsed from another format). */
export interface CameraRead {
  plate: string;
  /** 0..1. */
  confidence: number;
  /** When the camera saw it (its clock): an ISO-8601 instant or a Date. */
  at?: string | Date;
  imageRef?: string;
  /** A picture the camera sent with the read (ISAPI multipart): kept only where the port's schedule says so. */
  image?: { contentType: string; bytes: Buffer };
}

/** POST /gate/reads' answer. */
export interface ReadAnswer {
  readId: string;
  outcome: GateOutcome;
  bookingId?: string;
  reason?: string;
}

/** What a read did: its outcome, the booking it concerns and why. */
interface Effect {
  outcome: GateOutcome;
  bookingId?: string | null;
  reason?: string | null;
}

/**
 * Stores the read with its effect (row, kept picture, `gate.read` event) in the read's transaction: sent as it is
 * called, and still in flight (the read's transaction may end with it: CommitBehind).
 */
type Store = (effect: Effect) => CommitBehind<ReadAnswer>;

/** A read whose check-in was refused after it was stored: its transaction is rolled back and taken again. */
class Raced extends Error {}

/** A read is taken at most this many times over (Raced). */
const MAX_ATTEMPTS = 5;

/** A camera's clock may run ahead of the server's by this much (clock drift); beyond it the read is refused. */
export const MAX_CAMERA_LEAD_MS = 5 * 60_000;

/** Check-in refusals a camera's read reports as `refused` with the code; the others have outcomes of their own. */
function refusalOf(e: DomainError): Effect {
  if (e.code === 'not_found') return { outcome: 'unmatched' };
  if (e.code === 'ambiguous_plate') return { outcome: 'ambiguous', reason: e.code };
  if (e.code === 'already_checked_in') return { outcome: 'duplicate', reason: e.code };
  return { outcome: 'refused', reason: e.code };
}

/**
 * What a gate camera's plate read does (contract, "Gate cameras"), for every format a camera sends (the JSON route,
 * Hikvision ISAPI): one transaction per read, holding the lock of that camera's reads of that plate from the start,
 * so the duplicate rule sees every earlier read of it; the read is stored with its outcome in the transaction of its effect (a
 * check-in, a lane arrival, a yard arrival), and announced as a port event (`gate.read`) in it.
 */
@Injectable()
export class GateReadsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly devices: GateDevicesRepository,
    private readonly reads: GateReadsRepository,
    private readonly checkIns: CheckInService,
    private readonly yard: YardService,
    private readonly laneArrivals: LaneArrivals,
    private readonly turns: QueueTurns,
    private readonly events: PortEvents,
    private readonly clock: Clock,
  ) {}

  /** Takes one read of `device` (proven by DeviceGuard): the device is the actor of what it changes. */
  take(device: PeekedDevice, read: CameraRead): Promise<ReadAnswer> {
    return actorContext.run({ id: device.id, role: 'device', port: device.port_code }, () => this.takeAs(device, read));
  }

  /** A camera's heartbeat: it is alive (last seen, online again if it was not). */
  async heartbeat(device: PeekedDevice): Promise<void> {
    const at = this.clock.now();
    await this.seen(device, at);
  }

  private async takeAs(device: PeekedDevice, read: CameraRead): Promise<ReadAnswer> {
    const at = this.clock.now();
    const plate = normalisePlate(read.plate);
    if (!plate)
      throw new DomainError('bad_request', 'plate must be 2-15 letters or digits (spaces, dashes and · are ignored)');
    const cameraAt = read.at === undefined ? null : new Date(read.at);
    if (cameraAt && Number.isNaN(cameraAt.getTime()))
      throw new DomainError('bad_request', 'at must be an ISO-8601 instant');
    if (cameraAt && cameraAt.getTime() > at.getTime() + MAX_CAMERA_LEAD_MS)
      throw new DomainError(
        'read_in_future',
        `at (${cameraAt.toISOString()}) is more than 5 minutes ahead of the server's clock (${at.toISOString()}): set the camera's clock (NTP)`,
      );
    const d = await this.seen(device, at);
    // A sure read at a holding camera may check a truck in, at a lane camera stamp one's arrival: both change the
    // queue under its lock, so they take their turn at the port first (QueueTurns); a yard camera's read and an
    // unsure one (stored as low_confidence, nothing else) do not.
    const mayQueue = d.position !== 'yard_gate' && read.confidence >= d.anpr_min_confidence;
    const turn = <T>(work: () => Promise<T>) => (mayQueue ? this.turns.atPort(d.port_code, work) : work());
    const { answer, announce } = await turn(() => this.taken(d, read, plate, cameraAt, at));
    // The queue's changes go out once the read's transaction has committed (a driver hears of a check-in at once).
    for (const a of announce) a();
    return answer;
  }

  /**
   * The read's transaction, taken again from the start when its check-in was refused after the read was stored
   * (Raced): its answer, and what announces the queue's changes it committed.
   */
  private async taken(
    d: SeenDevice,
    read: CameraRead,
    plate: string,
    cameraAt: Date | null,
    at: Date,
  ): Promise<{ answer: ReadAnswer; announce: Array<() => void> }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction<{ answer: ReadAnswer; announce: Array<() => void> }>(this.ds, async (em) => {
          const announce: Array<() => void> = [];
          const answered = (answer: ReadAnswer) => ({ answer, announce });
          // The read's row is its transaction's last statement: it leaves with the commit.
          const finish = (stored: CommitBehind<ReadAnswer>) => stored.carrying(answered(stored.value));
          // This camera's reads of this plate one at a time, so the duplicate rule sees every earlier one; other
          // plates and other cameras go on in parallel. What follows the lock leaves with it (and with BEGIN), one
          // round trip (the pool is pipelined, and Postgres runs them in order).
          const locked = this.reads.lockPlate(em, d.id, plate);
          const store: Store = (effect) => this.store(em, d, read, plate, cameraAt, effect, at);
          if (read.confidence < d.anpr_min_confidence) {
            const unsure = store({ outcome: 'low_confidence' });
            await locked;
            return finish(unsure);
          }
          const [, seen] = await Promise.all([locked, this.reads.seenWithin(em, d.id, plate, at, d.dedupe_seconds)]);
          if (seen) return finish(store({ outcome: 'duplicate' }));
          const effect = await this.effect(em, d, plate, at, announce, store);
          return finish(effect instanceof CommitBehind ? effect : store(effect));
        });
      } catch (e) {
        if (!(e instanceof Raced)) throw e;
        if (attempt >= MAX_ATTEMPTS)
          throw new DomainError('conflict', `${plate} kept changing while this read was taken: send it again`);
      }
    }
  }

  /**
   * The read's row with its outcome, its picture if the port keeps them, and its `gate.read` event (with an alert):
   * the answer at once, the statements in flight.
   */
  private store(
    em: EntityManager,
    d: SeenDevice,
    read: CameraRead,
    plate: string,
    cameraAt: Date | null,
    effect: Effect,
    at: Date,
  ): CommitBehind<ReadAnswer> {
    // The row as it will read back (its id made here), so its `gate.read` goes in the same statement.
    const row: ReadRow = {
      id: randomUUID(),
      device_id: d.id,
      device_name: d.name,
      position: d.position,
      area_id: d.area_id,
      port_code: d.port_code,
      plate,
      plate_raw: read.plate,
      confidence: read.confidence,
      camera_at: cameraAt,
      received_at: at,
      outcome: effect.outcome,
      reason: effect.reason ?? null,
      booking_id: effect.bookingId ?? null,
      image_ref: read.imageRef ?? null,
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    };
    const alert: GateAlert | null =
      row.outcome === 'wrong_lane'
        ? {
            readId: row.id,
            deviceId: d.id,
            deviceName: d.name,
            laneId: d.lane_id,
            plate,
            bookingId: row.booking_id,
            at: at.toISOString(),
            message: row.booking_id
              ? `${plate} is at ${d.name}, but it is called to another lane`
              : `${plate} is at ${d.name}, but no truck with that plate is called`,
          }
        : null;
    const written = Promise.all([
      this.reads.insert(em, row, {
        type: 'gate.read',
        portCode: d.port_code,
        direction: null,
        data: { read: readUpdateOf(row), alert },
      }),
      read.image && d.keep_gate_images ? this.reads.insertImage(em, row.id, read.image) : undefined,
    ]);
    return new CommitBehind<ReadAnswer>(
      {
        readId: row.id,
        outcome: row.outcome,
        ...(row.booking_id ? { bookingId: row.booking_id } : {}),
        ...(row.reason ? { reason: row.reason } : {}),
      },
      written,
    );
  }

  /**
   * The device heard from at `at`: as DeviceGuard read it with its key when its row needs no writing (most reads of a
   * busy camera), else written in a transaction of its own (short: a busy camera's row is not held through its
   * reads), with `device:update` if it was offline. 401 once removed.
   */
  private async seen(device: PeekedDevice, at: Date): Promise<SeenDevice> {
    const { due, ...known } = device;
    if (!due) return known;
    return inTransaction(this.ds, async (em) => {
      const d = await this.devices.seen(em, device.id, at);
      if (!d) throw new DomainError('unauthorized', 'this device was removed');
      if (d.went_online) await this.deviceChanged(em, d, 'online', at);
      return d;
    });
  }

  private deviceChanged(em: EntityManager, d: DeviceRow, change: DeviceUpdate['change'], at: Date): Promise<void> {
    return this.events.append(
      em,
      { type: 'device.changed', portCode: d.port_code, direction: null, data: deviceUpdateOf(d, change) },
      at,
    );
  }

  /**
   * What a fresh, sure read does at the device's position: its effect, or the stored answer when the read was stored
   * on the way (a check-in stores it before it takes the queue's lock, so the lock is held for fewer statements), with
   * the check-in's port event still in flight.
   */
  private async effect(
    em: EntityManager,
    d: SeenDevice,
    plate: string,
    at: Date,
    announce: Array<() => void>,
    store: Store,
  ): Promise<Effect | CommitBehind<ReadAnswer>> {
    if (d.position === 'holding_entry') {
      // As staff's check-in by plate, with this camera's holding area preferred for the bay. Its refusals come before
      // it writes (no booking, two firms', not booked, too early or late, papers missing: stored with the refusal, no
      // savepoint to undo), except one: another camera's read checked the truck in while this one stored its read and
      // waited for the queue's lock. That whole attempt is undone and taken again, and finds the truck checked in.
      let storing = false;
      let stored: ReadAnswer | undefined;
      try {
        const done = await this.checkIns.within(em, d.port_code, { plate }, d.area_id, at, async (bookingId) => {
          storing = true;
          stored = await store({ outcome: 'checked_in', bookingId }).settled();
        });
        announce.push(done.value.announce);
        // The check-in's port event is still in flight: the read's transaction ends with it.
        return done.carrying(stored as ReadAnswer);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        if (storing) throw new Raced();
        return refusalOf(e);
      }
    }
    if (d.position === 'lane') return this.atLane(em, d, plate, at, announce);
    // The yard gate: as POST /bookings/:id/yard-arrival.
    const done = await orRefusal(em, () => this.yard.atYardGate(em, d.port_code, plate, at));
    if (done instanceof DomainError)
      return done.code === 'ambiguous_plate'
        ? { outcome: 'ambiguous', reason: done.code }
        : { outcome: 'unmatched', reason: done.code === 'not_found' ? null : done.code };
    announce.push(done.announce);
    return { outcome: 'yard_arrived', bookingId: done.bookingId };
  }

  /**
   * A lane camera: the truck called to this lane with that plate has arrived (its at_lane_at, once); a second read
   * of it there is a duplicate. Any other plate is at the wrong lane (staff are alerted); nothing changes state.
   */
  private async atLane(
    em: EntityManager,
    d: SeenDevice,
    plate: string,
    at: Date,
    announce: Array<() => void>,
  ): Promise<Effect> {
    const called = await this.reads.calledWithPlate(em, d.port_code, plate);
    const mine = called.find((c) => c.lane_id === d.lane_id);
    if (mine) {
      // A change of the queue (its version, a delta): staff see the stage live, the driver and firm are told.
      const done = await orRefusal(em, () => this.laneArrivals.within(em, mine.id, d.lane_id as string, at));
      if (done instanceof DomainError) return { outcome: 'duplicate', bookingId: mine.id, reason: 'already_at_lane' };
      announce.push(done.announce);
      return { outcome: 'at_lane', bookingId: mine.id };
    }
    return called.length
      ? { outcome: 'wrong_lane', bookingId: called[0].id, reason: 'called_to_another_lane' }
      : { outcome: 'wrong_lane', reason: 'not_called' };
  }
}
