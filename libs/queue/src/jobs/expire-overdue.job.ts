import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inTransaction, rows } from '@kouan/common';
import { JobHandler, JobHandlerFor } from '@kouan/jobs/job-handler';
import { JobName } from '@kouan/jobs/job-names';
import { lockQueue } from '../queue-lock';
import { QueueNotifier } from '../queue-notifier';
import { QueueReadService } from '../queue-read.service';

/** No payload: every run looks at the whole database. */
export type ExpireOverdueJobData = Record<string, never>;

/** A booked truck that never arrived before its check-in window closed, or a called one that never reached the lane. */
const OVERDUE = `
  (b.status = 'booked' AND sl.ends_at + make_interval(mins => sc.check_in_grace_minutes) < now())
  OR (b.status = 'called' AND b.called_at + make_interval(mins => sc.called_timeout_minutes) < now())`;

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
  ) {}

  async handle(): Promise<number> {
    const queues = await rows<{ port_code: string; direction: string }>(
      this.ds,
      `SELECT DISTINCT b.port_code, b.direction FROM bookings b
       JOIN slots sl ON sl.id = b.slot_id JOIN schedules sc ON sc.port_code = b.port_code
       WHERE b.status IN ('booked', 'called') AND (${OVERDUE})`,
    );
    let total = 0;
    for (const q of queues) {
      const { expired, delta } = await inTransaction(this.ds, async (em) => {
        const { version } = await lockQueue(em, q.port_code, q.direction);
        const gone = await rows<{ id: string }>(
          em,
          `UPDATE bookings b SET status = 'no_show', updated_at = now(), bay = NULL, parking_area_id = NULL
           FROM slots sl, schedules sc
           WHERE sl.id = b.slot_id AND sc.port_code = b.port_code AND b.port_code = $1 AND b.direction = $2
             AND b.status IN ('booked', 'called') AND (${OVERDUE})
           RETURNING b.id`,
          [q.port_code, q.direction],
        );
        const ids = gone.map((e) => e.id);
        return { expired: ids, delta: await this.reader.delta(em, q.port_code, q.direction, version, null, ids) };
      });
      total += expired.length;
      this.notifier.changed(delta);
    }
    if (total) this.logger.log({ expired: total }, 'marked overdue trucks no_show');
    return total;
  }
}
