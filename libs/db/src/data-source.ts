import { DataSource } from 'typeorm';
import { envFromProcess } from '@kouan/config';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (migration:generate and the drift check). */
export default new DataSource(dataSourceOptions(envFromProcess()));
