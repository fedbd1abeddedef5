/**
 * A new SQLite store without the schema engine: loading the wasm engine and letting it apply the
 * migrations one by one costs a CLI run on a fresh file more than a second, for SQL that is
 * committed beside it. This runs the same migration.sql files in one transaction and records them
 * in `_prisma_migrations` as `prisma migrate deploy` does (name, sha256 checksum, one step each),
 * so the engine takes over for the migrations that come later.
 */
import Sqlite from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The table as the schema engine creates it on SQLite, column for column. */
const MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** The committed migrations in the order the engine applies them (folder names sort by timestamp). */
export function committedMigrations(migrationsDir: string): { name: string; sql: string }[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8') }));
}

/** The engine's timestamp format: ISO 8601 with an explicit +00:00. */
const timestamp = () => new Date().toISOString().replace('Z', '+00:00');

/**
 * Creates the store's tables when the file holds none yet and returns the migrations applied; a
 * file that already has tables (or gets them from another process first) is left to the engine
 * and this returns null. All or nothing: a process killed half way leaves a file without tables,
 * which the next open creates again.
 */
export function createFreshSqliteStore(path: string, migrationsDir: string): string[] | null {
  const db = new Sqlite(path, { timeout: 10_000 });
  try {
    const hasTables = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table'").get() !== undefined;
    if (hasTables()) return null;
    const migrations = committedMigrations(migrationsDir);
    const create = db.transaction((): string[] | null => {
      if (hasTables()) return null; // another process created the store while this one waited for the lock
      db.exec(MIGRATIONS_TABLE);
      const record = db.prepare('INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count") VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)');
      for (const { name, sql } of migrations) {
        const startedAt = timestamp();
        db.exec(sql);
        record.run(randomUUID(), createHash('sha256').update(sql).digest('hex'), timestamp(), name, startedAt);
      }
      return migrations.map((m) => m.name);
    });
    return create.immediate();
  } finally {
    db.close();
  }
}
