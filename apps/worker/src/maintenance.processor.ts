import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QueueName } from '@kouan/jobs';
import { JobDispatcher } from './job-dispatcher';

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly dispatcher: JobDispatcher) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.dispatcher.run(job.name, job.data);
  }
}
