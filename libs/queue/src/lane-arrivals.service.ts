import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BookingTransitions } from '@kouan/booking';
import { DomainError, inTransaction } from '@kouan/common';
import { lockQueue, queueOfBooking } from './queue.repository';
import { QueueNotifier } from './queue-notifier';
import { QueueReadService } from './queue-read.service';

/** Nothing stamped: rolls back a transaction (or savepoint) whose lock bumped the queue's version for nothing. */
export class NotAtLane extends DomainError {
  constructor() {
    super('not_at_lane', 'the truck is not called to this lane, or was seen there already');
  }
}

/**
 * A called truck seen at the lane it was called to (a lane camera's read): the stage between the call and the lane's
 * service. The stamp (BookingTransitions.atLane, with its booking.at_lane event) is a change of the queue like a
 * completion: under the queue's lock, on a new version, with a delta of the truck, so the staff view's `stages`
 * live are what its REST read says, and the truck's driver and firm get a booking:update.
 */
@Injectable()
export class LaneArrivals {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly transitions: BookingTransitions,
    private readonly reader: QueueReadService,
    private readonly notifier: QueueNotifier,
  ) {}

  /**
   * Stamps the truck's lane arrival at `at`, once. Undefined when it is not called to `laneId` (another lane's
   * truck, no longer called, no such booking) or was seen there already: nothing changes then.
   */
  async atLane(bookingId: string, laneId: string, at: Date): Promise<Date | undefined> {
    try {
      const done = await inTransaction(this.ds, (em) => this.within(em, bookingId, laneId, at));
      done.announce();
      return done.atLaneAt;
    } catch (e) {
      if (e instanceof NotAtLane) return undefined;
      throw e;
    }
  }

  /**
   * As atLane, in the caller's transaction (a lane camera's read, stored with its effect); `announce` sends the delta
   * once it committed. Throws NotAtLane (a DomainError `not_at_lane`) when nothing was stamped: the queue's version
   * was bumped under the lock, so the caller rolls back to before this (a savepoint), as for any refusal.
   */
  async within(
    em: EntityManager,
    bookingId: string,
    laneId: string,
    at: Date,
  ): Promise<{ atLaneAt: Date; announce: () => void }> {
    const b = await queueOfBooking(em, bookingId);
    if (b?.status !== 'called') throw new NotAtLane();
    const { version } = await lockQueue(em, b.port_code, b.direction);
    const stamped = await this.transitions.atLane(em, bookingId, laneId, at);
    if (!stamped) throw new NotAtLane();
    const read = await this.reader.delta(em, b.port_code, b.direction, version, at, null, [bookingId]);
    const delta = await this.notifier.record(em, read, at);
    return { atLaneAt: stamped.at_lane_at, announce: () => this.notifier.changed(delta) };
  }
}
