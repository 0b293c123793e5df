import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AppConfig } from '@kouan/config';
import { dataSourceOptions } from './data-source-options';

@Module({})
export class DbModule {
  /**
   * `entities`: every lib's tables as the app combines them (apps/entities.ts). Each lib lists its own and registers
   * them in its module (`TypeOrmModule.forFeature`); libs/db sits below those libs and names none. The whole list,
   * not only the libs a process happens to load: a relation across libs is named by entity ('Firm', 'Port'), and
   * TypeORM needs its target's metadata even in a process that never loads that lib.
   */
  static forRoot(entities: NonNullable<DataSourceOptions['entities']>): DynamicModule {
    return {
      module: DbModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.env), entities }),
        }),
      ],
    };
  }
}
