import { DateTime } from 'luxon';
import { Clock } from '@kouan/common';

/**
 * A Clock a test sets (startApi's `clock`, or a service built by hand): the API and its workers judge every rule and
 * stamp every write at its time. Until set it is the real time. `set` stops it at an instant; `run` starts it from an
 * instant at the real pace, for a test that waits for a boundary to pass (a slot starting) rather than jumping it.
 */
export class TestClock extends Clock {
  private base: number | null = null;
  private runningSince: number | null = null;

  now(): Date {
    if (this.base === null) return new Date();
    return new Date(this.runningSince === null ? this.base : this.base + (Date.now() - this.runningSince));
  }

  /** The time stands at `at` until set again. */
  set(at: Date | number): this {
    this.base = typeof at === 'number' ? at : at.getTime();
    this.runningSince = null;
    return this;
  }

  /** The time runs from `at`, at the real pace. */
  run(at: Date | number): this {
    this.set(at);
    this.runningSince = Date.now();
    return this;
  }

  /** The real time again. */
  real(): this {
    this.base = null;
    this.runningSince = null;
    return this;
  }
}

/** An instant given as a wall-clock time at the port: `portTime('2026-12-07', '07:59:58')`, China's zone by default. */
export const portTime = (date: string, time: string, zone = 'Asia/Shanghai'): Date =>
  DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
