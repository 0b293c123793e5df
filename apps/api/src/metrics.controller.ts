import { Controller, Get, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { metricsAnswer } from './metrics-access';

/**
 * Prometheus text at /metrics (the path PrometheusModule gives this controller), outside the versioned API. It
 * tells the Node version, memory and event-loop lag, so it is closed: with METRICS_TOKEN it asks for that bearer
 * token; with METRICS_PORT it is served only there, on loopback (MetricsServer), and not on this port at all.
 */
@ApiTags('operations')
@Controller()
@Public()
// Probes and scrapes come often from one address (a load balancer, Prometheus): never rate-limited.
@SkipThrottle({ public: true })
export class MetricsController extends PrometheusController {
  constructor(private readonly config: AppConfig) {
    super();
  }

  @Get()
  // Not the API's bearer scheme (no access token works here): its own token, or none, by configuration.
  @ApiOperation({ description: 'With METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors({
    401: 'METRICS_TOKEN is set and this is not it',
    404: 'METRICS_PORT is set: metrics are served there, on loopback',
  })
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    const { metricsPort, metricsToken } = this.config.env;
    if (metricsPort !== undefined) throw new NotFoundException(`Cannot GET ${response.req.path}`);
    if (metricsAnswer(metricsToken, response.req.headers.authorization) === 'unauthorized') {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    return super.index(response);
  }
}
