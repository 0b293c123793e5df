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
 * The select-list expression that names the transaction's actor to Postgres (`kouan_actor()`), given the SQL
 * parameter that holds actorParam(): for a transaction run with `{ actorInWork: true }`, in its first statement.
 */
export const SET_ACTOR = (param: string) => `set_config('kouan.actor', ${param}, true)`;

/** The actor of the request in progress as SET_ACTOR takes it ('' outside a request: kouan_actor() is then null). */
export function actorParam(): string {
  const actor = actorContext.getStore();
  return actor ? JSON.stringify(actor) : '';
}

export interface TransactionOptions {
  /**
   * The work's first statement names the actor itself (SET_ACTOR in its select list): one round trip less, for the
   * hot paths whose first statement is a lock anyway (a gate camera's read).
   */
  actorInWork?: boolean;
}

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
 */
export async function inTransaction<T>(
  ds: DataSource,
  work: (em: EntityManager) => Promise<T | CommitBehind<T>>,
  options: TransactionOptions = {},
): Promise<T> {
  const actor = options.actorInWork ? undefined : actorContext.getStore();
  const run = actor
    ? (em: EntityManager) => em.query(`SELECT ${SET_ACTOR('$1')}`, [JSON.stringify(actor)]).then(() => work(em))
    : work;
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await ds.transaction(run);
      return done instanceof CommitBehind ? await done.settled() : done;
    } catch (e) {
      const code = pgError(e)?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw e;
    }
  }
}
