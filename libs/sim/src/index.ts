export * from './engine';
export * from './params';
export * from './population';
export * from './queue-order';
export * from './random';
export * from './report';
export * from './simulate';
export * from './svg';
