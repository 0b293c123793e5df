export * from './gate.module';
