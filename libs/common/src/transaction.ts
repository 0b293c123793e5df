import type { PoolClient } from 'pg';
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
 * What a transaction's work returns when its last statement is sent and not yet answered: the COMMIT goes out right
 * behind it on the pipelined connection, one round trip for both (the queue's changes, whose lock is held until the
 * commit). Postgres answers a COMMIT after a failed statement with a rollback, not an error: inTransaction then throws
 * the statement's error, so nothing of the work is kept and the caller hears why.
 */
export class CommitBehind<T> {
  /** The last statement's error, or undefined once it succeeded (settled at once: never an unhandled rejection). */
  readonly failure: Promise<unknown>;

  constructor(
    readonly value: T,
    last: Promise<unknown>,
  ) {
    this.failure = last.then(
      () => undefined,
      (e: unknown) => e ?? new Error('the last statement of the transaction failed'),
    );
  }

  /** The same statement in flight, behind the caller's own answer. */
  carrying<U>(value: U): CommitBehind<U> {
    return new CommitBehind(value, this.settled());
  }

  /** The value once the statement is answered (its error thrown): for a caller that writes more after it. */
  async settled(): Promise<T> {
    const failure = await this.failure;
    if (failure !== undefined) throw failure;
    return this.value;
  }
}

/**
 * Runs `work` in one READ COMMITTED transaction. A deadlock or serialization failure rolls everything
 * back, so the work is simply tried again (a few times) instead of surfacing a 500. Inside a request, the
 * transaction first names its actor to Postgres (`kouan_actor()`), for the events and audit rows it writes. `work`
 * may leave its last statement in flight (CommitBehind).
 *
 * BEGIN, and the statement that names the actor, are not waited for: they leave with the work's first statement on
 * the pipelined connection, and Postgres runs them first. A transaction costs its work's round trips and its COMMIT's,
 * not two or three more (TypeORM's startTransaction waits for BEGIN's answer before the work may start).
 */
export async function inTransaction<T>(
  ds: DataSource,
  work: (em: EntityManager) => Promise<T | CommitBehind<T>>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactionOnce(ds, work);
    } catch (e) {
      const code = pgError(e)?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw e;
    }
  }
}

async function transactionOnce<T>(
  ds: DataSource,
  work: (em: EntityManager) => Promise<T | CommitBehind<T>>,
): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    const actor = actorContext.getStore();
    const sent = (text: string, params?: unknown[]) =>
      client.query(text, params).catch((e: unknown) => {
        throw new QueryFailedError(text, params, e as Error);
      });
    const opening = Promise.all([
      sent('BEGIN'),
      // The actor as the transaction-local `kouan.actor` (kouan_actor()), for the events and audit rows it writes.
      actor ? sent(`SELECT set_config('kouan.actor', $1, true)`, [JSON.stringify(actor)]) : undefined,
    ]);
    // Its failure fails the work's statements too, which the work throws first; awaited below all the same.
    opening.catch(() => undefined);
    // TypeORM's own bookkeeping, as its startTransaction leaves it: em.save() in the work joins this transaction
    // instead of opening one of its own, and commitTransaction/rollbackTransaction below send COMMIT/ROLLBACK.
    Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
    const done = await work(runner.manager);
    // A last statement left in flight (CommitBehind) has its COMMIT right behind it.
    await runner.commitTransaction();
    await opening;
    return done instanceof CommitBehind ? await done.settled() : done;
  } catch (e) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
  }
}
