import { DataSource, EntityManager } from 'typeorm';

/**
 * Rows of a raw statement, whatever its kind (TypeORM returns `[rows, count]` for UPDATE/DELETE otherwise).
 * Inside a transaction pass its EntityManager; outside, the DataSource.
 */
export async function rows<T>(db: EntityManager | DataSource, text: string, params: unknown[] = []): Promise<T[]> {
  const own = db instanceof DataSource ? db.createQueryRunner() : undefined;
  const runner = own ?? (db as EntityManager).queryRunner;
  if (!runner) throw new Error('rows() needs a DataSource or a transactional EntityManager');
  try {
    const result = await runner.query(text, params, true);
    return result.records as T[];
  } finally {
    if (own) await own.release();
  }
}

export async function one<T>(db: EntityManager | DataSource, text: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, text, params))[0];
}
