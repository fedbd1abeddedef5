/**
 * Prisma's schema engine, offline: the WebAssembly build (`@prisma/schema-engine-wasm`) driven
 * through a migration-aware driver adapter, because the native engine cannot be downloaded here.
 * Applies the same prisma/migrations/ as `prisma migrate deploy` and records them in the same
 * `_prisma_migrations` table, so either tool can take over.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { wasmSchemaEngineLoader } from '@prisma/internals';
import Sqlite from 'better-sqlite3';
import { targetFor, type Target } from './adapters';
import { committedMigrations, createFreshSqliteStore } from './fresh-sqlite-store';

const NO_FILTER = { externalTables: [], externalEnums: [] };

/** @prisma/internals loads `../build/schema_engine_bg.wasm`, which its package does not ship. */
export function ensureSchemaEngineWasm(): void {
  const internals = dirname(require.resolve('@prisma/internals/package.json'));
  const target = join(internals, 'build', 'schema_engine_bg.wasm');
  if (existsSync(target)) return;
  const source = join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
}

/** The wasm engine does not create the `?schema=` schema itself. */
async function ensurePgSchema(target: Target): Promise<void> {
  if (!target.pgSchema || target.pgSchema === 'public') return;
  const conn = await target.factory.connect();
  try {
    await conn.executeScript(`CREATE SCHEMA IF NOT EXISTS "${target.pgSchema.replace(/"/g, '""')}"`);
  } finally {
    await conn.dispose();
  }
}

function track(opened: SqlDriverAdapter[], connection: SqlDriverAdapter): SqlDriverAdapter {
  opened.push(connection);
  return connection;
}

type WasmEngine = Awaited<ReturnType<typeof wasmSchemaEngineLoader.loadSchemaEngine>>;

async function withEngine<T>(target: Target, fn: (engine: WasmEngine, schema: string) => Promise<T>): Promise<T> {
  ensureSchemaEngineWasm();
  const schema = readFileSync(target.schemaPath, 'utf8');
  // The engine does not close the connections it opens; keep them to close them ourselves, or
  // their locks outlive the migration.
  const inner = target.factory;
  const opened: SqlDriverAdapter[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => track(opened, await inner.connect()),
    connectToShadowDb: async () => track(opened, await inner.connectToShadowDb()),
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  // Loaded here, not at the top: half a second of module loading that a store already at the
  // latest migration (and a fresh SQLite file, ./fresh-sqlite-store) never needs.
  const { wasmSchemaEngineLoader: loader } = await import('@prisma/internals');
  // With PostgreSQL the engine leaves a 10 s timer referenced; unref what it creates so a CLI can exit.
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => realSetTimeout(...args).unref()) as typeof setTimeout;
  try {
    const engine = await loader.loadSchemaEngine({ datamodels: [[target.schemaPath, schema]] }, () => undefined, adapter);
    try {
      return await fn(engine, schema);
    } finally {
      engine.free?.();
    }
  } finally {
    globalThis.setTimeout = realSetTimeout;
    for (const connection of opened) await connection.dispose();
  }
}

/** Any number for pg_advisory_lock, the same in every process of this project. */
const MIGRATION_LOCK = 0x7669_6d61; // "vima"

/**
 * Services and workers start together in a scale-out deployment and each applies migrations:
 * without a lock two of them race to create the same schema and tables. A session-level advisory
 * lock on a connection of its own serialises them; the later one then finds nothing to apply.
 */
async function withPgMigrationLock<T>(target: Target, fn: () => Promise<T>): Promise<T> {
  // node-postgres loaded here: a SQLite store's commands never need it.
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client(target.pgConfig);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await fn();
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

/**
 * Whether every committed migration is recorded as applied in an SQLite file, read without a
 * write lock. The engine takes SQLite's exclusive lock even when nothing is pending, which fails
 * while `serve` has the file open, so a CLI command beside a running server (token create,
 * artifact add) asks this first.
 */
function sqliteUpToDate(path: string, migrationsDir: string): boolean {
  if (path === ':memory:' || !existsSync(path)) return false;
  const committed = committedMigrations(migrationsDir).map((m) => m.name);
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return false;
    const rows = db.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL').all() as { migration_name: string }[];
    const applied = new Set(rows.map((row) => row.migration_name));
    return committed.every((name) => applied.has(name));
  } finally {
    db.close();
  }
}

/** Pending migrations applied by the schema engine itself, whatever the store (tests compare the fresh-store path with it). */
export function applyWithEngine(target: Target): Promise<string[]> {
  return withEngine(target, async (engine) => {
    const { listMigrations } = await import('@prisma/migrate/dist/utils/listMigrations');
    const migrationsList = await listMigrations(target.migrationsDir, '');
    const result = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return result.appliedMigrationNames;
  });
}

/** Apply pending migrations to the database at `url` (`file:PATH` or `postgresql://…`); returns the names applied. */
export async function applyMigrations(url: string): Promise<string[]> {
  const target = targetFor(url);
  const apply = () => applyWithEngine(target);
  if (target.provider === 'sqlite') {
    const dbPath = url.replace(/^file:/, '');
    if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
    if (sqliteUpToDate(dbPath, target.migrationsDir)) return [];
    if (dbPath !== ':memory:') {
      const created = createFreshSqliteStore(dbPath, target.migrationsDir);
      if (created) return created;
    }
    return apply();
  }
  return withPgMigrationLock(target, async () => {
    await ensurePgSchema(target);
    return apply();
  });
}

/**
 * The SQL that creates schema.prisma's tables from nothing. Tests compare the database the
 * committed migrations build with the one this builds, so the two cannot drift apart.
 */
export async function schemaCreateSql(url = 'file::memory:'): Promise<string> {
  const target = targetFor(url);
  return withEngine(target, async (engine, schema) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: target.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return (result as { stdout?: string }).stdout ?? '';
  });
}

/**
 * The SQL that takes a database of an earlier schema.prisma (its text, e.g. from git) to the
 * current one: the next migration's migration.sql. (Diffing from the migrations themselves needs
 * a shadow database, which the wasm engine's SQLite adapter does not provide.)
 */
export async function schemaChangeSql(fromSchema: string, url = 'file::memory:'): Promise<string> {
  const target = targetFor(url);
  return withEngine(target, async (engine, schema) => {
    const result = await engine.diff({
      from: { tag: 'schemaDatamodel', files: [{ path: target.schemaPath, content: fromSchema }] },
      to: { tag: 'schemaDatamodel', files: [{ path: target.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return (result as { stdout?: string }).stdout ?? '';
  });
}
