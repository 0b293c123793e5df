import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Public } from '@kouan/auth';
import { DomainError } from '@kouan/common';
import { REDIS } from '@kouan/db/redis.module';

@ApiTags('operations')
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** The process is up (liveness). */
  @Get('health')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Postgres and Redis answer (readiness): 503 otherwise, in the contract's error shape, naming what is down
   * (`details` has each dependency's state). A process without Redis still serves what needs only Postgres;
   * readiness says so to the load balancer and the operator.
   */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.check();
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      const details = (e.getResponse() as { details?: Record<string, { status: string }> }).details ?? {};
      const down = Object.entries(details).filter(([, d]) => d.status !== 'up').map(([name]) => name);
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
