/** The offline migration path: fresh file, idempotent, recorded like `prisma migrate deploy`, no drift from schema.prisma. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, schemaCreateSql } from '../../src/db/schema-engine';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tables(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY name").all() as { name: string }[];
  const out = Object.fromEntries(names.map(({ name }) => [name, db.prepare(`PRAGMA table_info("${name}")`).all()]));
  db.close();
  return out;
}

test('When migrations run on a fresh file twice, then the first applies them all and the second nothing', async () => {
  const url = `file:${join(dir, 'nested', 'fresh.db')}`;
  const first = await applyMigrations(url);
  expect(first.length).toBeGreaterThan(0);
  expect(await applyMigrations(url)).toEqual([]);
  const db = new Database(join(dir, 'nested', 'fresh.db'), { readonly: true });
  const recorded = db.prepare('SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations').all() as { migration_name: string; finished_at: string | null; rolled_back_at: string | null }[];
  db.close();
  expect(recorded.map((r) => r.migration_name)).toEqual(first);
  expect(recorded.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
});

test('When the committed migrations are applied, then the tables equal what schema.prisma describes (no drift)', async () => {
  const migrated = join(dir, 'migrated.db');
  await applyMigrations(`file:${migrated}`);
  const fromSchema = join(dir, 'schema.db');
  const db = new Database(fromSchema);
  db.exec(await schemaCreateSql());
  db.close();
  expect(tables(migrated)).toEqual(tables(fromSchema));
});
