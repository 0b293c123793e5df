export * from './notification';
export * from './notify.module';
