export * from './signature';
export * from './webhook-dispatcher';
export * from './webhook-request';
export * from './webhook-fanout.consumer';
export * from './webhooks.module';
export * from './webhooks.repository';
export * from './webhooks.worker-module';
export * from './webhook-catalogue';
