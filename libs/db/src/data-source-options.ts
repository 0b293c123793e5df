import { Socket } from 'node:net';
import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { coalesceWrites } from '@kouan/common';
import { Env } from '@kouan/config';

/** A connection's socket whose writes of one run of continuations leave together (see `stream` below). */
function coalescingSocket(): Socket {
  const socket = new Socket();
  coalesceWrites(socket, 'microtasks');
  return socket;
}

/**
 * The one definition of how every process (API, worker, CLI, tests) talks to Postgres. It names no entity: each lib
 * lists its own tables and the apps combine them (apps/entities.ts, given to `DbModule.forRoot` and to the TypeORM
 * CLI's DataSource); migrations and plain SQL need none.
 */
export function dataSourceOptions(
  env: Pick<Env, 'databaseUrl' | 'dbPoolSize'> & Partial<Pick<Env, 'dbIdleSeconds'>>,
): DataSourceOptions {
  return {
    type: 'postgres',
    // gen_random_uuid() is built into Postgres 13+.
    uuidExtension: 'pgcrypto',
    url: env.databaseUrl,
    // Compiled migrations next to this file's compiled twin (dist/migrations), or the sources under ts-jest/swc.
    migrations: [join(__dirname, '..', '..', '..', 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    // Failed queries surface as errors through the exception filter and pino; TypeORM's own logger would
    // print statements with their parameters to stdout.
    logging: false,
    // Idle connections stay DB_IDLE_SECONDS (pg's own 10 s without it: migrations, tests' own data sources).
    // pipeline: statements issued before the previous one is answered go out at once, each with its own Sync, and
    // are answered in order; awaited one by one, nothing changes. A check-in sends its queue lock, its move and
    // its read together (CheckInService.admit): one round trip under the queue's lock instead of three.
    extra: {
      max: env.dbPoolSize,
      application_name: 'kouan',
      pipeline: true,
      // Each statement was a system call of its own (pg corks only its own messages): the statements issued together
      // and a last one with its COMMIT now leave in one write. Over TLS (when asked for) the TLS socket writes to the
      // connection below this one's `write`, so there each statement is a write again, as before.
      stream: coalescingSocket,
      ...(env.dbIdleSeconds === undefined ? {} : { idleTimeoutMillis: env.dbIdleSeconds * 1000 }),
    },
  };
}
