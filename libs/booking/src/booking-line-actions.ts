import type { Principal } from '@kouan/auth';
import type { StatusDto, YardArrivalDto } from './dto/booking.dto';

/**
 * What the line and the yard do to a called truck, served under this lib's `/bookings/:id`
 * (`line-actions.controller.ts`). The work is the queue lib's, a layer above this one (the queue lock, the delta,
 * the yard's view), so this lib declares the routes and the queue lib provides the actions
 * (`BookingLineActionsModule`, registered by the API). Without a provider the API refuses to boot.
 */
export abstract class BookingLineActions {
  /** called → completed. */
  abstract complete(p: Principal, bookingId: string): Promise<StatusDto>;
  /** called → checked_in, back into the line behind its head. */
  abstract skip(p: Principal, bookingId: string): Promise<StatusDto>;
  /** called → no_show, or booked → no_show once its check-in window has closed. */
  abstract noShow(p: Principal, bookingId: string): Promise<StatusDto>;
  /** The yard confirms the truck arrived (a called truck is completed too); once only. */
  abstract yardArrival(p: Principal, bookingId: string): Promise<YardArrivalDto>;
}
