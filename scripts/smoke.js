#!/usr/bin/env node
// `npm run test:smoke`: the smoke suite on the Node LTS the Docker image runs (its `FROM node:<major>`), whatever Node
// runs this script; the npm registry's `node` package provides that binary (npm exec, cached by npm). Jest and every
// process the tests start (the built API and worker, `process.execPath`) run on it. `npm test` runs the whole suite
// on the machine's Node; CI runs both (.ci/run). Needs the build (`npm run build`, or `npm test` before it).
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
// The built app as `npm start` and the image run it: migrate, seed, the API and the worker as their own processes
// (quick-start); the typed client against the API and the worker's webhook deliveries (client); a day at Mohan
// through the client (demo).
const SUITE = ['test/e2e/quick-start.e2e.spec.ts', 'test/e2e/client.e2e.spec.ts', 'test/e2e/demo.e2e.spec.ts'];

const major = /^FROM node:(\d+)/m.exec(readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8'))?.[1];
if (!major) throw new Error('docker/Dockerfile names no node:<major> image');
const onLts = (args, stdio) =>
  execFileSync('npm', ['exec', '--yes', '--package', `node@${major}`, '--', 'node', ...args], { cwd: root, stdio });

const version = onLts(['-p', 'process.versions.node'], ['ignore', 'pipe', 'inherit']).toString().trim();
if (!version.startsWith(`${major}.`)) throw new Error(`npm exec gave Node ${version}, not ${major}`);
process.stdout.write(`smoke suite on Node ${version} (docker/Dockerfile: node:${major})\n`);
onLts(['scripts/ensure-built.js'], 'inherit');
// One file at a time: the quick start migrates, seeds and boots two processes within its hook's minute, which a
// busy machine running the other files beside it did not always give it.
onLts([join('node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', ...SUITE], 'inherit');
