import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { actorContext } from './actor';

export interface PgErrorInfo {
  code: string;
  constraint?: string;
}

/** The Postgres error code and constraint behind a TypeORM query error, if that is what it is. */
export function pgError(e: unknown): PgErrorInfo | undefined {
  if (!(e instanceof QueryFailedError)) return undefined;
  const driver = e.driverError as { code?: string; constraint?: string };
  return driver.code ? { code: driver.code, constraint: driver.constraint } : undefined;
}

export const isUniqueViolation = (e: unknown, constraint: string) => {
  const pg = pgError(e);
  return pg?.code === '23505' && pg.constraint === constraint;
};

const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `work` in one READ COMMITTED transaction. A deadlock or serialization failure rolls everything
 * back, so the work is simply tried again (a few times) instead of surfacing a 500. Inside a request, the
 * transaction first names its actor to Postgres (`kouan_actor()`), for the events and audit rows it writes.
 */
export async function inTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const actor = actorContext.getStore();
  const run = actor
    ? (em: EntityManager) =>
        em.query(`SELECT set_config('kouan.actor', $1, true)`, [JSON.stringify(actor)]).then(() => work(em))
    : work;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(run);
    } catch (e) {
      const code = pgError(e)?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw e;
    }
  }
}
