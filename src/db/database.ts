/**
 * The embedded store: migrations applied offline, a Prisma client for ordinary reads and writes,
 * and a second connection through the same driver adapter for the bulk path (results in
 * multi-row raw statements, one transaction per shard).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { ALL_PROFILES } from '../engine';
import { PrismaClient } from './generated/client';
import { PrismaClient as PgPrismaClient } from './generated-pg/client';
import type { PrismaPg } from '@prisma/adapter-pg';
import { targetFor, type Provider } from './adapters';
import { redact } from './redact';
import { applyMigrations } from './schema-engine';
import { withOpenLock } from './open-lock';
import { StoreError, checkSqliteStore, noteCleanClose, type StoreCheck } from './store-check';
import { sqlitePath } from './url';

/** The SQL the raw path writes differently per backend. */
export interface Dialect {
  provider: Provider;
  /** Placeholder for the i-th parameter (1-based). */
  param(i: number): string;
  trueLiteral: string;
}

const SQLITE: Dialect = {
  provider: 'sqlite',
  param: () => '?',
  trueLiteral: '1',
};

const POSTGRES: Dialect = {
  provider: 'postgresql',
  param: (i) => `$${i}`,
  trueLiteral: 'TRUE',
};

export interface Database {
  url: string;
  dialect: Dialect;
  /** The SQLite client's type; on PostgreSQL the generated twin client, which has the same model API. */
  prisma: PrismaClient;
  /** Raw connection for bulk writes and hot reads. */
  raw: SqlDriverAdapter;
  /** Hash of the engine's current profile data, stored in ProfileSet. */
  profileHash: string;
  /** What opening did to check the store (./store-check). */
  check: StoreCheck;
  close(): Promise<void>;
}

export function profileHash(): string {
  return createHash('sha256').update(JSON.stringify(ALL_PROFILES)).digest('hex').slice(0, 16);
}

export interface OpenOptions {
  /** Told once when another process is opening the same SQLite store and this one waits for it. */
  onWait?: (store: string) => void;
}

const WAITING = 'another process is opening the store (start-up check or migrations): waiting for it to finish';
const sayWaiting = (store: string) => process.stderr.write(`store ${store}: ${WAITING}\n`);
/** The same, as a log line of `serve` or `worker`. */
export const waitingForStore = (log: { info(fields: object, msg: string): void }) => (store: string) => log.info({ store }, WAITING);

/**
 * Opens the store; a store that is corrupt or cannot be reached is a StoreError naming it and the
 * cause. A SQLite file is opened by one process at a time (./open-lock).
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const path = url.startsWith('file:') ? sqlitePath(url) : null;
  const opening = async () => {
    const check = path ? checkSqliteStore(path) : 'none';
    try {
      return { ...(await open(url)), check };
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('STORE_UNAVAILABLE', path ?? redact(url), (err as Error).message);
    }
  };
  if (!path || path === ':memory:') return opening();
  mkdirSync(dirname(path), { recursive: true });
  return withOpenLock(path, options.onWait ?? sayWaiting, opening);
}

async function open(url: string): Promise<Omit<Database, 'check'>> {
  // Migrations first, on connections of their own that are closed before anything else opens.
  await applyMigrations(url);
  const target = targetFor(url);
  const raw = await target.factory.connect();
  let prisma: PrismaClient;
  if (target.provider === 'sqlite') {
    // WAL: readers (the API) never wait for the writer (a run); synchronous NORMAL is durable at
    // each commit in WAL mode.
    await raw.queryRaw({ sql: 'PRAGMA journal_mode = WAL', args: [], argTypes: [] });
    await raw.executeRaw({ sql: 'PRAGMA synchronous = NORMAL', args: [], argTypes: [] });
    prisma = new PrismaClient({ adapter: target.factory as PrismaBetterSqlite3 });
  } else {
    prisma = new PgPrismaClient({ adapter: target.factory as PrismaPg }) as unknown as PrismaClient;
  }
  const hash = profileHash();
  await prisma.profileSet.upsert({ where: { hash }, update: {}, create: { hash, data: JSON.stringify(ALL_PROFILES) } });
  return {
    url,
    dialect: target.provider === 'sqlite' ? SQLITE : POSTGRES,
    prisma,
    raw,
    profileHash: hash,
    async close() {
      await prisma.$disconnect();
      await raw.dispose();
      if (target.provider === 'sqlite') noteCleanClose(sqlitePath(url));
    },
  };
}
