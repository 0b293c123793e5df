import { DynamicModule, Global, Injectable, Module } from '@nestjs/common';

/**
 * The one time of the application: every rule over time (check-in windows, the queue's started slots, expiry,
 * reminders, sessions) is judged at it and every time the application writes is stamped with it. SQL takes it as a
 * parameter (`$n::timestamptz`), never from the database's clock, so a test sets the instant and the whole process
 * sees it (test/support/test-clock.ts). The system clock of the API and worker machines must be NTP-synchronised.
 */
export abstract class Clock {
  abstract now(): Date;

  /** Real milliseconds for `ms` of this clock's time to pass (a timer's delay); the same unless the clock is scaled. */
  realMs(ms: number): number {
    return ms;
  }
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** CLOCK_START, CLOCK_RUN_FROM and CLOCK_SPEED, validated (libs/config `Env.clock`). */
export interface ScaledClockSettings {
  /** The instant the clock shows until `runFrom` (ms since the epoch). */
  start: number;
  /** The real instant (ms since the epoch) it starts running from `start`. */
  runFrom: number;
  /** Clock milliseconds per real millisecond. */
  speed: number;
}

/**
 * A test and operations facility (the soak, `npm run soak`): the clock stands at `start` until the real instant
 * `runFrom`, then runs `speed` times as fast as the real one. Every process given the same settings shows the same
 * time, so two API processes and the worker play one simulated day together; timers the worker sets for a deadline
 * of the clock (`realMs`) shrink by the same factor.
 */
export class ScaledClock extends Clock {
  constructor(private readonly s: ScaledClockSettings) {
    super();
  }

  now(): Date {
    return new Date(this.s.start + Math.max(0, Date.now() - this.s.runFrom) * this.s.speed);
  }

  realMs(ms: number): number {
    return ms / this.s.speed;
  }
}

/**
 * Provides the Clock to every module of a process (the API and the worker each import it once): the system's time,
 * or with `ClockModule.with(clock)` a given one (a test's instant).
 */
@Global()
@Module({ providers: [{ provide: Clock, useClass: SystemClock }], exports: [Clock] })
export class ClockModule {
  static with(clock?: Clock): DynamicModule {
    return clock
      ? { module: ClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] }
      : { module: ClockModule };
  }
}
