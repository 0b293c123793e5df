import type { WorkerOptions } from 'bullmq';

/**
 * Lock and stall settings of every BullMQ worker, so that the active job of a worker that died (SIGKILL, out
 * of memory, a lost machine) runs again on another worker within 5 s, not BullMQ's default 30 to 60 s:
 * - a worker holds a 3 s lock on each job it runs and renews it every 1.5 s (lockDuration / 2);
 * - every second (once across all workers: BullMQ keeps a Redis key for it) a worker moves the jobs whose lock
 *   has lapsed back to waiting, where an idle worker takes them at once. At worst 3 s + 1 s after the death.
 *
 * Why a live, busy worker never loses its job to such short times: renewing needs only its event loop and its
 * Redis connection to answer within 1.5 s. Jobs here are short Postgres statements, awaited; a job waiting on
 * Postgres (even on a row lock, for seconds, as the fault test holds one) keeps renewing, and nothing in the
 * worker holds the event loop for a second. Should a worker be cut from Redis for longer than its lock, the job
 * may run twice: every handler re-checks state in Postgres, so the second run changes nothing.
 *
 * A job whose lock lapses a second time (it has killed two workers) fails rather than kill a third
 * (maxStalledCount 1); BullMQ never fails a recurring job for this: its scheduler runs it again.
 */
export const WORKER_OPTIONS = {
  lockDuration: 3_000,
  stalledInterval: 1_000,
  maxStalledCount: 1,
} satisfies Partial<WorkerOptions>;
