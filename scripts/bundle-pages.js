#!/usr/bin/env node
// Part of `npm run build`: copies the pages' HTML, CSS and fragments into dist and writes each page's script there,
// bundled from its TypeScript by the function the API uses when run from the sources (apps/api/src/pages.bundle.ts).
const { copyFileSync, mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const { bundlePages, PAGES_SOURCE } = require(join(root, 'dist', 'apps', 'api', 'src', 'pages.bundle.js'));
const source = join(root, PAGES_SOURCE);
const target = join(root, 'dist', PAGES_SOURCE);
mkdirSync(target, { recursive: true });
for (const entry of readdirSync(source, { withFileTypes: true })) {
  if (entry.isFile() && /\.(html|css|part|svg)$/.test(entry.name))
    copyFileSync(join(source, entry.name), join(target, entry.name));
}
for (const [name, text] of bundlePages(root)) writeFileSync(join(target, name), text);
