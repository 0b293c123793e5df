import { DataSource } from 'typeorm';
import { envFromProcess } from '@kouan/config';
import { dataSourceOptions } from '@kouan/db';
import { ENTITIES } from '../../entities';

/** For the TypeORM CLI (migration:generate and the drift check). */
export default new DataSource({ ...dataSourceOptions(envFromProcess()), entities: ENTITIES });
