#!/usr/bin/env node
// Drift check (as Immich does): migrate an empty database, then ask TypeORM to generate a migration from the
// entities. Anything it would generate means the entities and the migrations disagree, and the check fails.
const { execFileSync, execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const base = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/kouan');
// A database of this run's own, so two checks at once (two checkouts, CI beside a session) never collide.
const name = `kouan_drift_check_${process.pid}`;
base.pathname = `/${name}`;
// A throwaway database and no server: the development defaults (no JWT_SECRET or admin needed) are right here.
const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: base.toString() };
const admin = new URL(base);
admin.pathname = '/postgres';
const sql = (statement) =>
  execSync(
    `node -e "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1]});c.connect().then(()=>c.query(process.argv[2])).then(()=>c.end())" '${admin}' '${statement}'`,
    { cwd: root, stdio: 'inherit' },
  );

// Every migrated table must belong to an entity of the CLI's DataSource: TypeORM leaves alone a table that no entity
// names, so a lib whose entities were left out of that list would pass the drift check unseen.
const everyTableHasAnEntity = `
  const ds = require('./dist/apps/cli/src/data-source.js').default;
  ds.initialize().then(async () => {
    const known = new Set(ds.entityMetadatas.map((m) => m.tableName).concat('migrations'));
    const rows = await ds.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    const left = rows.map((r) => r.table_name).filter((t) => !known.has(t));
    await ds.destroy();
    if (left.length > 0) {
      process.stderr.write('tables without an entity in apps/cli/src/data-source.ts: ' + left.join(', ') + '\\n');
      process.exit(1);
    }
  });`;

sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
try {
  execSync('node dist/apps/cli/src/main.js migrate', { cwd: root, env, stdio: 'inherit' });
  execSync('npx typeorm migration:generate --check -d dist/apps/cli/src/data-source.js migrations/Drift', {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['-e', everyTableHasAnEntity], { cwd: root, env, stdio: 'inherit' });
  process.stdout.write('migration drift check: entities and migrations agree\n');
} finally {
  sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
