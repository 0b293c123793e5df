import { Injectable } from '@nestjs/common';

/**
 * The time the rules over time are judged at (the worker's expiry, called timeouts, reminders, deadlines). Injected,
 * so a test judges a rule at any instant against the real database instead of waiting or moving rows. The system
 * clock of the worker's machine must be NTP-synchronised with the database's, which stamps every change.
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
