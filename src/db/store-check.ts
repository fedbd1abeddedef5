/**
 * The store is checked before anything reads or writes it. On SQLite: PRAGMA quick_check, which
 * reads every page and record (integrity_check would also match every index against its table,
 * at several times the cost). A corrupt store is refused naming the file and SQLite's findings;
 * the check opens it read-only, so a refused store's file is not written to.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export type StoreErrorCode = 'STORE_CORRUPT' | 'STORE_UNAVAILABLE';

/** The store could not be used: where it is (passwords redacted) and why. */
export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, readonly store: string, readonly reason: string) {
    super(`store ${store}: ${reason}`);
  }
}

/** Findings reported at most; the first few say enough to act on. */
const FINDINGS = 5;

export function checkSqliteStore(path: string): void {
  if (path === ':memory:' || !existsSync(path)) return;
  let findings: string[];
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    findings = (db.pragma(`quick_check(${FINDINGS})`) as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (err) {
    // SQLITE_NOTADB, SQLITE_CORRUPT: not a store at all, or one that cannot even be read.
    findings = [(err as Error).message];
  } finally {
    db?.close();
  }
  if (findings.length === 1 && findings[0] === 'ok') return;
  const lines = findings.flatMap((f) => f.split('\n')).filter((line) => line && !line.startsWith('***'));
  throw new StoreError('STORE_CORRUPT', path, `corrupt (PRAGMA quick_check: ${lines.join('; ')}): restore it from a backup, or move it aside to start an empty store`);
}
