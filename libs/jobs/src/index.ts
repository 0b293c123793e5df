export * from './job-handler';
export * from './job-names';
export * from './jobs.module';
export * from './worker-options';
export * from './polling-loop';
