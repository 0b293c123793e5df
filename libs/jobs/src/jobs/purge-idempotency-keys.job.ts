import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rows } from '@kouan/common';
import { JobHandler, JobHandlerFor } from '../job-handler';
import { JobName } from '../job-names';

export interface PurgeIdempotencyKeysJobData {
  /** Keys are kept at least this long (the contract promises 24 h). */
  keepHours: number;
}

/** Idempotency keys are promised for 24 h; older ones are dropped in batches so the table stays small. */
@Injectable()
@JobHandlerFor(JobName.PurgeIdempotencyKeys)
export class PurgeIdempotencyKeysJob implements JobHandler<PurgeIdempotencyKeysJobData> {
  private readonly logger = new Logger(PurgeIdempotencyKeysJob.name);

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async handle({ keepHours }: PurgeIdempotencyKeysJobData): Promise<number> {
    let total = 0;
    for (;;) {
      const gone = await rows(
        this.ds,
        `DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT 5000))
         RETURNING 1`,
        [Math.max(keepHours, 24)],
      );
      total += gone.length;
      if (gone.length < 5000) break;
    }
    if (total) this.logger.log({ purged: total }, 'purged idempotency keys');
    return total;
  }
}
