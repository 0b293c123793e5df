import { Logger, OnModuleDestroy } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { DomainError, one, rows, type StatementOptions } from '@kouan/common';
import { dataSourceOptions } from './data-source-options';

/** How long a replica has to accept a connection before its reads go to the primary. */
const CONNECT_TIMEOUT_MS = 2000;

/** SQLSTATEs that blame the server, not the statement: connection (08), operator (57), resources (53). */
const SERVER_FAULT = /^(08|53|57)[0-9A-Z]{3}$/;
/** A standby cancelled the read for a conflict with the WAL it replays: the primary answers, the replica stays. */
const RECOVERY_CONFLICT = '40001';

/**
 * Why a read on a replica failed, if the replica is to blame: `down` (it did not answer: refused, reset, timed out,
 * shut down; or TypeORM could not reach it) or `conflict`; undefined for what the same statement would do on the
 * primary too (a SQL error, a DomainError thrown by the read), which goes to the caller.
 */
export function replicaFault(e: unknown): 'down' | 'conflict' | undefined {
  if (e instanceof DomainError) return undefined;
  const err = ((e as { driverError?: unknown })?.driverError ?? e) as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return undefined;
  const code = typeof err.code === 'string' ? err.code : '';
  if (code === RECOVERY_CONFLICT) return 'conflict';
  // Node's socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH…) and the server's own.
  if (/^E[A-Z]+$/.test(code) || SERVER_FAULT.test(code)) return 'down';
  const message = typeof err.message === 'string' ? err.message : '';
  return /^Connection terminated|timeout exceeded when trying to connect|Driver not Connected/.test(message)
    ? 'down'
    : undefined;
}

/** Reads that may lag, by the server that answered: `primary` when no replica is set, or none could take the read. */
export const laggingReads = new Counter({
  name: 'kouan_lagging_reads_total',
  help: 'Reads that may lag by seconds, by the server that answered them',
  labelNames: ['on'],
});

interface Replica {
  url: string;
  /** `retry`: rested long enough; the next read tries it, alone (`trying`), before the others follow. */
  state: 'up' | 'down' | 'retry' | 'trying';
  ds?: Promise<DataSource>;
}

/**
 * The one way to say "this read may lag by seconds": `lagging(read)` runs `read` on a streaming replica
 * (DATABASE_REPLICA_URLS, in turn), else on the primary. Writes, and reads that must see them, take the primary
 * DataSource as before. A replica that does not answer rests for DATABASE_REPLICA_RETRY_SECONDS, its reads on the
 * primary meanwhile without waiting for it; then one read tries it again. Each replica's pool connects on first use,
 * so a process boots while its replicas are away.
 */
export class ReplicaReads implements OnModuleDestroy {
  private readonly logger = new Logger(ReplicaReads.name);
  private readonly replicas: Replica[];
  private turn = 0;

  constructor(
    private readonly primary: DataSource,
    urls: string[],
    private readonly options: (url: string) => DataSourceOptions,
    private readonly retryMs: number,
  ) {
    this.replicas = urls.map((url) => ({ url, state: 'up' }));
  }

  /**
   * `read` on a replica, or on the primary when there is none or none answers. It must only read, and may run twice:
   * after a replica fails part-way, it runs again whole on the primary.
   */
  async lagging<T>(read: (db: DataSource) => Promise<T>): Promise<T> {
    const replica = this.pick();
    if (!replica) return this.onPrimary(read);
    try {
      const result = await read(await this.connect(replica));
      this.answered(replica);
      laggingReads.inc({ on: 'replica' });
      return result;
    } catch (e) {
      const fault = replicaFault(e);
      if (fault === 'down') this.rest(replica, e);
      else this.answered(replica);
      if (fault) return this.onPrimary(read);
      throw e;
    }
  }

  /** One statement's rows, as `rows()` (libs/common) reads them, where they may lag. */
  rows<T>(text: string, params: unknown[] = [], options: StatementOptions = {}): Promise<T[]> {
    return this.lagging((db) => rows<T>(db, text, params, options));
  }

  /** One statement's first row, as `one()` reads it, where it may lag. */
  one<T>(text: string, params: unknown[] = [], options: StatementOptions = {}): Promise<T | undefined> {
    return this.lagging((db) => one<T>(db, text, params, options));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      this.replicas.map(async (r) => {
        const ds = await r.ds?.catch(() => undefined);
        if (ds?.isInitialized) await ds.destroy();
      }),
    );
  }

  private onPrimary<T>(read: (db: DataSource) => Promise<T>): Promise<T> {
    laggingReads.inc({ on: 'primary' });
    return read(this.primary);
  }

  /** The next replica in turn that may take a read; one resting long enough is taken by one read only. */
  private pick(): Replica | undefined {
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.turn + i) % this.replicas.length];
      if (r.state !== 'up' && r.state !== 'retry') continue;
      this.turn = (this.turn + i + 1) % this.replicas.length;
      if (r.state === 'retry') r.state = 'trying';
      return r;
    }
    return undefined;
  }

  private connect(r: Replica): Promise<DataSource> {
    r.ds ??= new DataSource(this.options(r.url)).initialize().catch((e: unknown) => {
      r.ds = undefined;
      throw e;
    });
    return r.ds;
  }

  private answered(r: Replica): void {
    if (r.state !== 'trying') return;
    r.state = 'up';
    this.logger.log({ replica: hostOf(r.url) }, 'read replica answers again');
  }

  private rest(r: Replica, e: unknown): void {
    if (r.state === 'down') return;
    r.state = 'down';
    const err = ((e as { driverError?: Error }).driverError ?? e) as Error;
    this.logger.warn(
      { replica: hostOf(r.url), err: { message: err.message, name: err.name }, retryMs: this.retryMs },
      'read replica unreachable; its reads go to the primary',
    );
    setTimeout(() => {
      r.state = 'retry';
    }, this.retryMs).unref();
  }
}

/** host:port of a replica's URL, for logs (never its credentials). */
const hostOf = (url: string) => new URL(url).host;

/** A replica's DataSource: the primary's options on another server, connecting quickly or not at all. */
export function replicaDataSourceOptions(
  url: string,
  dbPoolSize: number,
  entities: NonNullable<DataSourceOptions['entities']>,
): DataSourceOptions {
  const options = dataSourceOptions({ databaseUrl: url, dbPoolSize });
  return {
    ...options,
    entities,
    // A standby is read-only: CREATE EXTENSION there would only fail.
    installExtensions: false,
    extra: { ...options.extra, application_name: 'kouan-replica-reads', connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
  } as DataSourceOptions;
}
