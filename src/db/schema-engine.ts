/**
 * Prisma's schema engine, offline: the WebAssembly build (`@prisma/schema-engine-wasm`) driven
 * through a migration-aware driver adapter, because the native engine cannot be downloaded here.
 * Applies the same prisma/migrations/ as `prisma migrate deploy` and records them in the same
 * `_prisma_migrations` table, so either tool can take over.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { wasmSchemaEngineLoader } from '@prisma/internals';
import { listMigrations } from '@prisma/migrate/dist/utils/listMigrations';

export const PRISMA_DIR = join(__dirname, '..', '..', 'prisma');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
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

function track(opened: SqlDriverAdapter[], connection: SqlDriverAdapter): SqlDriverAdapter {
  opened.push(connection);
  return connection;
}

type WasmEngine = Awaited<ReturnType<typeof wasmSchemaEngineLoader.loadSchemaEngine>>;

async function withEngine<T>(url: string, fn: (engine: WasmEngine, schema: string) => Promise<T>): Promise<T> {
  ensureSchemaEngineWasm();
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  // The engine does not close the connections it opens; keep them to close them ourselves, or
  // their locks outlive the migration.
  const inner = new PrismaBetterSqlite3({ url });
  const opened: SqlDriverAdapter[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => track(opened, await inner.connect()),
    connectToShadowDb: async () => track(opened, await inner.connectToShadowDb()),
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await wasmSchemaEngineLoader.loadSchemaEngine({ datamodels: [[SCHEMA_PATH, schema]] }, () => undefined, adapter);
  try {
    return await fn(engine, schema);
  } finally {
    engine.free?.();
    for (const connection of opened) await connection.dispose();
  }
}

/** Apply pending migrations to the SQLite database at `url` (`file:PATH`); returns the names applied. */
export async function applyMigrations(url: string): Promise<string[]> {
  const dbPath = url.replace(/^file:/, '');
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  return withEngine(url, async (engine) => {
    const migrationsList = await listMigrations(MIGRATIONS_DIR, '');
    const result = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return result.appliedMigrationNames;
  });
}

/**
 * The SQL that creates schema.prisma's tables from nothing. Tests compare the database the
 * committed migrations build with the one this builds, so the two cannot drift apart.
 */
export async function schemaCreateSql(): Promise<string> {
  return withEngine('file::memory:', async (engine, schema) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return (result as { stdout?: string }).stdout ?? '';
  });
}
