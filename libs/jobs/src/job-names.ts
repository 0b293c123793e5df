import type { JobsOptions } from 'bullmq';

/** Every queue. Only apps/worker consumes them; the API only enqueues. */
export enum QueueName {
  Maintenance = 'maintenance',
}

/** Every job. The worker refuses to boot unless each has exactly one handler. */
export enum JobName {
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  ExpireOverdue = 'expire-overdue',
  RemindDrivers = 'remind-drivers',
}

export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.ExpireOverdue]: QueueName.Maintenance,
  [JobName.RemindDrivers]: QueueName.Maintenance,
};

/** Job options in one place: bounded history, explicit retries. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};
