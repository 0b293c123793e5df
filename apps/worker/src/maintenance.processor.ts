import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { warnGate } from '@kouan/db';
import { JobQueue, WORKER_OPTIONS } from '@kouan/jobs';
import { JobDispatcher } from './job-dispatcher';

/**
 * Jobs at once. Each is a short Postgres transaction that re-reads what is due, so several may run together
 * (queue changes take the queue lock in turn); one at a time, a burst of deadlines falls behind (npm run bench:jobs).
 */
const CONCURRENCY = 8;

@Processor(JobQueue.Maintenance, { ...WORKER_OPTIONS, concurrency: CONCURRENCY })
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private readonly gate = warnGate();

  constructor(private readonly dispatcher: JobDispatcher) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.dispatcher.run(job.name, job.data);
  }

  /** The worker reconnects by itself; without this listener its connection errors would end the process. */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    if (!this.gate.due()) return;
    this.logger.warn({ err: { message: err.message } }, 'worker cannot reach Redis; retrying');
  }
}
