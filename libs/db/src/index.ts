export * from './app-login';
export * from './data-source-options';
export * from './db.module';
export * from './migrate';
export * from './redis.module';
export * from './redis-client';
export * from './replica-reads';
