import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-names';

export const JOB_HANDLER = 'kouan:job-handler';

/** Marks a provider as the handler of one job; its `handle` gets the job's payload. */
export const JobHandlerFor = (name: JobName) => SetMetadata(JOB_HANDLER, name);

export interface JobHandler<T = unknown> {
  handle(data: T): Promise<unknown>;
}
