import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AppConfig } from '@kouan/config';
import { redisClientOptions, watchRedis } from '@kouan/db';
import { DEFAULT_JOB_OPTIONS, JobQueue } from './job-names';

/** A BullMQ job queue re-emits its connection's errors; unheard, one Redis outage would end the process. */
@Injectable()
class JobQueueErrorListener implements OnModuleInit {
  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(JobQueue)) {
      watchRedis(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }), `job-queue:${name}`);
    }
  }
}

/** BullMQ connection and job queues, for every process (the API enqueues; the worker also consumes). */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Null: a worker's blocking commands wait out an outage or a failover instead of failing.
        connection: { ...redisClientOptions(config.env.redis, 'bullmq'), maxRetriesPerRequest: null },
        prefix: `${config.env.redisPrefix}:bull`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...Object.values(JobQueue).map((name) => ({ name }))),
  ],
  providers: [JobQueueErrorListener],
  exports: [BullModule],
})
export class JobsModule {}
