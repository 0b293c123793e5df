import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Tests talk to the same local Postgres as development, on databases of their own. */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * The migrated, seeded template of this Jest run. Each run names its own (global-setup sets it), so two
 * runs at once on one machine never clone each other's half-built template.
 */
export const templateDb = (): string => process.env.KOUAN_TEST_TEMPLATE ?? 'kouan_test_template';
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes a test's keys (`pattern`: its prefix and a glob) from the shared Redis. */
export async function dropRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(pattern);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** `kouan_<kind>_<unix seconds>_<random>`: global-setup drops leftovers by their age. */
export const testDbName = (kind: 't' | 'tpl') =>
  `kouan_${kind}_${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;

export const dbUrl = (name: string) => `postgres://postgres@127.0.0.1:5432/${name}`;

export async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** A fresh database cloned from the migrated, seeded template (milliseconds, not a migration run). */
export async function cloneTemplate(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = testDbName('t');
  await admin(async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`);
        return;
      } catch (e) {
        // Two clones starting in the same instant can briefly see each other on the template.
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  return {
    name,
    url: dbUrl(name),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
