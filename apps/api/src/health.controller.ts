import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Public } from '@kouan/auth';
import { ApiErrors, DomainError } from '@kouan/common';
import { REDIS } from '@kouan/db';

const INDICATORS = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string' }, responseTime: { type: 'number', description: 'ms' } },
  },
} as const;

/** Terminus's answer when every check passed; a failed check answers 503 with the contract's error body. */
class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiPropertyOptional({ ...INDICATORS, example: { postgres: { status: 'up' }, redis: { status: 'up' } } })
  info?: object;
  @ApiPropertyOptional(INDICATORS) error?: object;
  @ApiProperty(INDICATORS) details: object;
}

@ApiTags('operations')
@Controller()
@Public()
// Probes and scrapes come often from one address (a load balancer, Prometheus): never rate-limited.
@SkipThrottle({ public: true })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** The process is up (liveness). */
  @Get('health')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto })
  live() {
    return this.health.check([]);
  }

  /**
   * Postgres and Redis answer (readiness): 503 otherwise, in the contract's error shape, naming what is down
   * (`details` has each dependency's state). A process without Redis still serves what needs only Postgres;
   * readiness says so to the load balancer and the operator.
   */
  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto })
  @ApiErrors({ 503: 'unavailable: Postgres or Redis does not answer (details names which)' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.check();
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      const details = (e.getResponse() as { details?: Record<string, { status: string }> }).details ?? {};
      const down = Object.entries(details)
        .filter(([, d]) => d.status !== 'up')
        .map(([name]) => name);
      throw new DomainError('unavailable', `not ready: ${down.join(' and ')} not answering`, { details });
    }
  }

  private check() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 1500 }),
      async () => {
        const redis = this.indicators.check('redis');
        try {
          await this.redis.ping();
          return redis.up();
        } catch (e) {
          return redis.down({ message: (e as Error).message });
        }
      },
    ]);
  }
}
