export * from './dto/outlook.dto';
export * from './outlook-model';
export * from './outlook-pool';
export * from './outlook-state';
export type { OutlookBasisRow, OutlookStateRow } from './outlook.repository';
export * from './outlook.module';
export * from './outlook.service';
