/**
 * The store is checked before anything reads or writes it. On SQLite: PRAGMA quick_check, which
 * reads every page and record (integrity_check would also match every index against its table,
 * at several times the cost). A corrupt store is refused naming the file and SQLite's findings;
 * the check opens it read-only, so a refused store's file is not written to.
 *
 * quick_check reads the whole file (about 3 s for a few million results), so it is made only when
 * it can find something new (STORE_CHECK=changed, the default): a store this service closed
 * cleanly leaves a note of the file as it was then (inode, size, modification time in
 * nanoseconds, header), and the note is taken away as the store is opened, so a process that
 * dies with the store open leaves none. The next open skips the check only when the note is
 * there, the file is exactly as noted and no write-ahead log holds changes. What this cannot see
 * is the disk changing bytes under an unchanged modification time: STORE_CHECK=always checks at
 * every open.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

export type StoreErrorCode = 'STORE_CORRUPT' | 'STORE_UNAVAILABLE';

/** The store could not be used: where it is (passwords redacted) and why. */
export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, readonly store: string, readonly reason: string) {
    super(`store ${store}: ${reason}`);
  }
}

/** always: quick_check at every open; changed: only when the store may have changed since it was checked and closed cleanly. */
export type StoreCheckMode = 'always' | 'changed';

/** What opening did about the check, for the start-up log line. */
export type StoreCheck = 'quick_check' | 'unchanged since a clean close' | 'none';

export function storeCheckMode(env: NodeJS.ProcessEnv = process.env): StoreCheckMode {
  const raw = env.STORE_CHECK;
  if (raw === undefined || raw === '' || raw === 'changed') return 'changed';
  if (raw === 'always') return 'always';
  throw new StoreError('STORE_UNAVAILABLE', 'STORE_CHECK', `must be "always" or "changed" (the default), got ${JSON.stringify(raw)}`);
}

/** Findings reported at most; the first few say enough to act on. */
const FINDINGS = 5;
/** The SQLite header: page size, file format, change counter, schema cookie. */
const HEADER_BYTES = 100;

const notePath = (path: string) => `${path}.closed-clean`;

/** The file as it is: what a write, a copy over it or a restore would change. */
function fingerprint(path: string): string {
  const stat = statSync(path, { bigint: true });
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  return JSON.stringify({ ino: String(stat.ino), size: String(stat.size), mtimeNs: String(stat.mtimeNs), header: createHash('sha256').update(header).digest('hex') });
}

/** Changes written to the log and not yet to the file (a process stopped with the store open). */
function walHoldsChanges(path: string): boolean {
  const wal = `${path}-wal`;
  return existsSync(wal) && statSync(wal).size > 0;
}

/** The note a clean close left, taken away: from here on the store is open and may change. */
function takeCleanCloseNote(path: string): string | null {
  const note = notePath(path);
  if (!existsSync(note)) return null;
  const text = readFileSync(note, 'utf8');
  rmSync(note, { force: true });
  return text;
}

export function checkSqliteStore(path: string, mode: StoreCheckMode = storeCheckMode()): StoreCheck {
  if (path === ':memory:' || !existsSync(path)) return 'none';
  const note = takeCleanCloseNote(path);
  if (mode === 'changed' && note !== null && !walHoldsChanges(path) && note === fingerprint(path)) return 'unchanged since a clean close';
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
  if (findings.length === 1 && findings[0] === 'ok') return 'quick_check';
  const lines = findings.flatMap((f) => f.split('\n')).filter((line) => line && !line.startsWith('***'));
  throw new StoreError('STORE_CORRUPT', path, `corrupt (PRAGMA quick_check: ${lines.join('; ')}): restore it from a backup, or move it aside to start an empty store`);
}

/**
 * Called once the store's last connection here is closed: a note of the file as it is now, unless
 * the write-ahead log still holds changes (another process has the store open and is writing).
 */
export function noteCleanClose(path: string): void {
  if (path === ':memory:' || !existsSync(path) || walHoldsChanges(path)) return;
  writeFileSync(notePath(path), fingerprint(path));
}
