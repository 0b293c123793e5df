export * from './slot-grid';
