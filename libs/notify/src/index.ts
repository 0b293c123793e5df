export * from './notification';
export * from './notify.module';
export * from './push-subscriptions.service';
export * from './webpush.channel';
export * from './push-message';
