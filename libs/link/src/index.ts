export * from './link.module';
export * from './link.controller';
export * from './import-windows';
export { SYNC_COUNTERPART_LINK_OPTIONS } from './jobs/sync-counterpart-link.job';
export type { SyncCounterpartLinkJobData } from './jobs/sync-counterpart-link.job';
export * from './incident-status';
