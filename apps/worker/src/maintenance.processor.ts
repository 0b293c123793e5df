import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { warnGate } from '@kouan/db/redis-client';
import { QueueName, WORKER_OPTIONS } from '@kouan/jobs';
import { JobDispatcher } from './job-dispatcher';

@Processor(QueueName.Maintenance, WORKER_OPTIONS)
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
