#!/usr/bin/env node
// Runs at `npm install`: put the schema engine's wasm where @prisma/internals looks for it, and
// generate the Prisma client. Prisma 7's CLI wants a native schema engine it cannot download
// here; `generate` does not use it, so any existing file satisfies the check.
'use strict';
const { execFileSync } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const internals = dirname(require.resolve('@prisma/internals/package.json'));
const wasm = join(internals, 'build', 'schema_engine_bg.wasm');
if (!existsSync(wasm)) {
  mkdirSync(dirname(wasm), { recursive: true });
  copyFileSync(join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm'), wasm);
}

const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
// Two clients from twin schemas: SQLite (embedded default) and PostgreSQL (scale-out). A Prisma
// schema names one provider, so the PostgreSQL twin lives in prisma/pg/ (test/db checks they agree).
for (const schema of ['prisma/schema.prisma', 'prisma/pg/schema.prisma']) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    stdio: 'inherit',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || wasm, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
}
