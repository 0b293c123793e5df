export * from './gate.module';
export * from './isapi';
