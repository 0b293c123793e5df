#!/usr/bin/env node
// Part of `npm run build`: writes the pages' bundled asset (live-protocol.js) next to the copied pages in dist.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const { bundleLiveProtocol, LIVE_PROTOCOL_ASSET } = require(
  join(root, 'dist', 'apps', 'api', 'src', 'live-protocol.bundle.js'),
);
writeFileSync(join(root, 'dist', 'apps', 'api', 'src', 'pages', LIVE_PROTOCOL_ASSET), bundleLiveProtocol(root));
