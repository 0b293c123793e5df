import type { Pool } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Rows of a raw statement, whatever its kind (TypeORM returns `[rows, count]` for UPDATE/DELETE otherwise).
 * Inside a transaction pass its EntityManager; outside, the DataSource: the statement then goes straight to
 * the driver's pool (one checkout, one round trip, no QueryRunner), which is the booking hot path. Errors are
 * wrapped as TypeORM's, so pgError() reads them the same way either way.
 */
export async function rows<T>(db: EntityManager | DataSource, text: string, params: unknown[] = []): Promise<T[]> {
  if (db instanceof DataSource) {
    const pool = (db.driver as PostgresDriver).master as Pool;
    try {
      return (await pool.query(text, params)).rows as T[];
    } catch (e) {
      throw new QueryFailedError(text, params, e as Error);
    }
  }
  const runner = db.queryRunner;
  if (!runner) throw new Error('rows() needs a DataSource or a transactional EntityManager');
  const result = await runner.query(text, params, true);
  return result.records as T[];
}

export async function one<T>(
  db: EntityManager | DataSource,
  text: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  return (await rows<T>(db, text, params))[0];
}
