/**
 * Driver adapters by URL: `file:PATH` → better-sqlite3 (embedded default), `postgresql://` →
 * node-postgres (scale-out). The PostgreSQL adapter needs two fixes for migrations (see
 * docs/notes/postgresql-path.md): scripts must run as one query (adapter-pg splits on `;`,
 * outside a transaction), and `?schema=` is not a node-postgres parameter.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { join } from 'node:path';
import type { PoolConfig } from 'pg';

export type Provider = 'sqlite' | 'postgresql';

export interface Target {
  provider: Provider;
  url: string;
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** PostgreSQL schema holding the tables (from `?schema=`, default public). */
  pgSchema?: string;
  /** node-postgres settings, for work that needs one session of its own (the migration lock). */
  pgConfig?: PoolConfig;
  migrationsDir: string;
  schemaPath: string;
}

const PRISMA_DIR = join(__dirname, '..', '..', 'prisma');

class PrismaPgScripts extends PrismaPg {
  override async connect() {
    const conn = await super.connect();
    conn.executeScript = async (script: string) => {
      await conn.underlyingDriver().query(script);
    };
    return conn;
  }
}

export function targetFor(url: string, timeoutMs = 10_000): Target {
  if (url.startsWith('file:')) {
    return {
      provider: 'sqlite', url, factory: new PrismaBetterSqlite3({ url, timeout: timeoutMs }),
      migrationsDir: join(PRISMA_DIR, 'migrations'), schemaPath: join(PRISMA_DIR, 'schema.prisma'),
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? 'public';
    // It goes into libpq options and DDL: a plain identifier only.
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`DATABASE_URL ?schema= must be a plain PostgreSQL identifier (letters, digits, _), got ${JSON.stringify(schema)}`);
    }
    const config: PoolConfig = {
      host: u.hostname, port: u.port ? Number(u.port) : 5432, user: decodeURIComponent(u.username) || undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined, database: u.pathname.replace(/^\//, '') || undefined,
      // Unqualified names in migrations and raw SQL land in the chosen schema.
      options: `-c search_path="${schema}"`,
    };
    return {
      provider: 'postgresql', url, factory: new PrismaPgScripts(config, { schema }), pgSchema: schema, pgConfig: config,
      migrationsDir: join(PRISMA_DIR, 'pg', 'migrations'), schemaPath: join(PRISMA_DIR, 'pg', 'schema.prisma'),
    };
  }
  throw new Error(`DATABASE_URL must be file:PATH (embedded SQLite) or postgresql://… (got ${url.split(':')[0]}:…)`);
}
