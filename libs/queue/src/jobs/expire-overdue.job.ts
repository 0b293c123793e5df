import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BookingTransitions } from '@kouan/booking';
import { Clock, CommitBehind, inTransaction } from '@kouan/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { readmitBehindHead } from '../front-of-line';
import { messagesByLanguage } from '../messages';
import { lockQueue } from '../queue.repository';
import { QueueNotifier } from '../queue-notifier';
import { QueueReadService } from '../queue-read.service';

/** No payload: every run looks at the whole database. */
export type ExpireOverdueJobData = Record<string, never>;

/** What one run did to one queue. */
interface Swept {
  noShows: number;
  requeued: number;
}

/**
 * The rules over time, one port-direction queue at a time under its queue lock (like every queue change), each
 * change re-checked by the statement that makes it: a booked truck whose check-in window
 * closed becomes no_show; a called truck past the called timeout goes back into the line once, directly behind
 * the truck first in line, and becomes no_show at its second timeout (all judged at the Clock's now, read once per
 * run). Drivers, firms and boards hear every change
 * as a delta. A crash between changes loses nothing: the next run finds what is still overdue.
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
    private readonly clock: Clock,
  ) {}

  /** The number of trucks moved (made no_show or put back into the line). */
  async handle(): Promise<number> {
    // One instant for the whole run: every truck of every queue is judged at the same time.
    const at = this.clock.now();
    const queues = await this.transitions.overdueQueues(this.ds, at);
    const total: Swept = { noShows: 0, requeued: 0 };
    for (const q of queues) {
      const swept = await this.sweep(q.port_code, q.direction, at);
      total.noShows += swept.noShows;
      total.requeued += swept.requeued;
    }
    if (total.noShows || total.requeued) this.logger.log(total, 'moved overdue trucks');
    return total.noShows + total.requeued;
  }

  /**
   * A delta carries at most one truck that joined the line (what KeptQueue applies), so each timed-out truck
   * goes back in a transaction of its own: the first with the queue's no-shows, the others one by one, in the
   * order their calls timed out. Each goes directly behind the head of its moment, as a skip would put it.
   */
  private async sweep(port: string, direction: string, at: Date): Promise<Swept> {
    const swept: Swept = { noShows: 0, requeued: 0 };
    let late: string[] | undefined;
    do {
      const pending = late;
      const step = await inTransaction(this.ds, async (em) => {
        const { version } = await lockQueue(em, port, direction);
        const gone = pending ? [] : await this.transitions.expireOverdue(em, port, direction, at);
        const [next, ...rest] = pending ?? (await this.transitions.firstCallTimeouts(em, port, direction, at));
        const back =
          next !== undefined &&
          (await readmitBehindHead(em, this.transitions, port, direction, at, () =>
            this.transitions.requeue(em, next, messagesByLanguage('calledTimeout'), 'called_timeout', at),
          ));
        const joined = back ? next : null;
        const delta = await this.reader.delta(em, port, direction, version, at, joined, gone);
        return new CommitBehind({ gone, joined, rest, delta }, this.notifier.record(em, delta, at));
      });
      this.notifier.changed(step.delta);
      swept.noShows += step.gone.length;
      if (step.joined) swept.requeued += 1;
      late = step.rest;
    } while (late.length);
    return swept;
  }
}
