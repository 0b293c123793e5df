#!/usr/bin/env node
// The quick start: build if needed, create + migrate + seed the database, then run the API and the worker
// side by side until Ctrl-C (or SIGTERM), which is passed on to both.
const { execSync, spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
// The quick start is development: the built-in signing key and seeded admin are allowed only when NODE_ENV says
// so explicitly (anything started without NODE_ENV is production and must bring JWT_SECRET and ADMIN_*).
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV || 'development' };
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env });

run('node scripts/ensure-built.js');
run('node dist/apps/cli/src/main.js migrate');
run('node dist/apps/cli/src/main.js seed');

// Migrations and the seed run as the owner (DATABASE_URL); the API and the worker as a login in kouan_app
// (APP_DATABASE_URL; in development `kouan_api` on the same server), which may not rewrite the audit trail.
const { validateEnv } = require(join(root, 'dist', 'libs', 'config', 'src', 'env.js'));
const appUrl = validateEnv(env).appDatabaseUrl;
const asOwner = (why) => {
  process.stderr.write(`kouan: ${why}: the API and the worker run as the tables' owner (docs/operations.md)\n`);
  return env;
};
let appEnv;
if (!appUrl) {
  appEnv = asOwner('APP_DATABASE_URL is not set');
} else {
  try {
    run('node dist/apps/cli/src/main.js app-login');
    appEnv = { ...env, DATABASE_URL: appUrl };
  } catch {
    // A quick start still starts where the owner may not create roles; app-login has said why above.
    appEnv = asOwner("the app's login could not be made");
  }
}

const apps = ['api', 'worker'];
const children = apps.map((app) =>
  spawn(process.execPath, [join(root, 'dist', 'apps', app, 'src', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: appEnv,
  }),
);
let stopping = false;
const stop = (signal) => {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
// The quick start runs both or neither: when one process dies, say which and how, and stop the other.
children.forEach((child, i) => {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`kouan: the ${apps[i]} process exited (${signal ?? `code ${code}`}); stopping the rest\n`);
      stop('SIGTERM');
      process.exitCode = code || 1;
    }
  });
});
