import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig, redisOptions } from '@kouan/config';
import { DEFAULT_JOB_OPTIONS, QueueName } from './job-names';

/** BullMQ connection and queues, for every process (the API enqueues; the worker also consumes). */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisOptions(config.env.redisUrl), maxRetriesPerRequest: null },
        prefix: `${config.env.redisPrefix}:bull`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class JobsModule {}
