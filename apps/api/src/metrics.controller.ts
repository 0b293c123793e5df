import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from '@kouan/auth';

/** Prometheus text at /metrics (the path PrometheusModule gives this controller), outside the versioned API and without a token (scrape from the private network). */
@ApiTags('operations')
@Controller()
@Public()
// Probes and scrapes come often from one address (a load balancer, Prometheus): never rate-limited.
@SkipThrottle({ public: true })
export class MetricsController extends PrometheusController {
  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}
