import { type INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { Clock, verifyJsonBody } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { OPEN_DATA_ROUTES } from '@kouan/opendata';
import { limitedParser, MAX_SOCKET_MESSAGE_BYTES, originGate, RedisIoAdapter } from '@kouan/realtime';
import { ASYNCAPI_PATH, asyncApiDocument } from './asyncapi';
import { JOBS_BOARD_PATH } from './jobs-board/jobs-board.gate';
import { PAGE_ROUTES } from './pages.controller';

export const API_PREFIX = 'api/v1';

/** Sign-in bodies are a few short fields: a small cap refuses a large body before any work is done on it. */
const SMALL_BODY_ROUTES = [
  'auth/login',
  'auth/refresh',
  'auth/logout',
  'auth/password',
  'driver/session',
  'driver/session/refresh',
].map((r) => `/${API_PREFIX}/${r}`);
const SMALL_BODY_LIMIT = '4kb';
const BODY_LIMIT = '1mb';

/** Everything main.ts and the tests must set up the same way; returns the initialised app, ready to listen. */
export async function configureApp(app: NestExpressApplication): Promise<NestExpressApplication> {
  app.useLogger(app.get(Logger));
  const { env } = app.get(AppConfig);
  // Whose X-Forwarded-For counts (TRUSTED_PROXIES, by default only this machine): anyone else is taken at its
  // socket address, so a client on the LAN cannot reset the per-address limits by inventing addresses.
  app.set('trust proxy', env.trustedProxies);
  app.disable('x-powered-by');
  // Idle kept-alive connections stay open longer than a proxy's own (HTTP_KEEP_ALIVE_SECONDS), and a request's
  // headers may take as long, as Node requires of the pair.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = env.httpKeepAliveSeconds * 1000;
  server.headersTimeout = server.keepAliveTimeout + 1000;
  // nosniff, frame and referrer rules on every answer; the pages send their own stricter CSP.
  app.use(helmet());
  // Every answer's Date is the API's Clock: a phone whose own clock is wrong (hours fast) judges a session's renewal
  // and a call's deadline by the server's time, taken from this header (the same as the system's but in tests).
  const clock = app.get(Clock);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Date', clock.now().toUTCString());
    next();
  });
  // Nothing the API answers belongs in a shared or browser cache: tokens, driver codes, plates, live positions.
  app.use(`/${API_PREFIX}`, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Body limits (on the inflated size), then UTF-8 only and the depth check on the inflated bytes (verify runs
  // before JSON.parse): a deeply nested body is refused before it is parsed, let alone validated. The first
  // parser to run marks the body as parsed.
  app.use(SMALL_BODY_ROUTES, json({ limit: SMALL_BODY_LIMIT, verify: verifyJsonBody }));
  app.use(json({ limit: BODY_LIMIT, verify: verifyJsonBody }));
  setRoutePrefixes(app);
  app.useGlobalPipes(
    new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
  );
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  const events = asyncApiDocument(env.publicUrl);
  app.use(ASYNCAPI_PATH, (req: Request, res: Response, next: NextFunction) =>
    req.method === 'GET' && req.path === '/' ? res.json(events) : next(),
  );
  app.useWebSocketAdapter(
    new RedisIoAdapter(app, env, {
      cors: { origin: env.corsOrigins.length ? env.corsOrigins : false },
      allowRequest: originGate(env.corsOrigins),
      // Every message a client sends is small (the handshake's token, `subscribe` {port, direction}); a larger one
      // closes its connection before anything reads it. The parser refuses a packet nested too deep before JSON.parse.
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      parser: limitedParser,
      // A heartbeat every 1.5 s: a page that hears none for 4 s says it is offline and dims what it shows, within 5 s
      // of a dead network (a phone on a dead border network showed "Live" over a stale position for 40 s). One small
      // frame per socket per 1.5 s.
      pingInterval: 1500,
      pingTimeout: 5000,
    }),
  );
  app.enableShutdownHooks();
  await app.init();
  // Nest answers unknown paths under /api/v1 itself; any other unknown path (this runs after every route) gets
  // the same JSON error body instead of Express's HTML page.
  app.use((req: Request, res: Response) => {
    res.status(404).json({ statusCode: 404, error: 'Not Found', message: `Cannot ${req.method} ${req.path}` });
  });
  return app;
}

/** /api/v1 for every route but the probes, the pages, the open data feed and the jobs board. */
export function setRoutePrefixes(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      ...PAGE_ROUTES.map((path) => ({ path, method: RequestMethod.GET })),
      // The open data feed has its own versioned prefix, /open/v1 (docs/open-data.md).
      ...OPEN_DATA_ROUTES.map((path) => ({ path, method: RequestMethod.GET })),
      { path: JOBS_BOARD_PATH, method: RequestMethod.ALL },
    ],
  });
}

/**
 * The OpenAPI document of the app's routes, as /api/docs-json serves it; `npm run client:generate` builds it from an
 * app created in preview mode (no Postgres, no Redis) for the typed client (packages/client).
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('Kouan API')
    .setDescription(
      'Entry slots, live queues and call-forward for border road ports. Errors: {statusCode, error, message}. ' +
        `The socket.io events (/live) and webhooks are in the event catalogue: [${ASYNCAPI_PATH}](${ASYNCAPI_PATH}) ` +
        '(AsyncAPI 3).',
    )
    .setExternalDoc('Event catalogue (AsyncAPI 3): socket.io /live and webhooks', ASYNCAPI_PATH)
    .setVersion('1')
    .addBearerAuth()
    // Gate cameras (POST /gate/...): `Authorization: Device <key>`, the key a port admin got for the device.
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'Device <key>' }, 'device')
    .build();
  return SwaggerModule.createDocument(app, doc);
}
