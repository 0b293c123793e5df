import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '@kouan/db';
import { ParkingService } from '@kouan/parking';
import { PortSeedService } from '@kouan/ports';
import { admin, dbUrl } from './db';

/**
 * Migrates and seeds (ports, lanes, schedules, holding areas) one template database for this run; every
 * test file clones it. Databases left by interrupted earlier runs are dropped unless something still uses
 * them (another run in progress).
 */
export default async function globalSetup(): Promise<void> {
  const template = `kouan_tpl_${randomBytes(5).toString('hex')}`;
  process.env.KOUAN_TEST_TEMPLATE = template;
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^kouan_(t|tpl)_[0-9a-f]+$' AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)`,
    );
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
    await c.query(`CREATE DATABASE ${template}`);
  });
  const url = dbUrl(template);
  await runMigrations(url);
  const ds = await new DataSource(dataSourceOptions({ databaseUrl: url, dbPoolSize: 2 })).initialize();
  try {
    await new PortSeedService(ds).seed();
    await new ParkingService(ds).seed();
  } finally {
    await ds.destroy();
  }
}
