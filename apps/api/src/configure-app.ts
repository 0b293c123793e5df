import { RequestMethod, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@kouan/config';
import { RedisIoAdapter } from '@kouan/realtime';
import { PAGE_ROUTES } from './pages.controller';

export const API_PREFIX = 'api/v1';

/** Everything main.ts and the tests must set up the same way; returns the initialised app, ready to listen. */
export async function configureApp(app: NestExpressApplication): Promise<NestExpressApplication> {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      ...PAGE_ROUTES.map((path) => ({ path, method: RequestMethod.GET })),
    ],
  });
  app.useGlobalPipes(
    new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
  );
  const doc = new DocumentBuilder()
    .setTitle('Kouan API')
    .setDescription('Entry slots, live queues and call-forward for border road ports. Errors: {statusCode, error, message}.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });
  app.useWebSocketAdapter(new RedisIoAdapter(app, app.get(AppConfig).env));
  app.enableShutdownHooks();
  await app.init();
  // Nest answers unknown paths under /api/v1 itself; any other unknown path (this runs after every route) gets
  // the same JSON error body instead of Express's HTML page.
  app.use((req: Request, res: Response) => {
    res.status(404).json({ statusCode: 404, error: 'Not Found', message: `Cannot ${req.method} ${req.path}` });
  });
  return app;
}
