import { Injectable } from '@nestjs/common';
import type { Principal } from '@kouan/auth';
import { BookingLineActions, StatusDto, YardArrivalDto } from '@kouan/booking';
import { LanesService } from './lanes.service';
import { YardService } from './yard.service';

/**
 * The line's outcomes and the yard's arrival for the booking lib's routes under `/bookings/:id`
 * (BookingLineActions): this lib does the work, the booking lib owns the prefix.
 */
@Injectable()
export class LineActionsService implements BookingLineActions {
  constructor(
    private readonly lanes: LanesService,
    private readonly yard: YardService,
  ) {}

  complete(p: Principal, bookingId: string): Promise<StatusDto> {
    return this.lanes.outcome(p, bookingId, 'complete');
  }

  skip(p: Principal, bookingId: string): Promise<StatusDto> {
    return this.lanes.outcome(p, bookingId, 'skip');
  }

  noShow(p: Principal, bookingId: string): Promise<StatusDto> {
    return this.lanes.outcome(p, bookingId, 'no-show');
  }

  yardArrival(p: Principal, bookingId: string): Promise<YardArrivalDto> {
    return this.yard.arrive(p, bookingId);
  }
}
