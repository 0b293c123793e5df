import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@kouan/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { GateReadsRepository } from '../gate-reads.repository';

export interface PurgeGateReadsJobData {
  /** Reads are kept this many days (the issue: 30), judged at the Clock's instant. */
  keepDays: number;
}

const BATCH = 5000;

/** Camera reads name plates: they are kept for their days, then dropped in batches. */
@Injectable()
@JobHandlerFor(JobName.PurgeGateReads)
export class PurgeGateReadsJob implements JobHandler<PurgeGateReadsJobData> {
  private readonly logger = new Logger(PurgeGateReadsJob.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly reads: GateReadsRepository,
    private readonly clock: Clock,
  ) {}

  async handle({ keepDays }: PurgeGateReadsJobData): Promise<number> {
    const before = new Date(this.clock.now().getTime() - Math.max(keepDays, 1) * 86_400_000);
    let total = 0;
    for (;;) {
      const gone = await this.reads.purge(this.ds, before, BATCH);
      total += gone;
      if (gone < BATCH) break;
    }
    if (total) this.logger.log({ purged: total }, 'purged gate reads');
    return total;
  }
}
