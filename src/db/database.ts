/**
 * The store, on SQLite (a file, the default) or PostgreSQL (scale-out; the backend record in
 * adapters.ts says what differs): migrations applied offline, a raw connection through the driver
 * adapter for plain SQL (matrices, runs, shards and their result blobs: everything a run does),
 * and a Prisma client over the same adapter for the rest, made on first use.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { ALL_PROFILES } from '../engine';
import type { PrismaClient } from './generated/client';
import { backendFor, type Backend, type Dialect } from './adapters';
import { redact } from './redact';
import { convertResultRows, type ConversionLog } from './convert-results';
import { applyMigrations } from './schema-engine';
import { withOpenLock } from './open-lock';
import { StoreError, checkSqliteStore, noteCleanClose, type StoreCheck } from './store-check';
import { sqlitePath } from './url';
import { DATETIME, TEXT, forBackend } from './sql-values';

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
  /** What opening did to check the store (./store-check). */
  check: StoreCheck;
  close(): Promise<void>;
}

let engineProfiles: { json: string; hash: string } | undefined;

/** The engine's profile data as stored in ProfileSet, and its hash: computed once, since it never changes in a process. */
export function engineProfilesJson(): string {
  engineProfiles ??= (() => {
    const json = JSON.stringify(ALL_PROFILES);
    return { json, hash: createHash('sha256').update(json).digest('hex').slice(0, 16) };
  })();
  return engineProfiles.json;
}

export function profileHash(): string {
  engineProfilesJson();
  return engineProfiles!.hash;
}

/**
 * The profile data a run's positions mean (its hash, the engine's profiles, the user patches a
 * what-if snapshot applies), stored once: a set already there is kept as it is.
 */
export async function storeProfileSet(raw: SqlDriverAdapter, dialect: Dialect, hash: string, data: string, whatIf: string | null): Promise<void> {
  await raw.executeRaw({
    sql: forBackend(dialect, 'INSERT INTO "ProfileSet" ("hash", "data", "createdAt", "whatIf") VALUES (?, ?, ?, ?) ON CONFLICT ("hash") DO NOTHING'),
    args: [hash, data, new Date(), whatIf], argTypes: [TEXT, TEXT, DATETIME, TEXT],
  });
}

export interface OpenOptions {
  /** Where converting an older store's result rows reports progress (default: pino on stderr). */
  log?: ConversionLog;
  /** Told once when another process is opening the same SQLite store and this one waits for it. */
  onWait?: (store: string) => void;
}

const WAITING = 'another process is opening the store (start-up check, migrations, converting old results): waiting for it to finish';
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
      return await open(url, options, check);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('STORE_UNAVAILABLE', path ?? redact(url), (err as Error).message);
    }
  };
  if (!path || path === ':memory:') return opening();
  mkdirSync(dirname(path), { recursive: true });
  return withOpenLock(path, options.onWait ?? sayWaiting, opening);
}

async function open(url: string, options: OpenOptions, check: StoreCheck): Promise<Database> {
  // Migrations first, on connections of their own that are closed before anything else opens.
  await applyMigrations(url);
  const backend = backendFor(url);
  const target = backend.target(url, 10_000);
  const raw = backend.raw(await target.factory.connect());
  await backend.prepare(raw);
  const hash = profileHash();
  await storeProfileSet(raw, backend.dialect, hash, engineProfilesJson(), null);
  // Made on first use: a process whose queries are all plain SQL never loads Prisma's client.
  let prisma: PrismaClient | undefined;
  let closed = false;
  const db: Database = {
    url,
    backend,
    dialect: backend.dialect,
    get prisma() {
      // Not made anew after close(): a PostgreSQL pool nobody ends would keep the process alive.
      if (closed) throw new Error('the store is closed');
      return (prisma ??= backend.client(target));
    },
    raw,
    profileHash: hash,
    check,
    async close() {
      closed = true;
      await prisma?.$disconnect();
      await raw.dispose();
      if (target.provider === 'sqlite') noteCleanClose(sqlitePath(url));
    },
  };
  try {
    // The default logger is made only when there is something to say.
    let stderr: pino.Logger | undefined;
    const log = options.log ?? { info: (fields: object, msg: string) => (stderr ??= pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2))).info(fields, msg) };
    await convertResultRows(db, log);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
