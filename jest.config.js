/** Unit tests (test/unit) and tests against real Postgres, Redis and HTTP (test/e2e); see docs/testing.md. */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(readFileSync(join(__dirname, 'tsconfig.json'), 'utf8')).compilerOptions;

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // swc rewrites the @kouan/* aliases itself, so globalSetup (which moduleNameMapper does not reach) resolves them too.
  transform: {
    '^.+\\.(ts|js|mjs)$': ['@swc/jest', { ...swcrc, swcrc: false, jsc: { ...swcrc.jsc, baseUrl: __dirname, paths } }],
  },
  // NestJS 12 ships ES modules only; Jest on Node 20 loads CommonJS, so swc compiles those packages too.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
