import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnv } from './env';

@Global()
@Module({})
export class KouanConfigModule {
  /** `overrides` replace environment variables (tests give each file its own database and Redis prefix). */
  static forRoot(overrides: Record<string, string> = {}): DynamicModule {
    return {
      module: KouanConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validate: (raw) => ({ kouan: validateEnv({ ...raw, ...overrides }) }),
        }),
      ],
      providers: [AppConfig],
      exports: [AppConfig],
    };
  }
}
