import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@kouan/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { BookingTransitions } from '../booking-transitions.repository';

/** No payload: each run looks at the slots starting within 2 h of the Clock's now. */
export type RemindDriversJobData = Record<string, never>;

/**
 * Every minute: booked drivers whose slot starts within 2 h, then within 30 min, get a booking.reminder event
 * (notifications and webhooks take it from the outbox). The deadline is the slot in Postgres; a lost run is made
 * up by the next one, and a reminder is never sent twice (BookingTransitions.remind).
 */
@Injectable()
@JobHandlerFor(JobName.RemindDrivers)
export class RemindDriversJob implements JobHandler<RemindDriversJobData> {
  private readonly logger = new Logger(RemindDriversJob.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly transitions: BookingTransitions,
    private readonly clock: Clock,
  ) {}

  async handle(): Promise<number> {
    const sent = await this.transitions.remind(this.ds, this.clock.now());
    if (sent) this.logger.log({ reminded: sent }, 'reminded drivers of their slots');
    return sent;
  }
}
