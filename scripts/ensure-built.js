#!/usr/bin/env node
// Builds when dist/ is missing or older than any source file, so `npm start` works straight after `npm ci`.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (/\.(ts|json|html|js|css)$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const sources = ['apps', 'libs', 'migrations', 'bench', 'packages'].map((d) => join(root, d)).filter(existsSync);
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (!built || Math.max(...sources.map(newest), statSync(join(root, 'tsconfig.json')).mtimeMs) > built) {
  process.stdout.write('building…\n');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
