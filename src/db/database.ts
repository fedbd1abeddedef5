/**
 * The store, on SQLite (a file, the default) or PostgreSQL (scale-out; the backend record in
 * adapters.ts says what differs): migrations applied offline, a Prisma client for ordinary reads
 * and writes, and a second connection through the same driver adapter for the bulk path (results
 * in multi-row raw statements, one transaction per shard).
 */
import { createHash } from 'node:crypto';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { ALL_PROFILES } from '../engine';
import type { PrismaClient } from './generated/client';
import { backendFor, type Backend, type Dialect } from './adapters';
import { redact } from './redact';
import { applyMigrations } from './schema-engine';
import { StoreError, checkSqliteStore } from './store-check';
import { sqlitePath } from './url';

export type { Dialect };

export interface Database {
  url: string;
  backend: Backend;
  /** `backend.dialect`, for the raw SQL paths. */
  dialect: Dialect;
  /** The SQLite client's type; on PostgreSQL the generated twin client, which has the same model API. */
  prisma: PrismaClient;
  /** Raw connection for bulk writes and hot reads. */
  raw: SqlDriverAdapter;
  /** Hash of the engine's current profile data, stored in ProfileSet. */
  profileHash: string;
  close(): Promise<void>;
}

export function profileHash(): string {
  return createHash('sha256').update(JSON.stringify(ALL_PROFILES)).digest('hex').slice(0, 16);
}

/** Opens the store; a store that is corrupt or cannot be reached is a StoreError naming it and the cause. */
export async function openDatabase(url: string): Promise<Database> {
  if (url.startsWith('file:')) checkSqliteStore(sqlitePath(url));
  try {
    return await open(url);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError('STORE_UNAVAILABLE', url.startsWith('file:') ? sqlitePath(url) : redact(url), (err as Error).message);
  }
}

async function open(url: string): Promise<Database> {
  // Migrations first, on connections of their own that are closed before anything else opens.
  await applyMigrations(url);
  const backend = backendFor(url);
  const target = backend.target(url, 10_000);
  const raw = await target.factory.connect();
  await backend.prepare(raw);
  const prisma = backend.client(target);
  const hash = profileHash();
  await prisma.profileSet.upsert({ where: { hash }, update: {}, create: { hash, data: JSON.stringify(ALL_PROFILES) } });
  return {
    url,
    backend,
    dialect: backend.dialect,
    prisma,
    raw,
    profileHash: hash,
    async close() {
      await prisma.$disconnect();
      await raw.dispose();
    },
  };
}
