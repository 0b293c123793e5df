/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same day, so a run can be repeated,
 * compared across parameters with the same trucks, and asserted in tests.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(from: number, to: number): number {
    return from + (to - from) * this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Box–Muller; 1 - next() keeps the logarithm's argument above 0. */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with the given mean and coefficient of variation: positive, skewed right like service times. */
  lognormal(mean: number, cv: number): number {
    const sigma2 = Math.log(1 + cv * cv);
    return Math.exp(this.normal(Math.log(mean) - sigma2 / 2, Math.sqrt(sigma2)));
  }
}

/**
 * A uniform draw in [0, 1) for item `i` of the run `seed`, the same whatever order the items are asked in (a hash,
 * not a stream): a truck keeps its fate when a what-if changes the order of the calls.
 */
export function itemDraw(seed: number, i: number): number {
  let t = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
  t = Math.imul(t ^ (t >>> 16), 0x7feb352d);
  t = Math.imul(t ^ (t >>> 15), 0x846ca68b);
  return ((t ^ (t >>> 16)) >>> 0) / 4294967296;
}
