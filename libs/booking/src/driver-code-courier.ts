import type { EntityManager } from 'typeorm';

/**
 * Texts a booking's new driver code to its driver (`POST /bookings/:id/driver-code/send`, `driver-code.controller.ts`).
 * The texts are the notify lib's, a layer above this one (its `notifications` table, its channels), so this lib
 * declares the route and the notify lib provides the courier (`DriverCodeCourierModule`, registered by the API).
 */
export abstract class DriverCodeCourier {
  /**
   * Queues the text in the reissue's transaction `em` (the new code is saved with it or not at all); throws a
   * DomainError when the driver has no phone to text or the booking has had its share of texts, which rolls the
   * reissue back. Resolves to the phone texted.
   */
  abstract queue(em: EntityManager, bookingId: string, driverCode: string, at: Date): Promise<string>;
}
