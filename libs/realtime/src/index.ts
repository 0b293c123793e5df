export * from './live-events';
export * from './live.publisher';
export * from './realtime.module';
export * from './redis-io.adapter';
export * from './queue-views';
export * from './origin-gate';
export * from './limited-parser';
export * from './live-protocol';
