/**
 * The two backends, each one record: which URLs it serves, its driver adapter, migrations and
 * schema, the SQL the raw path writes differently, its Prisma client, the settings a connection
 * gets, and how deleted rows' space is given back. `file:PATH` → better-sqlite3 (embedded
 * default), `postgresql://` → node-postgres (scale-out). The PostgreSQL adapter needs two fixes
 * for migrations (see docs/notes/postgresql-path.md): scripts must run as one query (adapter-pg
 * splits on `;`, outside a transaction), and `?schema=` is not a node-postgres parameter.
 * (Bulk result inserts stay in runs.ts, keyed by `provider`.)
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { join } from 'node:path';
import { OneConnection } from './transaction';
import type { PoolConfig } from 'pg';
import type { PrismaClient } from './generated/client';

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

/**
 * adapter-pg with scripts sent as one query; loaded for a PostgreSQL store only (a tenth of a
 * second of every SQLite command's start otherwise).
 */
function pgAdapter(config: PoolConfig, schema: string): PrismaPg {
  const { PrismaPg: Adapter } = require('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
  class PrismaPgScripts extends Adapter {
    override async connect() {
      const conn = await super.connect();
      conn.executeScript = async (script: string) => {
        await conn.underlyingDriver().query(script);
      };
      return conn;
    }
  }
  return new PrismaPgScripts(config, { schema });
}

/** The SQL the raw path writes differently per backend. */
export interface Dialect {
  provider: Provider;
  /** Placeholder for the i-th parameter (1-based). */
  param(i: number): string;
  trueLiteral: string;
}

export interface Backend {
  provider: Provider;
  /** Whether a store URL names this backend. */
  serves(url: string): boolean;
  target(url: string, timeoutMs: number): Target;
  dialect: Dialect;
  /** A Prisma client over the adapter: the SQLite client's type; on PostgreSQL the generated twin, which has the same model API. */
  client(target: Target): PrismaClient;
  /** The raw connection as the store uses it (SQLite: statements wait for an open transaction, transaction.ts). */
  raw(connection: SqlDriverAdapter): SqlDriverAdapter;
  /** Settings for the raw connection once it is open. */
  prepare(raw: SqlDriverAdapter): Promise<void>;
  /** Gives the space of deleted rows in these tables back. */
  reclaimSpace(raw: SqlDriverAdapter, tables: readonly string[]): Promise<void>;
}

const NO_ARGS = { args: [], argTypes: [] };

/**
 * A generated Prisma client class, loaded when a store first makes its client: a command whose
 * queries are all plain SQL (`run`'s path, a worker's shards) never loads it, nor compiles the
 * query compiler it carries (about half a second of a CLI run's start).
 */
function generatedClient(module: './generated/client' | './generated-pg/client'): typeof PrismaClient {
  // The PostgreSQL twin has the same model API; typed as the SQLite one, as `Backend.client` says.
  return (require(module) as { PrismaClient: typeof PrismaClient }).PrismaClient;
}

const SQLITE: Backend = {
  provider: 'sqlite',
  serves: (url) => url.startsWith('file:'),
  target: (url, timeoutMs) => ({
    provider: 'sqlite', url, factory: new PrismaBetterSqlite3({ url, timeout: timeoutMs }),
    migrationsDir: join(PRISMA_DIR, 'migrations'), schemaPath: join(PRISMA_DIR, 'schema.prisma'),
  }),
  dialect: { provider: 'sqlite', param: () => '?', trueLiteral: '1' },
  client: (target) => new (generatedClient('./generated/client'))({ adapter: target.factory as PrismaBetterSqlite3 }),
  raw: (connection) => new OneConnection(connection),
  async prepare(raw) {
    // WAL: readers (the API) never wait for the writer (a run); synchronous NORMAL is durable at
    // each commit in WAL mode.
    await raw.queryRaw({ sql: 'PRAGMA journal_mode = WAL', ...NO_ARGS });
    await raw.executeRaw({ sql: 'PRAGMA synchronous = NORMAL', ...NO_ARGS });
  },
  async reclaimSpace(raw) {
    await raw.executeRaw({ sql: 'VACUUM', ...NO_ARGS });
    // The store runs in WAL mode: the rewritten pages reach the file, and the log is emptied.
    await raw.queryRaw({ sql: 'PRAGMA wal_checkpoint(TRUNCATE)', ...NO_ARGS });
  },
};

const POSTGRES: Backend = {
  provider: 'postgresql',
  serves: (url) => /^postgres(ql)?:\/\//.test(url),
  target(url) {
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
      provider: 'postgresql', url, factory: pgAdapter(config, schema), pgSchema: schema, pgConfig: config,
      migrationsDir: join(PRISMA_DIR, 'pg', 'migrations'), schemaPath: join(PRISMA_DIR, 'pg', 'schema.prisma'),
    };
  },
  dialect: { provider: 'postgresql', param: (i) => `$${i}`, trueLiteral: 'TRUE' },
  client: (target) => new (generatedClient('./generated-pg/client'))({ adapter: target.factory as PrismaPg }),
  raw: (connection) => connection,
  async prepare() {},
  async reclaimSpace(raw, tables) {
    // Plain VACUUM (not FULL): the space is reusable by later runs, tables are not locked exclusively.
    for (const table of tables) await raw.executeRaw({ sql: `VACUUM "${table}"`, ...NO_ARGS });
  },
};

const BACKENDS = [SQLITE, POSTGRES];

/** Whether some backend serves this URL (else `--db` takes it for a SQLite path). */
export function isStoreUrl(url: string): boolean {
  return BACKENDS.some((b) => b.serves(url));
}

/** The backend a store URL names; anything else is refused, saying what is accepted. */
export function backendFor(url: string): Backend {
  const backend = BACKENDS.find((b) => b.serves(url));
  if (!backend) throw new Error(`DATABASE_URL must be file:PATH (embedded SQLite) or postgresql://… (got ${url.split(':')[0]}:…)`);
  return backend;
}

export function targetFor(url: string, timeoutMs = 10_000): Target {
  return backendFor(url).target(url, timeoutMs);
}
