/**
 * Stores written before result blobs hold a row per evaluated cell in "Result"; SQL alone cannot
 * pack them. Opening such a store converts them into the blobs the run would have written: one per
 * shard of an engine run, one per booted cell of a probe run (which has no shards, and may go on
 * booting cells afterwards). Each range's rows are deleted and written as one blob in the same
 * transaction, so a crash leaves every row either converted or still a row, and the next open
 * carries on. The delete comes first and returns the rows: two processes opening the store at once
 * never convert a row twice (the second waits for the first's locks and finds the rows gone).
 */
import type { Transaction } from '@prisma/driver-adapter-utils';
import { ResultBatch } from '../runs/types';
import type { Database } from './database';
import { GRID_FORMAT, encodeGrid, encodeResults } from './result-blob';
import { SqlRetentionStore } from './retention';
import { bytesOf } from './runs';
import { BYTES, INT, forBackend } from './sql-values';
import { inTransaction } from './transaction';

/** What pino's logger offers (and a test can record). */
export interface ConversionLog {
  info(fields: object, msg: string): void;
}

type Range = [from: number, to: number];

async function rangesOf(db: Database, runId: number): Promise<Range[]> {
  const shards = await db.prisma.runShard.findMany({ where: { runId }, orderBy: { from: 'asc' }, select: { from: true, to: true } });
  if (shards.length > 0) return shards.map((s) => [s.from, s.to]);
  const cells = await db.prisma.result.findMany({ where: { runId }, orderBy: { position: 'asc' }, select: { position: true } });
  return cells.map(({ position }) => [position, position + 1]);
}

/** One range in one transaction; returns the rows it converted (0 when another process was first). */
async function convertRange(db: Database, tx: Transaction, runId: number, [from, to]: Range): Promise<number> {
  const sql = (text: string) => forBackend(db.dialect, text);
  const { rows } = await tx.queryRaw({
    sql: sql(`DELETE FROM "Result" WHERE "runId" = ? AND "position" >= ? AND "position" < ?
      RETURNING "position", "verdict", "negotiatedLo", "negotiatedHi", "clearedLo", "clearedHi", "effective"`),
    args: [runId, from, to], argTypes: [INT, INT, INT],
  });
  if (rows.length === 0) return 0;
  const batch = new ResultBatch(to - from);
  for (const [position, verdict, nLo, nHi, cLo, cHi, effective] of rows as number[][]) {
    const i = batch.length++;
    batch.positions[i] = position;
    batch.verdicts[i] = verdict;
    // Rows kept feature words signed; blobs keep them as they are.
    batch.negotiatedLo[i] = nLo >>> 0;
    batch.negotiatedHi[i] = nHi >>> 0;
    batch.clearedLo[i] = cLo >>> 0;
    batch.clearedHi[i] = cHi >>> 0;
    batch.effective[i] = effective;
  }
  const blob = encodeResults(from, to, batch);
  await tx.executeRaw({
    sql: sql('INSERT INTO "ResultBlob" ("runId", "from", "to", "data") VALUES (?, ?, ?, ?)'),
    args: [runId, from, to, Buffer.from(blob.buffer)], argTypes: [INT, INT, INT, BYTES],
  });
  return rows.length;
}

/**
 * A succeeded run of an earlier version kept its grid raw, a byte per position (6 MB for the seed
 * run): deflated like new runs' grids. Before the rows, so a crash in between leaves rows to
 * bring the next open back here; a grid deflated already is left alone.
 */
async function compactGrid(db: Database, runId: number): Promise<void> {
  const sql = (text: string) => forBackend(db.dialect, text);
  const { rows } = await db.raw.queryRaw({ sql: sql('SELECT "grid" FROM "Run" WHERE "id" = ?'), args: [runId], argTypes: [INT] });
  const stored = rows[0]?.[0];
  if (!stored) return;
  const grid = bytesOf(stored);
  if (grid[0] === GRID_FORMAT) return;
  await db.raw.executeRaw({ sql: sql('UPDATE "Run" SET "grid" = ? WHERE "id" = ?'), args: [encodeGrid(grid), runId], argTypes: [BYTES, INT] });
}

/** Converts every result row of the store into blobs; returns the rows converted. */
export async function convertResultRows(db: Database, log: ConversionLog): Promise<number> {
  const pending = await db.raw.queryRaw({ sql: 'SELECT "runId", COUNT(*) FROM "Result" GROUP BY "runId" ORDER BY "runId"', args: [], argTypes: [] });
  if (pending.rows.length === 0) return 0;
  const total = pending.rows.reduce((sum, [, n]) => sum + Number(n), 0);
  log.info({ runs: pending.rows.length, rows: total }, 'converting result rows into result blobs (stores before format 1)');
  let converted = 0;
  for (const [run, count] of pending.rows as [number, number | bigint | string][]) {
    const runId = Number(run);
    const started = Date.now();
    await compactGrid(db, runId);
    let rows = 0;
    for (const range of await rangesOf(db, runId)) rows += await inTransaction(db.raw, (tx) => convertRange(db, tx, runId, range));
    converted += rows;
    log.info({ runId, rows, expected: Number(count), seconds: (Date.now() - started) / 1000, done: converted, of: total }, 'run converted into result blobs');
  }
  // The rows took some 40 bytes a cell: given back once, as runs prune does.
  const started = Date.now();
  await new SqlRetentionStore(db).reclaimSpace();
  log.info({ seconds: (Date.now() - started) / 1000 }, 'space of the converted rows reclaimed (VACUUM)');
  return converted;
}
