import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BookingTransitions } from '@kouan/booking/booking-transitions.repository';
import { inTransaction } from '@kouan/common';
import { JobHandler, JobHandlerFor } from '@kouan/jobs/job-handler';
import { JobName } from '@kouan/jobs/job-names';
import { lockQueue } from '../queue-lock';
import { QueueNotifier } from '../queue-notifier';
import { QueueReadService } from '../queue-read.service';

/** No payload: every run looks at the whole database. */
export type ExpireOverdueJobData = Record<string, never>;

/**
 * Marks overdue trucks no_show, one port-direction queue at a time under its queue lock (like every queue
 * change), then tells the drivers, firms and boards. A crash between queues loses nothing: the next run
 * finds what is still overdue.
 */
@Injectable()
@JobHandlerFor(JobName.ExpireOverdue)
export class ExpireOverdueJob implements JobHandler<ExpireOverdueJobData> {
  private readonly logger = new Logger(ExpireOverdueJob.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly notifier: QueueNotifier,
    private readonly reader: QueueReadService,
    private readonly transitions: BookingTransitions,
  ) {}

  async handle(): Promise<number> {
    const queues = await this.transitions.overdueQueues(this.ds);
    let total = 0;
    for (const q of queues) {
      const { expired, delta } = await inTransaction(this.ds, async (em) => {
        const { version } = await lockQueue(em, q.port_code, q.direction);
        const ids = await this.transitions.expireOverdue(em, q.port_code, q.direction);
        return { expired: ids, delta: await this.reader.delta(em, q.port_code, q.direction, version, null, ids) };
      });
      total += expired.length;
      this.notifier.changed(delta);
    }
    if (total) this.logger.log({ expired: total }, 'marked overdue trucks no_show');
    return total;
  }
}
