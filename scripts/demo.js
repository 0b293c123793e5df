#!/usr/bin/env node
// `npm run demo`: loads a day at Mohan into the system `npm start` runs (same defaults: development, port 3000).
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV || 'development' };
execSync('node scripts/ensure-built.js', { cwd: root, stdio: 'inherit', env });
execSync('node dist/apps/cli/src/main.js demo', { cwd: root, stdio: 'inherit', env });
