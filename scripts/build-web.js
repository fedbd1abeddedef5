#!/usr/bin/env node
// Bundles the dashboard (web/) into dist/web: index.html, assets/main.js and assets/main.css.
// Part of `npm run build`, which `npm install` (prepare) and `npm test` run, so a fresh clone
// serves the dashboard; the bundle is built, not committed.
'use strict';
const { build } = require('esbuild');
const { copyFileSync, mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist', 'web');

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  await build({
    entryPoints: { main: join(root, 'web', 'src', 'main.ts') },
    outdir: join(out, 'assets'),
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'web', 'index.html'), join(out, 'index.html'));
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
