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
 * Inside a transaction pass its EntityManager; outside, the DataSource: the statement then goes straight to
 * the driver's pool (one checkout, one round trip, no QueryRunner), which is the booking hot path. Errors are
 * wrapped as TypeORM's, so pgError() reads them the same way either way.
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
  const runner = db.queryRunner;
  if (!runner) throw new Error('rows() needs a DataSource or a transactional EntityManager');
  if (!options.prepare) return (await runner.query(text, params, true)).records as T[];
  // TypeORM sends no named statements: the transaction's own connection is asked directly.
  const client = (await (runner as PostgresQueryRunner).connect()) as PoolClient;
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
