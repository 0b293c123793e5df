import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@kouan/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { IdempotencyKeysRepository } from '../idempotency-keys.repository';

export interface PurgeIdempotencyKeysJobData {
  /** Keys are kept at least this long (the contract promises 24 h). */
  keepHours: number;
}

const BATCH = 5000;

/**
 * Idempotency keys are promised for 24 h; older ones are dropped in batches so the table stays small. The booking lib
 * owns `idempotency_keys`, so its job lives here; all batches of a run judge age at the Clock's one instant.
 */
@Injectable()
@JobHandlerFor(JobName.PurgeIdempotencyKeys)
export class PurgeIdempotencyKeysJob implements JobHandler<PurgeIdempotencyKeysJobData> {
  private readonly logger = new Logger(PurgeIdempotencyKeysJob.name);

  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly clock: Clock,
  ) {}

  async handle({ keepHours }: PurgeIdempotencyKeysJobData): Promise<number> {
    const at = this.clock.now();
    let total = 0;
    for (;;) {
      const gone = await this.keys.purge(Math.max(keepHours, 24), at, BATCH);
      total += gone;
      if (gone < BATCH) break;
    }
    if (total) this.logger.log({ purged: total }, 'purged idempotency keys');
    return total;
  }
}
