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
import { applyMigrations } from './schema-engine';
import { sqlitePath } from './url';

export interface Database {
  url: string;
  prisma: PrismaClient;
  /** Raw connection for bulk writes and hot reads. */
  raw: SqlDriverAdapter;
  /** Hash of the engine's current profile data, stored in ProfileSet. */
  profileHash: string;
  close(): Promise<void>;
}

function prepareFile(url: string): string {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return url;
}

export function profileHash(): string {
  return createHash('sha256').update(JSON.stringify(ALL_PROFILES)).digest('hex').slice(0, 16);
}

export async function openDatabase(url: string): Promise<Database> {
  const options = { url: prepareFile(url), timeout: 10_000 };
  // Migrations first, on connections of their own that are closed before anything else opens.
  await applyMigrations(url);
  const raw = await new PrismaBetterSqlite3(options).connect();
  // WAL: readers (the API) never wait for the writer (a run); synchronous NORMAL is durable at
  // each commit in WAL mode.
  await raw.queryRaw({ sql: 'PRAGMA journal_mode = WAL', args: [], argTypes: [] });
  await raw.executeRaw({ sql: 'PRAGMA synchronous = NORMAL', args: [], argTypes: [] });
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3(options) });
  const hash = profileHash();
  await prisma.profileSet.upsert({ where: { hash }, update: {}, create: { hash, data: JSON.stringify(ALL_PROFILES) } });
  return {
    url,
    prisma,
    raw,
    profileHash: hash,
    async close() {
      await prisma.$disconnect();
      await raw.dispose();
    },
  };
}
