import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { register } from 'prom-client';
import { AppConfig } from '@kouan/config';
import { metricsAnswer } from './metrics-access';

/** Where METRICS_PORT listens: only processes on this host (a local Prometheus or agent) can scrape it. */
const LOOPBACK = '127.0.0.1';

/**
 * With METRICS_PORT, /metrics is served by this small listener of its own on 127.0.0.1 (and the API's port
 * answers 404 there), started with the app and closed with it. METRICS_TOKEN, when also set, is asked for here too.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort } = this.config.env;
    if (metricsPort === undefined) return;
    const server = createServer((req, res) => void this.answer(req, res));
    server.listen(metricsPort, LOOPBACK);
    await once(server, 'listening');
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise((resolve) => server.close(resolve));
    // A scraper's keep-alive connection must not hold the shutdown open.
    server.closeAllConnections();
    await closed;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics')
      return error(res, 404, 'Not Found', `Cannot ${req.method} ${path}`);
    if (metricsAnswer(this.config.env.metricsToken, req.headers.authorization) === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return error(res, 401, 'Unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    const text = await register.metrics();
    res.writeHead(200, { 'Content-Type': register.contentType }).end(text);
  }
}

/** The contract's error body, as the API's exception filter would write it. */
function error(res: ServerResponse, statusCode: number, name: string, message: string): void {
  res
    .writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' })
    .end(JSON.stringify({ statusCode, error: name, message }));
}
