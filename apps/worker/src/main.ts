import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

/** BullMQ workers only: no HTTP. SIGTERM lets running jobs finish, then closes connections. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log('worker started');
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(`Kouan worker failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
