export * from './forecast';
export * from './insights.module';
