/** The offline migration path: fresh file, idempotent, recorded like `prisma migrate deploy`, no drift from schema.prisma. */
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetFor } from '../../src/db/adapters';
import { applyMigrations, applyWithEngine, schemaCreateSql } from '../../src/db/schema-engine';
import { createFreshSqliteStore } from '../../src/db/fresh-sqlite-store';

const MIGRATIONS = join(__dirname, '..', '..', 'prisma', 'migrations');

/** The store's schema as SQLite keeps it, and its migration records without ids and times. */
function storeShape(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const migrations = db.prepare('SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name').all();
    return { schema, migrations };
  } finally {
    db.close();
  }
}

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

test('When a fresh SQLite file is created without the schema engine, then its tables and migration records are what the engine makes', async () => {
  const fresh = join(dir, 'fresh.db');
  expect(await applyMigrations(`file:${fresh}`)).toEqual(readdirSync(MIGRATIONS).filter((name) => !name.endsWith('.toml')).sort());
  const byEngine = join(dir, 'engine.db');
  expect((await applyWithEngine(targetFor(`file:${byEngine}`))).length).toBeGreaterThan(0);
  expect(storeShape(fresh)).toEqual(storeShape(byEngine));
});

test('When the engine opens a store created without it, then it accepts the records and applies only a newer migration', async () => {
  const older = join(dir, 'older-migrations');
  const names = readdirSync(MIGRATIONS).filter((name) => !name.endsWith('.toml')).sort();
  cpSync(MIGRATIONS, older, { recursive: true });
  rmSync(join(older, names[names.length - 1]), { recursive: true });
  const path = join(dir, 'store.db');
  expect(createFreshSqliteStore(path, older)).toEqual(names.slice(0, -1));
  expect(await applyMigrations(`file:${path}`)).toEqual(names.slice(-1));
  expect(await applyMigrations(`file:${path}`)).toEqual([]);
});

test('When the file already has tables, then the fresh path leaves it alone', () => {
  const path = join(dir, 'taken.db');
  const db = new Database(path);
  db.exec('CREATE TABLE "elsewhere" ("id" INTEGER)');
  db.close();
  expect(createFreshSqliteStore(path, MIGRATIONS)).toBeNull();
  const after = new Database(path, { readonly: true });
  expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'elsewhere' }]);
  after.close();
});

describe('PostgreSQL', () => {
  const pgColumns = async (url: string) => {
    const { pgClient } = await import('../support/databases');
    const schema = new URL(url).searchParams.get('schema')!;
    const client = pgClient();
    await client.connect();
    const { rows } = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = $1 AND table_name <> '_prisma_migrations' ORDER BY table_name, ordinal_position`, [schema]);
    await client.end();
    // Sequence defaults name their schema; only the shape is compared.
    return rows.map((row) => ({ ...row, column_default: row.column_default?.replace(`${schema}.`, '') }));
  };

  test('When the PostgreSQL migrations run twice on a fresh schema, then the second applies nothing and the tables match prisma/pg/schema.prisma', async () => {
    const { testDatabase } = await import('../support/databases');
    const migrated = await testDatabase('postgresql', 'migrate');
    const direct = await testDatabase('postgresql', 'direct');
    try {
      expect((await applyMigrations(migrated.url)).length).toBeGreaterThan(0);
      expect(await applyMigrations(migrated.url)).toEqual([]);
      const createSql = (await schemaCreateSql(direct.url)).replace(/CREATE SCHEMA IF NOT EXISTS "[^"]+";/g, '');
      const { pgClient } = await import('../support/databases');
      const client = pgClient();
      await client.connect();
      try {
        const schema = new URL(direct.url).searchParams.get('schema')!;
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"; ${createSql}`);
      } finally {
        await client.end();
      }
      expect(await pgColumns(migrated.url)).toEqual(await pgColumns(direct.url));
    } finally {
      await migrated.drop();
      await direct.drop();
    }
  });

  test('When two processes migrate a fresh schema at once (service and workers starting together), then one applies and the other finds nothing to do', async () => {
    const { testDatabase } = await import('../support/databases');
    const fresh = await testDatabase('postgresql', 'race');
    try {
      const applied = await Promise.all([applyMigrations(fresh.url), applyMigrations(fresh.url)]);
      expect(applied.map((names) => names.length).sort()).toEqual([0, applied.flat().length]);
      expect(applied.flat().length).toBeGreaterThan(0);
    } finally {
      await fresh.drop();
    }
  });

  test('prisma/pg/schema.prisma declares the same models as prisma/schema.prisma', () => {
    const models = (path: string) => readFileSync(path, 'utf8').slice(readFileSync(path, 'utf8').indexOf('///'));
    const root = join(__dirname, '..', '..', 'prisma');
    expect(models(join(root, 'pg', 'schema.prisma'))).toBe(models(join(root, 'schema.prisma')));
  });
});
