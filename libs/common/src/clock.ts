import { DynamicModule, Global, Injectable, Module } from '@nestjs/common';

/**
 * The one time of the application: every rule over time (check-in windows, the queue's started slots, expiry,
 * reminders, sessions) is judged at it and every time the application writes is stamped with it. SQL takes it as a
 * parameter (`$n::timestamptz`), never from the database's clock, so a test sets the instant and the whole process
 * sees it (test/support/test-clock.ts). The system clock of the API and worker machines must be NTP-synchronised.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
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
