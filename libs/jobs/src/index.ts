export * from './job-handler';
export * from './job-names';
export * from './jobs.module';
export * from './worker-options';
export * from './jobs/purge-idempotency-keys.job';
export * from './polling-loop';
export * from './jobs.worker-module';
