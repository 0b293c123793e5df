import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Any constant shared by every Kouan process: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x6b6f75616e;

/** Creates the database named in `databaseUrl` if it does not exist (needs access to the `postgres` db). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (e) {
      // Another process created it between our look and our create.
      if ((e as { code?: string }).code !== '42P04') throw e;
    }
    return true;
  } finally {
    await admin.end();
  }
}

/**
 * Applies pending migrations under a session-level advisory lock, so two processes starting at once
 * run them one after the other (the second finds nothing to do). Returns the names applied.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  const ds = new DataSource({ ...dataSourceOptions({ databaseUrl, dbPoolSize: 2 }) });
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.initialize();
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
