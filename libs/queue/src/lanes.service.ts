import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { BookingTransitions, illegalMove } from '@kouan/booking';
import type { BookingStatus } from '@kouan/booking';
import { Clock, CommitBehind, DomainError, inTransaction, notFound } from '@kouan/common';
import type { LaneStatus } from '@kouan/ports';
import { IncidentsReader, LanesRepository, PortEvents } from '@kouan/ports';
import { isoInZone } from '@kouan/calendar';
import type { LaneView } from '@kouan/realtime';
import type { CalledTruckDto } from './dto/queue.dto';
import { laneLabel, messagesByLanguage } from './messages';
import { checkInClose, headOf, lockQueue, queueOfBooking } from './queue.repository';
import { QueueNotifier } from './queue-notifier';
import { leaveMerge, readmitBehindHead } from './front-of-line';
import { QueueReadService } from './queue-read.service';

export type Outcome = 'complete' | 'skip' | 'no-show';

const TARGET: Record<Outcome, BookingStatus> = { complete: 'completed', skip: 'checked_in', 'no-show': 'no_show' };

@Injectable()
export class LanesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly lanes: LanesRepository,
    private readonly stops: IncidentsReader,
    private readonly events: PortEvents,
    private readonly notifier: QueueNotifier,
    private readonly reader: QueueReadService,
    private readonly transitions: BookingTransitions,
    private readonly clock: Clock,
  ) {}

  /**
   * Opening, pausing or closing a lane changes every ETA of its direction, so the queue moves on a version too.
   * The change is recorded with its time (the ports lib's lane history): a lane stopped during a slot waives that
   * slot's no-shows. Its port event (lane.status_changed) is written in the change's transaction: the worker's relay
   * sends lane:update from it and copies it into the audit trail.
   */
  async setStatus(p: Principal, port: string, laneId: string, status: LaneStatus): Promise<LaneView> {
    assertPortScope(p, port);
    const { view, delta } = await inTransaction(this.ds, async (em) => {
      // Lane row before queue row, the order callNext takes them in: the other way round, a pause racing
      // calls deadlocks (Postgres aborts one and inTransaction retries, for seconds, then gives up with a 500).
      const found = await this.lanes.lockForChange(em, laneId, port);
      if (!found) throw notFound('lane');
      const { version } = await lockQueue(em, port, found.direction);
      // Taken under the lane's lock, not before it: a change that waited for another is stamped after it, so the
      // lane's history is in the order the changes happened.
      const at = this.clock.now();
      const updated = await this.lanes.setStatus(em, laneId, status, p.sub, at);
      await this.events.append(
        em,
        {
          type: 'lane.status_changed',
          portCode: port,
          direction: found.direction,
          data: { laneId, lane: found.name, direction: found.direction, before: found.status, status },
        },
        at,
      );
      const delta = await this.reader.delta(em, port, found.direction, version, at, null);
      return new CommitBehind({ view: updated as LaneView, delta }, this.notifier.record(em, delta, at));
    });
    this.notifier.changed(delta);
    return view;
  }

  /**
   * Takes the head of the lane's queue. The queue row lock (lockQueue) makes concurrent calls, from any
   * number of staff or API processes, take turns; the head is then read and moved with a conditional
   * UPDATE, so a truck is called once. A closed far side (export) or an open closure stops the call (409) unless
   * `force`d, judged under the port's row (IncidentsReader.judgeCall); a forced call past one writes `call.forced`.
   */
  async callNext(p: Principal, port: string, laneId: string, force = false): Promise<CalledTruckDto> {
    assertPortScope(p, port);
    const at = this.clock.now();
    // Before the queue's lock, only the lane's row is read (and held): it leaves with BEGIN.
    const called = await inTransaction(this.ds, async (em) => {
      const lane = await this.lanes.holdForCall(em, laneId, port);
      if (!lane) throw notFound('lane');
      if (lane.status !== 'open') throw new DomainError('lane_not_open', `lane ${lane.name} is ${lane.status}`);
      // Under the queue's lock in three round trips (the pool is pipelined; each call below sends its statements
      // as it is made, in order): the lock, what stops calls and the head; the call, the merge's count and the
      // change's read; its port event with the commit.
      const [{ version }, forcedPast, head] = await Promise.all([
        lockQueue(em, port, lane.direction, { generic: true }),
        this.stops.judgeCall(em, port, lane.direction, at, force),
        headOf(em, port, lane.direction, at),
      ]);
      if (!head) throw new DomainError('queue_empty', 'no truck is waiting for this direction');
      const [truck, , delta] = await Promise.all([
        this.transitions.call(
          em,
          head.id,
          laneId,
          messagesByLanguage('proceedToLane', (language) => ({ lane: laneLabel(lane.name, language) })),
          at,
        ),
        leaveMerge(em, port, lane.direction, head),
        this.reader.delta(em, port, lane.direction, version, at, null, [head.id]),
      ]);
      if (!truck) throw new DomainError('conflict', 'the head of the queue changed; call again');
      if (forcedPast) {
        await this.events.append(
          em,
          {
            type: 'call.forced',
            portCode: port,
            direction: lane.direction,
            data: {
              laneId,
              lane: lane.name,
              direction: lane.direction,
              bookingId: truck.id,
              reference: truck.reference,
              past: forcedPast,
            },
          },
          at,
        );
      }
      return new CommitBehind({ truck, delta }, this.notifier.record(em, delta, at));
    });
    this.notifier.changed(called.delta);
    return { bookingId: called.truck.id, reference: called.truck.reference, plate: called.truck.plate };
  }

  /**
   * complete: called → completed. no-show: called → no_show at any time, booked → no_show once its check-in
   * window has closed (else 409 too_early). skip: called → checked_in, placed
   * directly behind the truck first in line (readmitBehindHead), losing any green-channel turn.
   */
  async outcome(p: Principal, bookingId: string, outcome: Outcome): Promise<{ status: BookingStatus }> {
    const to = TARGET[outcome];
    const at = this.clock.now();
    const b = await queueOfBooking(this.ds, bookingId);
    if (!b || (p.role === 'port_staff' && p.portCode !== b.port_code)) throw notFound('booking');
    const delta = await inTransaction(this.ds, async (em) => {
      const { version } = await lockQueue(em, b.port_code, b.direction);
      const moved =
        outcome === 'skip'
          ? await readmitBehindHead(em, this.transitions, b.port_code, b.direction, at, () =>
              this.transitions.requeue(em, bookingId, messagesByLanguage('skipped'), 'skipped', at),
            )
          : await (outcome === 'complete'
              ? this.transitions.complete(em, bookingId, at)
              : this.transitions.noShow(em, bookingId, at));
      if (!moved) {
        const { status, closes, time_zone } = (await checkInClose(em, bookingId)) as {
          status: BookingStatus;
          closes: Date;
          time_zone: string;
        };
        if (status === 'booked' && outcome === 'no-show') {
          // Contract ("No-show"): a booked truck may still arrive until its check-in window closes.
          const from = isoInZone(closes, time_zone);
          throw new DomainError(
            'too_early',
            `this truck may still check in until ${from}; mark it no-show after that`,
            { noShowFrom: from },
            409,
          );
        }
        throw illegalMove(status, to);
      }
      // A skipped truck joins the line again; any other outcome only moves it.
      const read =
        outcome === 'skip'
          ? await this.reader.delta(em, b.port_code, b.direction, version, at, bookingId)
          : await this.reader.delta(em, b.port_code, b.direction, version, at, null, [bookingId]);
      return new CommitBehind(read, this.notifier.record(em, read, at));
    });
    this.notifier.changed(delta);
    return { status: to };
  }
}
