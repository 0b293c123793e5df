import type { JobsOptions } from 'bullmq';

/**
 * Every BullMQ job queue (a "job queue": "queue" alone is the truck line, libs/queue). Only apps/worker consumes
 * them; the API only enqueues. The values are the queues' names in Redis: never rename them.
 */
export enum JobQueue {
  Maintenance = 'maintenance',
}

/** Every job. The worker refuses to boot unless each has exactly one handler. */
export enum JobName {
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  ExpireOverdue = 'expire-overdue',
  RemindDrivers = 'remind-drivers',
  PurgePortEvents = 'purge-port-events',
  MarkDevicesOffline = 'mark-devices-offline',
  PurgeGateReads = 'purge-gate-reads',
  SyncCounterpartLink = 'sync-counterpart-link',
}

/** The job queue each job runs on. */
export const JOB_QUEUE_OF: Record<JobName, JobQueue> = {
  [JobName.PurgeIdempotencyKeys]: JobQueue.Maintenance,
  [JobName.ExpireOverdue]: JobQueue.Maintenance,
  [JobName.RemindDrivers]: JobQueue.Maintenance,
  [JobName.PurgePortEvents]: JobQueue.Maintenance,
  [JobName.MarkDevicesOffline]: JobQueue.Maintenance,
  [JobName.PurgeGateReads]: JobQueue.Maintenance,
  [JobName.SyncCounterpartLink]: JobQueue.Maintenance,
};

/** Job options in one place: bounded history, explicit retries. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};
