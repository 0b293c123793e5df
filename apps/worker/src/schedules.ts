import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JobName, PurgeIdempotencyKeysJobData, QueueName } from '@kouan/jobs';

/** Recurring jobs. Upserting the scheduler is idempotent, so every worker may do it at start. */
@Injectable()
export class RecurringJobs implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    const data: PurgeIdempotencyKeysJobData = { keepHours: 48 };
    await this.maintenance.upsertJobScheduler(JobName.PurgeIdempotencyKeys, { every: 3600_000 }, {
      name: JobName.PurgeIdempotencyKeys,
      data,
    });
    // No-shows should leave the board within a minute of their deadline.
    await this.maintenance.upsertJobScheduler(JobName.ExpireOverdue, { every: 60_000 }, { name: JobName.ExpireOverdue, data: {} });
  }
}
