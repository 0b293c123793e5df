import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-names';

export const JOB_HANDLER = 'kouan:job-handler';

/** A class marked @JobHandlerFor, recorded when the decorator ran (before any module is built). */
export interface DeclaredJobHandler {
  job: JobName;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  target: Function;
}

const declaredHandlers: DeclaredJobHandler[] = [];

/**
 * Marks a provider as the handler of one job; its `handle` gets the job's payload. The class is recorded as it is
 * declared: the worker refuses to boot when a declared handler is not among its providers.
 */
export const JobHandlerFor =
  (job: JobName): ClassDecorator =>
  (target) => {
    declaredHandlers.push({ job, target });
    SetMetadata(JOB_HANDLER, job)(target);
  };

/** Every class declared a job handler so far in this process (those of every module loaded). */
export const declaredJobHandlers = (): readonly DeclaredJobHandler[] => declaredHandlers;

export interface JobHandler<T = unknown> {
  handle(data: T): Promise<unknown>;
}
