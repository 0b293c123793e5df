import { Module } from '@nestjs/common';
import { PurgeIdempotencyKeysJob } from './jobs/purge-idempotency-keys.job';

/** The jobs lib's own handlers, for the worker (apps/worker imports it). */
@Module({ providers: [PurgeIdempotencyKeysJob] })
export class JobsWorkerModule {}
