import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiModule } from './api.module';
import { openApiDocument, setRoutePrefixes } from './configure-app';

/**
 * The OpenAPI document without a running system: Nest's preview mode reads the modules, controllers and decorators
 * but instantiates no provider, so nothing connects to Postgres or Redis (the URLs are never dialled). The typed
 * client is generated from it before anything is compiled (`npm run client:generate`); `test/e2e/client.e2e.spec.ts`
 * checks that it is the document the running API serves.
 */
export async function previewOpenApiDocument(): Promise<OpenAPIObject> {
  // Development: the environment check then needs no production secrets (none is used to describe routes).
  const app = await NestFactory.create(ApiModule.forRoot({ NODE_ENV: 'development' }), {
    preview: true,
    logger: false,
  });
  setRoutePrefixes(app);
  const doc = openApiDocument(app);
  await app.close();
  return doc;
}
