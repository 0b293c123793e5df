import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Env } from './env';

/** Typed view of the validated environment. Inject this, never ConfigService or process.env. */
@Injectable()
export class AppConfig {
  readonly env: Env;

  constructor(config: ConfigService) {
    this.env = config.get<Env>('kouan', { infer: true }) as Env;
  }
}
