import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/** How a statement is sent: `prepare` names it, so each connection plans it once (see rows()). */
export interface StatementOptions {
  prepare?: boolean;
}

const names = new Map<string, string>();

/** The statement's prepared name: the same text is the same name on every connection (pg prepares it once on each). */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `k_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Rows of a raw statement, whatever its kind (TypeORM returns `[rows, count]` for UPDATE/DELETE otherwise).
 * Inside a transaction pass its EntityManager (the statement is sent before this returns its promise: see below);
 * outside, the DataSource: the statement then goes straight to the driver's pool (one checkout, one round trip, no
 * QueryRunner), which is the booking hot path. Errors are wrapped as TypeORM's, so pgError() reads them the same way
 * either way.
 *
 * `prepare`: sent as a named prepared statement, planned once per connection; after five runs Postgres keeps a
 * generic plan when it costs no more than the custom ones. For the long statements run under a queue lock: the
 * queue's delta read took 15–30 ms to plan and under 1 ms to run (bench:gate, docs/performance.md).
 */
export async function rows<T>(
  db: EntityManager | DataSource,
  text: string,
  params: unknown[] = [],
  options: StatementOptions = {},
): Promise<T[]> {
  const query: QueryConfig = options.prepare
    ? { name: statementName(text), text, values: params }
    : { text, values: params };
  if (db instanceof DataSource) {
    const pool = (db.driver as PostgresDriver).master as Pool;
    try {
      return (await pool.query(query)).rows as T[];
    } catch (e) {
      throw new QueryFailedError(text, params, e as Error);
    }
  }
  const runner = db.queryRunner as PostgresQueryRunner | undefined;
  if (!runner) throw new Error('rows() needs a DataSource or a transactional EntityManager');
  // The transaction's own connection is asked directly (TypeORM sends no named statements), and at once when it is
  // open: statements issued together in one turn leave in the order they were issued, one round trip for all on the
  // pipelined pool (a check-in's lock, move and read). em.query() waits a turn or two first: not for those.
  const open = (runner as unknown as { databaseConnection?: PoolClient }).databaseConnection;
  const client = open ?? ((await runner.connect()) as PoolClient);
  try {
    return (await client.query(query)).rows as T[];
  } catch (e) {
    throw new QueryFailedError(text, params, e as Error);
  }
}

export async function one<T>(
  db: EntityManager | DataSource,
  text: string,
  params: unknown[] = [],
  options: StatementOptions = {},
): Promise<T | undefined> {
  return (await rows<T>(db, text, params, options))[0];
}
