import { DataSource } from 'typeorm';
import { AuditRepository, AuditService } from '@kouan/audit';
import { SystemClock } from '@kouan/common';
import { dataSourceOptions, runMigrations } from '@kouan/db';
import { ParkingRepository, ParkingService } from '@kouan/parking';
import { PortSeedService } from '@kouan/ports';
import { PortsRepository } from '@kouan/ports';
import { admin, dbUrl, testDbName } from './db';

/** Test databases older than this are left over from an interrupted run (a whole run takes minutes). */
const STALE_SECONDS = 3 * 3600;

/**
 * Migrates and seeds (ports, lanes, schedules, holding areas) one template database for this run; every
 * test file clones it. Names carry their creation time, so databases left by interrupted earlier runs are
 * dropped once they are hours old, and never those of another run in progress (its template is idle between
 * clones, so "nobody is connected" is not enough).
 */
export default async function globalSetup(): Promise<void> {
  const template = testDbName('tpl');
  process.env.KOUAN_TEST_TEMPLATE = template;
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE datname ~ '^kouan_(t|tpl)_[0-9]+_[0-9a-f]+$'
          AND split_part(datname, '_', 3)::bigint < extract(epoch FROM now()) - $1
          AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)`,
      [STALE_SECONDS],
    );
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
    await c.query(`CREATE DATABASE ${template}`);
  });
  const url = dbUrl(template);
  await runMigrations(url);
  const ds = await new DataSource(dataSourceOptions({ databaseUrl: url, dbPoolSize: 2 })).initialize();
  try {
    await new PortSeedService(ds, new PortsRepository(), new SystemClock()).seed();
    await new ParkingService(
      ds,
      new AuditService(new AuditRepository(ds), new SystemClock()),
      new ParkingRepository(ds),
      new SystemClock(),
    ).seed();
  } finally {
    await ds.destroy();
  }
}
