export * from './gate.module';
export * from './isapi';
export * from './isapi-body';
