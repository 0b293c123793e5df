export * from './domain-error';
export * from './http-exception.filter';
export * from './plate';
export * from './transaction';
export * from './sql';
export * from './validators';
export * from './logger';
