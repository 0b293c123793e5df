import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@kouan/config';
import { ApiModule } from './api.module';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const app = await configureApp(
    await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(), { bufferLogs: true, bodyParser: false }),
  );
  const { port } = app.get(AppConfig).env;
  await app.listen(port);
  app.get(Logger).log(`Kouan API on http://localhost:${port}/api/v1 — docs at http://localhost:${port}/api/docs`);
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(`Kouan API failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
