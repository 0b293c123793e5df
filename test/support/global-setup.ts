import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '@kouan/db';
import { PortSeedService } from '@kouan/ports';
import { admin, dbUrl, TEMPLATE_DB } from './db';

/** Migrates and seeds (ports, lanes, schedules) one template database; every test file clones it. */
export default async function globalSetup(): Promise<void> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    // Leftovers of interrupted earlier runs.
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'kouan\\_t\\_%'`);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
  const url = dbUrl(TEMPLATE_DB);
  await runMigrations(url);
  const ds = await new DataSource(dataSourceOptions({ databaseUrl: url, dbPoolSize: 2 })).initialize();
  try {
    await new PortSeedService(ds).seed();
  } finally {
    await ds.destroy();
  }
}
