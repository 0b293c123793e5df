import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertPortScope, isPortStaff, Principal } from '@kouan/auth';
import { BookingTransitions, CounterpartTrafficRepository } from '@kouan/booking';
import { Clock, DomainError, inTransaction, notFound } from '@kouan/common';
import type { QueueDelta, YardUpdate } from '@kouan/realtime';
import { genericPlans, lockQueue } from './queue.repository';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';
import { ArrivalTarget, arrivalTarget, awaitedRows, yardGateCandidates } from './yard.repository';

/** How many of the next trucks in line the yard sees. */
export const YARD_NEXT = 10;

/**
 * The yard hand-off (docs/border.md): what the yard waits for, and its confirmation that a truck arrived, which
 * closes the loop from the call and gives the KPIs their lane-to-yard time.
 */
@Injectable()
export class YardService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly reader: QueueReadService,
    private readonly transitions: BookingTransitions,
    private readonly notifier: QueueNotifier,
    private readonly traffic: CounterpartTrafficRepository,
    private readonly clock: Clock,
  ) {}

  /** GET /ports/:code/yard: staff of another port, like an unknown port, get a 404. */
  async view(p: Principal, port: string, direction: string): Promise<YardUpdate> {
    assertPortScope(p, port);
    if (!(await this.reader.portExists(port))) throw notFound(`port ${port}`);
    return this.read(port, direction);
  }

  /**
   * The yard view, in one REPEATABLE READ snapshot: a truck just called is in `called` or in `next`, never both, and
   * one announced by the far side leaves `onTheWay` in the snapshot where it checks in.
   */
  read(port: string, direction: string): Promise<YardUpdate> {
    const at = this.clock.now();
    return this.ds.transaction('REPEATABLE READ', async (em) => {
      await genericPlans(em);
      const awaited = await awaitedRows(em, port, direction, at);
      const head = await this.reader.head(em, port, direction, YARD_NEXT, at);
      return {
        port,
        direction,
        at: at.toISOString(),
        called: awaited.map((a) => ({
          bookingId: a.id,
          reference: a.reference,
          plate: a.plate,
          status: a.status,
          lane: { id: a.lane_id, name: a.lane_name },
          calledAt: a.called_at.toISOString(),
          completedAt: a.completed_at?.toISOString() ?? null,
          minutesSinceCall: a.minutes,
        })),
        next: head.map((t) => ({
          bookingId: t.bookingId,
          position: t.position as number,
          plate: t.plate,
          reference: t.reference,
          etaMinutes: t.etaMinutes,
        })),
        onTheWay: direction === 'import' ? await this.traffic.onTheWay(port, at, em) : [],
      };
    });
  }

  /**
   * The yard confirms a truck. A called truck is completed first, in the same transaction: it has left its lane,
   * which is free again; a completed one only gets its time. Once only: a second confirmation is a 409 conflict
   * carrying the first one's time (the truck is already in, nothing changes). A truck never called, put back into
   * the line or a no-show is a 409 illegal_transition; another port's booking, to port or yard staff, a 404.
   */
  async arrive(p: Principal, id: string): Promise<{ yardArrivedAt: string }> {
    const b = await arrivalTarget(this.ds, id);
    const port = isPortStaff(p) ? (p.portCode as string) : null;
    if (!b || (port !== null && b.port_code !== port)) throw notFound('booking');
    if (b.yard_arrived_at) throw alreadyArrived(b.yard_arrived_at);
    const at = this.clock.now();
    const { stamped, delta } = await inTransaction(this.ds, (em) => this.arriveIn(em, id, b, port, at));
    if (delta) this.notifier.changed(delta);
    if (stamped) return { yardArrivedAt: stamped.yard_arrived_at.toISOString() };
    // Something moved it between the first read and the transaction: say what it is now.
    const now = await arrivalTarget(this.ds, id);
    if (now?.yard_arrived_at) throw alreadyArrived(now.yard_arrived_at);
    throw new DomainError(
      'illegal_transition',
      `a ${now?.status ?? b.status} booking cannot arrive at the yard (it must be called first)`,
      {
        currentStatus: now?.status ?? b.status,
      },
    );
  }

  /** The yard's arrival of `b` in `em` at `at`: a called truck is completed first, under its queue's lock. */
  private async arriveIn(
    em: EntityManager,
    id: string,
    b: ArrivalTarget,
    port: string | null,
    at: Date,
  ): Promise<{ stamped: { yard_arrived_at: Date } | undefined; delta: QueueDelta | null }> {
    // Completing changes the queue (its called list, the lane's pace): under its lock, on a new version, as the lane does.
    const version = b.status === 'called' ? (await lockQueue(em, b.port_code, b.direction)).version : null;
    if (version !== null) await this.transitions.complete(em, id, at);
    const stamped = await this.transitions.yardArrival(em, id, port, at);
    return {
      stamped,
      delta:
        version === null
          ? null
          : await this.notifier.record(
              em,
              await this.reader.delta(em, b.port_code, b.direction, version, at, null, [id]),
              at,
            ),
    };
  }

  /**
   * A yard-gate camera read `plate` at `port`: the truck the yard awaits with that plate arrives, as
   * `POST /bookings/:id/yard-arrival` does (a called one is completed first), inside the caller's transaction `em`
   * at its instant `at`. 404 not_found when the yard awaits no such truck, 409 ambiguous_plate when trucks of two
   * firms carry it, 409 conflict when it moved meanwhile. The caller calls `announce` after its commit.
   */
  async atYardGate(
    em: EntityManager,
    port: string,
    plate: string,
    at: Date,
  ): Promise<{ bookingId: string; yardArrivedAt: string; announce: () => void }> {
    const found = await yardGateCandidates(em, port, plate, at);
    if (!found.length) throw notFound(`a truck the yard awaits with plate ${plate} at ${port}`);
    if (new Set(found.map((f) => f.firm_id)).size > 1)
      throw new DomainError('ambiguous_plate', `${plate} is on trucks of several firms the yard awaits`);
    const b = found[0];
    const { stamped, delta } = await this.arriveIn(em, b.id, b, port, at);
    if (!stamped) throw new DomainError('conflict', `the truck with plate ${plate} moved meanwhile`);
    return {
      bookingId: b.id,
      yardArrivedAt: stamped.yard_arrived_at.toISOString(),
      announce: () => {
        if (delta) this.notifier.changed(delta);
      },
    };
  }
}

const alreadyArrived = (at: Date) =>
  new DomainError('conflict', `the yard confirmed this truck already, at ${at.toISOString()}`, {
    yardArrivedAt: at.toISOString(),
  });
