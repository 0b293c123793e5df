import type { EntityManager } from 'typeorm';

/** An export slot whose new capacity is below what it holds. */
export interface SlotCut {
  slotId: string;
  portCode: string;
  startsAt: Date;
  /** The capacity the far side's acceptance leaves it. */
  capacity: number;
  booked: number;
}

/**
 * Moving the bookings a cut slot holds beyond its new capacity (docs/counterpart.md, "Capacity"). Bookings are the
 * booking lib's, a layer above this one: it provides this (`CounterpartMovesModule`, registered by the API), and the
 * acceptance's transaction calls it with the date's export slots locked and the following days' slots materialised.
 * Without a provider the API refuses to boot.
 */
export abstract class CounterpartCapacityMoves {
  /**
   * In the caller's transaction: out of each cut slot, the most recently booked beyond its capacity move, in that
   * order, to the next slot with room (same port and direction, within the horizon, the firm's share respected),
   * else are cancelled by the port; each with its event (`reason: "counterpart_capacity"`).
   */
  abstract makeRoom(em: EntityManager, cuts: SlotCut[], at: Date): Promise<void>;
}
