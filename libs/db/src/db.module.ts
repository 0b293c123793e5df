import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '@kouan/config';
import { dataSourceOptions } from './data-source-options';
import { ReplicaReads, replicaDataSourceOptions } from './replica-reads';

@Module({})
export class DbModule {
  /**
   * `entities`: every lib's tables as the app combines them (apps/entities.ts). Each lib lists its own and registers
   * them in its module (`TypeOrmModule.forFeature`); libs/db sits below those libs and names none. The whole list,
   * not only the libs a process happens to load: a relation across libs is named by entity ('Firm', 'Port'), and
   * TypeORM needs its target's metadata even in a process that never loads that lib. `ReplicaReads` (global): the
   * reads that may lag, on DATABASE_REPLICA_URLS.
   */
  static forRoot(entities: NonNullable<DataSourceOptions['entities']>): DynamicModule {
    return {
      module: DbModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.env), entities }),
        }),
      ],
      providers: [
        {
          provide: ReplicaReads,
          inject: [AppConfig, getDataSourceToken()],
          useFactory: ({ env }: AppConfig, primary: DataSource) =>
            new ReplicaReads(
              primary,
              env.databaseReplicaUrls,
              (url) => replicaDataSourceOptions(url, env.dbPoolSize, entities),
              env.databaseReplicaRetrySeconds * 1000,
            ),
        },
      ],
      exports: [ReplicaReads],
    };
  }
}
