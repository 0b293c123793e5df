import { Random } from './random';
import type { SimParams } from './params';

/** One truck of the day's demand, drawn once so that FCFS and Kouan see the same trucks (common random numbers). */
export interface SimTruck {
  id: number;
  firm: number;
  perishable: boolean;
  /** Lane service time, minutes. */
  service: number;
  /** FCFS: when it reaches the border, minutes after local midnight. Kouan: the time its firm asks for. */
  arrival: number;
  /** Kouan: arrival relative to its slot's start, minutes. */
  offset: number;
  /** Kouan: booked but never comes. */
  noShow: boolean;
  /** Kouan: not at the lane when called (skip: comes next time; gone: left, times out twice). */
  absence: 'none' | 'skip' | 'gone';
}

/**
 * The day's trucks: convoys of `convoy` trucks one minute apart, each convoy at a time drawn from the profile.
 * Ids follow the draw, not the time, so booking in id order is booking in random order.
 */
export function population(p: SimParams): SimTruck[] {
  const rnd = new Random(p.seed);
  const trucks: SimTruck[] = [];
  while (trucks.length < p.trucks) {
    let u = rnd.next();
    const piece = p.profile.find((x) => (u -= x.share) < 0) ?? p.profile[p.profile.length - 1];
    const at = rnd.uniform(piece.from, piece.to);
    for (let k = 0; k < p.convoy && trucks.length < p.trucks; k++) {
      const absence = rnd.next();
      trucks.push({
        id: trucks.length,
        firm: rnd.int(p.firms),
        perishable: rnd.chance(p.perishable),
        service: rnd.lognormal(p.serviceMinutes, p.serviceCv),
        arrival: at + k,
        offset: rnd.normal(p.arrivalMean, p.arrivalSd),
        noShow: rnd.chance(p.noShow),
        absence: absence < p.skip ? 'skip' : absence < p.skip + p.gone ? 'gone' : 'none',
      });
    }
  }
  return trucks;
}
