/**
 * `runs prune --keep N [--matrix NAME]`: keep the newest N finished runs of each matrix, delete the
 * rest (queued and running runs are not touched), print what was deleted as JSON on stdout, then
 * give the space back (SQLite VACUUM; PostgreSQL plain VACUUM of the run tables) and say so on stderr.
 */
import { existsSync, statSync } from 'node:fs';
import { openDatabase } from '../db/database';
import { storesOf } from '../composition';
import { databaseUrl, sqlitePath } from '../db/url';
import { pruneRuns } from '../runs/retention';
import { CliError, cliErrorOf } from './input';
import type { TokenIo } from './token-command';

/** The SQLite store's bytes on disk, its write-ahead log included; null on PostgreSQL. */
export function storeBytes(url: string): number | null {
  if (!url.startsWith('file:')) return null;
  const path = sqlitePath(url);
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return size(path) + size(`${path}-wal`);
}

function keepCount(option: string): number {
  if (!/^\d{1,6}$/.test(option)) throw new CliError('BAD_USER_INPUT', `--keep takes the number of finished runs to keep per matrix (0 or more), not "${option}"`, { field: 'keep' });
  return Number(option);
}

export async function runsPrune(opts: { keep: string; matrix?: string; db?: string }, io: TokenIo): Promise<void> {
  const keep = keepCount(opts.keep);
  const url = databaseUrl(opts.db);
  const db = await openDatabase(url);
  try {
    let matrixId: string | null = null;
    if (opts.matrix !== undefined) {
      const matrix = await storesOf(db).matrices.byName(opts.matrix);
      if (!matrix) throw new CliError('NOT_FOUND', `no matrix "${opts.matrix}"`, { field: 'matrix' });
      matrixId = String(matrix.id);
    }
    const store = storesOf(db).retention;
    let result;
    try {
      result = await pruneRuns(store, keep, matrixId);
    } catch (err) {
      throw cliErrorOf(err);
    }
    io.stdout(JSON.stringify({
      keep, matrix: opts.matrix ?? null,
      deleted: result.deleted.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null })),
    }));
    if (result.deleted.length === 0) return;
    const before = storeBytes(url);
    const started = Date.now();
    await store.reclaimSpace();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const after = storeBytes(url);
    io.stderr(before === null
      ? `reclaimed: VACUUM of the run tables in ${seconds} s (PostgreSQL reuses the space for new rows; the files shrink only with VACUUM FULL, which locks the tables)`
      : `reclaimed: store ${before} -> ${after} bytes (VACUUM in ${seconds} s)`);
  } finally {
    await db.close();
  }
}
