/**
 * Runs, shards and results. Implements the RunStore the run use cases depend on; results go
 * through the driver adapter's raw path in multi-row statements, one transaction per shard
 * together with the shard's done flag and the run's counters (idempotent: a shard already done
 * is not counted twice, a result already stored is not inserted twice).
 */
import type { ArgType, SqlQueryable } from '@prisma/driver-adapter-utils';
import { matrixSpecSchema, SKIPPED } from '../engine';
import type { MatrixRecord } from '../matrices/types';
import type { ShardSpan } from '../runs/shard-plan';
import type { DeliveredRun, Delivery, DeliveryRecord, DeliverySource, ResultBatch, RunKind, RunRecord, RunStatus, RunStore, ShardRecord, StoredResult, VerdictCounts } from '../runs/types';
import type { Database, Dialect } from './database';
import { inTransaction } from './transaction';

/** Rows per INSERT statement: 8 parameters each, well under SQLite's 32766 variables. */
const ROWS_PER_STATEMENT = 256;
const RESULT_COLUMNS = 8;

export const INT: ArgType = { scalarType: 'int', arity: 'scalar' } as ArgType;
const FLOAT: ArgType = { scalarType: 'float', arity: 'scalar' } as ArgType;
const BYTES: ArgType = { scalarType: 'bytes', arity: 'scalar' } as ArgType;
const TEXT: ArgType = { scalarType: 'string', arity: 'scalar' } as ArgType;

const RESULT_COLUMN_NAMES = ['runId', 'position', 'verdict', 'negotiatedLo', 'negotiatedHi', 'clearedLo', 'clearedHi', 'effective'];

/** SQL written once with `?` placeholders, numbered for the backend that runs it. */
export function forBackend(dialect: Dialect, sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => dialect.param(++i));
}

/** SQLite: multi-row INSERT OR IGNORE, ROWS_PER_STATEMENT rows a statement. */
function insertSql(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?,?,?,?,?,?,?,?)').join(',');
  return `INSERT OR IGNORE INTO "Result" (${RESULT_COLUMN_NAMES.map((c) => `"${c}"`).join(',')}) VALUES ${values}`;
}
const FULL_INSERT = insertSql(ROWS_PER_STATEMENT);
const FULL_TYPES: ArgType[] = Array.from({ length: ROWS_PER_STATEMENT * RESULT_COLUMNS }, (_, i) => (i % RESULT_COLUMNS === 7 ? FLOAT : INT));

type RunRow = {
  id: number; matrixId: number; status: string; trigger: string; profileHash: string; spec: string; cellsTotal: number; cellsDone: number;
  ok: number; degraded: number; broken: number; probeFailed: number; skipped: number; createdAt: Date; startedAt: Date | null;
  finishedAt: Date | null; error: string | null; matrix: { name: string };
  kind: string; kernelId: string | null; disagreements: number; infraFailures: number; guestFailures: number; skipReasons: string | null;
};

export function toRecord(row: RunRow): RunRecord {
  return {
    id: String(row.id), matrixId: String(row.matrixId), matrixName: row.matrix.name, spec: matrixSpecSchema.parse(JSON.parse(row.spec)),
    status: row.status as RunStatus, kind: row.kind as RunKind, kernelId: row.kernelId, trigger: row.trigger, profileHash: row.profileHash, cellsTotal: row.cellsTotal, cellsDone: row.cellsDone,
    ok: row.ok, degraded: row.degraded, broken: row.broken, probeFailed: row.probeFailed, skipped: row.skipped,
    createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt, error: row.error,
    disagreements: row.disagreements, infraFailures: row.infraFailures, guestFailures: row.guestFailures,
    skipReasons: row.skipReasons ? (JSON.parse(row.skipReasons) as Record<string, number>) : {},
  };
}

export const SELECT_RUN = { include: { matrix: { select: { name: true } } } } as const;

/** Run ids in the API are decimal strings; anything else names no run. */
export function runKey(id: string): number | null {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : null;
}

/** Prisma's code for a unique constraint refusing a row. */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

/** Positions per query when rebuilding a grid from results. */
const VERDICTS_PER_READ = 100_000;

export class SqlRunStore implements RunStore {
  constructor(protected readonly db: Database) {}

  async createRun(matrix: MatrixRecord, trigger: string, shards: readonly ShardSpan[]): Promise<RunRecord> {
    const row = await this.db.prisma.run.create({ data: this.newRun(matrix, trigger, shards), ...SELECT_RUN });
    return toRecord(row);
  }

  /**
   * The run and its delivery in one write. When (source, deliveryId) is already stored nothing is
   * written and the first delivery's run comes back: the unique index decides, so any number of
   * concurrent redeliveries start one run between them.
   */
  async createDeliveredRun(matrix: MatrixRecord, trigger: string, delivery: Delivery, shards: readonly ShardSpan[]): Promise<DeliveredRun> {
    const key = { source_deliveryId: { source: delivery.source, deliveryId: delivery.deliveryId } };
    // A second pass only when the first delivery was released (its run could not be queued) in between.
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.db.prisma.run.create({ data: { ...this.newRun(matrix, trigger, shards), delivery: { create: delivery } }, ...SELECT_RUN });
        return { run: toRecord(row), duplicate: false };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const first = await this.db.prisma.delivery.findUnique({ where: key, include: { run: SELECT_RUN } });
      if (first) return { run: toRecord(first.run), duplicate: true };
      if (attempt > 0) throw new Error(`delivery ${delivery.source} ${delivery.deliveryId} is taken but names no run`);
    }
  }

  /** Forget a run's delivery (its run could not be queued), so that a redelivery tries again. */
  async releaseDelivery(runId: string): Promise<void> {
    const key = runKey(runId);
    if (key !== null) await this.db.prisma.delivery.deleteMany({ where: { runId: key } });
  }

  async deliveriesByRunIds(ids: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    const keys = ids.map(runKey).filter((k): k is number => k !== null);
    const rows = await this.db.prisma.delivery.findMany({ where: { runId: { in: keys } } });
    return new Map(rows.map((d) => [String(d.runId), {
      source: d.source as DeliverySource, deliveryId: d.deliveryId, event: d.event, repository: d.repository, ref: d.ref, commit: d.commit,
      runId: String(d.runId), receivedAt: d.createdAt,
    }]));
  }

  private newRun(matrix: MatrixRecord, trigger: string, shards: readonly ShardSpan[]) {
    return {
      matrixId: matrix.id, status: 'queued', trigger, profileHash: this.db.profileHash, spec: JSON.stringify(matrix.spec),
      cellsTotal: matrix.positions, shards: { create: [...shards] },
    };
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const key = runKey(id);
    if (key === null) return null;
    const row = await this.db.prisma.run.findUnique({ where: { id: key }, ...SELECT_RUN });
    return row ? toRecord(row) : null;
  }

  async listRuns(matrixId: string | null, first: number, afterId: number | null): Promise<{ items: RunRecord[]; hasNext: boolean; total: number }> {
    const where = {
      ...(matrixId === null ? {} : { matrixId: Number(matrixId) }),
    };
    const [rows, total] = await Promise.all([
      this.db.prisma.run.findMany({
        where: { ...where, ...(afterId === null ? {} : { id: { lt: afterId } }) }, orderBy: { id: 'desc' }, take: first + 1, ...SELECT_RUN,
      }),
      this.db.prisma.run.count({ where }),
    ]);
    return { items: rows.slice(0, first).map(toRecord), hasNext: rows.length > first, total };
  }

  /** The newest succeeded run of a matrix created before the given run (a CI gate's `last` baseline), or null. */
  async latestSucceededBefore(matrixId: string, beforeRunId: string): Promise<RunRecord | null> {
    const key = runKey(beforeRunId);
    if (key === null) return null;
    const row = await this.db.prisma.run.findFirst({
      where: { matrixId: Number(matrixId), status: 'succeeded', id: { lt: key } }, orderBy: { id: 'desc' }, ...SELECT_RUN,
    });
    return row ? toRecord(row) : null;
  }

  async unfinishedRunIds(kind: RunKind = 'engine'): Promise<string[]> {
    const rows = await this.db.prisma.run.findMany({ where: { status: { in: ['queued', 'running'] }, kind }, orderBy: { id: 'asc' }, select: { id: true } });
    return rows.map((r) => String(r.id));
  }

  /** The newest queued or running engine run of a matrix started by this trigger, or null. */
  async unfinishedRunOf(matrixId: number, trigger: string): Promise<RunRecord | null> {
    const row = await this.db.prisma.run.findFirst({
      where: { matrixId, trigger, kind: 'engine', status: { in: ['queued', 'running'] } }, orderBy: { id: 'desc' }, ...SELECT_RUN,
    });
    return row ? toRecord(row) : null;
  }

  async shards(runId: string): Promise<ShardRecord[]> {
    const rows = await this.db.prisma.runShard.findMany({ where: { runId: Number(runId) }, orderBy: { index: 'asc' } });
    return rows.map((r) => ({ runId, index: r.index, from: r.from, to: r.to, done: r.done }));
  }

  async markRunning(runId: string): Promise<void> {
    // Only the first shard of a run starts its clock: a resume or a second worker keeps startedAt.
    await this.db.prisma.run.updateMany({ where: { id: Number(runId), status: 'queued' }, data: { status: 'running', startedAt: new Date() } });
  }

  async commitShard(runId: string, shard: ShardRecord, batch: ResultBatch, counts: VerdictCounts): Promise<void> {
    const run = Number(runId);
    const { dialect } = this.db;
    await inTransaction(this.db.raw, async (tx) => {
      const marked = await tx.executeRaw({
        // Nothing lands once the run has finished: a shard in flight when the run was cancelled or
        // failed adds neither results nor counts.
        sql: forBackend(dialect, `UPDATE "RunShard" SET "done" = ${dialect.trueLiteral} WHERE "runId" = ? AND "index" = ? AND NOT "done"
          AND EXISTS (SELECT 1 FROM "Run" WHERE "id" = ? AND "status" IN ('queued', 'running'))`),
        args: [run, shard.index, run], argTypes: [INT, INT, INT],
      });
      if (marked === 1) {
        await BULK_INSERT[dialect.provider](tx, run, batch);
        await tx.executeRaw({
          sql: forBackend(dialect, 'UPDATE "Run" SET "cellsDone" = "cellsDone" + ?, "ok" = "ok" + ?, "degraded" = "degraded" + ?, "broken" = "broken" + ?, "probeFailed" = "probeFailed" + ?, "skipped" = "skipped" + ? WHERE "id" = ?'),
          args: [shard.to - shard.from, counts.ok, counts.degraded, counts.broken, counts.probeFailed, counts.skipped, run],
          argTypes: [INT, INT, INT, INT, INT, INT, INT],
        });
      }
    });
  }

  /**
   * The verdicts stored so far, read in position ranges: the driver returns a row as an array,
   * so one query over millions of results would hold them all at once (a 2.4 M cell run took a
   * gigabyte of heap per reader).
   */
  async readVerdicts(runId: string, size: number): Promise<Uint8Array> {
    const grid = new Uint8Array(size).fill(SKIPPED);
    const sql = forBackend(this.db.dialect, 'SELECT "position", "verdict" FROM "Result" WHERE "runId" = ? AND "position" >= ? AND "position" < ?');
    for (let from = 0; from < size; from += VERDICTS_PER_READ) {
      const result = await this.db.raw.queryRaw({ sql, args: [Number(runId), from, from + VERDICTS_PER_READ], argTypes: [INT, INT, INT] });
      for (const [position, verdict] of result.rows as [number, number][]) grid[position] = verdict;
    }
    return grid;
  }

  async finishRun(runId: string, status: RunStatus, grid: Uint8Array | null, error?: string): Promise<void> {
    await this.db.raw.executeRaw({
      sql: forBackend(this.db.dialect, 'UPDATE "Run" SET "status" = ?, "finishedAt" = ?, "error" = ?, "grid" = COALESCE(?, "grid") WHERE "id" = ? AND "status" IN (\'queued\', \'running\')'),
      args: [status, new Date().toISOString().replace('T', ' ').replace('Z', ''), error ?? null, grid ? Buffer.from(grid.buffer, grid.byteOffset, grid.byteLength) : null, Number(runId)],
      argTypes: [TEXT, TEXT, TEXT, BYTES, INT],
    });
  }

  /** The verdict grid of a finished run (stored at the end), or rebuilt from results while it runs. */
  async grid(run: RunRecord): Promise<Uint8Array> {
    if (run.status === 'succeeded') {
      const result = await this.db.raw.queryRaw({ sql: forBackend(this.db.dialect, 'SELECT "grid" FROM "Run" WHERE "id" = ?'), args: [Number(run.id)], argTypes: [INT] });
      const blob = result.rows[0]?.[0] as Uint8Array | number[] | null | undefined;
      if (blob) return blob instanceof Uint8Array ? new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength) : Uint8Array.from(blob);
    }
    return this.readVerdicts(run.id, run.cellsTotal);
  }

  /** Stored result rows for some positions of a run. */
  async resultsAt(runId: string, positions: readonly number[]): Promise<Map<number, StoredResult>> {
    const out = new Map<number, StoredResult>();
    if (positions.length === 0) return out;
    const result = await this.db.raw.queryRaw({
      sql: forBackend(this.db.dialect, `SELECT "position","verdict","negotiatedLo","negotiatedHi","clearedLo","clearedHi","effective" FROM "Result" WHERE "runId" = ? AND "position" IN (${positions.map(() => '?').join(',')})`),
      args: [Number(runId), ...positions],
      argTypes: [INT, ...positions.map(() => INT)],
    });
    for (const [position, verdict, nLo, nHi, cLo, cHi, effective] of result.rows as number[][]) {
      out.set(position, {
        position, verdict, negotiated: { lo: nLo >>> 0, hi: nHi >>> 0 }, cleared: { lo: cLo >>> 0, hi: cHi >>> 0 }, effective: effective < 0 ? null : effective,
      });
    }
    return out;
  }
}

/**
 * PostgreSQL: the whole shard in one statement, each column one array literal that the server
 * unnests. Per-row placeholders cost a parameter each on the wire and in the adapter; measured in
 * docs/notes/postgresql-path.md (unnest 425-470 k rows/s, multi-row VALUES 170-260 k).
 */
const UNNEST_INSERT = `INSERT INTO "Result" (${RESULT_COLUMN_NAMES.map((c) => `"${c}"`).join(',')})
  SELECT $1::int, * FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::float8[]) ON CONFLICT DO NOTHING`;
const UNNEST_TYPES: ArgType[] = [INT, ...Array.from({ length: 7 }, () => TEXT)];

function arrayLiteral(column: ArrayLike<number>): string {
  return `{${Array.prototype.join.call(column, ',')}}`;
}

async function insertResultsUnnest(tx: SqlQueryable, run: number, batch: ResultBatch): Promise<void> {
  const n = batch.length;
  if (n === 0) return;
  // Feature words as signed 32-bit (same bits), so they fit INTEGER as on SQLite.
  const signed = (words: Uint32Array) => new Int32Array(words.buffer, words.byteOffset, n);
  await tx.executeRaw({
    sql: UNNEST_INSERT,
    args: [
      run, arrayLiteral(batch.positions.subarray(0, n)), arrayLiteral(batch.verdicts.subarray(0, n)),
      arrayLiteral(signed(batch.negotiatedLo)), arrayLiteral(signed(batch.negotiatedHi)),
      arrayLiteral(signed(batch.clearedLo)), arrayLiteral(signed(batch.clearedHi)), arrayLiteral(batch.effective.subarray(0, n)),
    ],
    argTypes: UNNEST_TYPES,
  });
}

async function insertResultsValues(tx: SqlQueryable, run: number, batch: ResultBatch): Promise<void> {
  const args: number[] = new Array(ROWS_PER_STATEMENT * RESULT_COLUMNS);
  for (let start = 0; start < batch.length; start += ROWS_PER_STATEMENT) {
    const rows = Math.min(ROWS_PER_STATEMENT, batch.length - start);
    if (rows < ROWS_PER_STATEMENT) args.length = rows * RESULT_COLUMNS;
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      const o = r * RESULT_COLUMNS;
      args[o] = run;
      args[o + 1] = batch.positions[i];
      args[o + 2] = batch.verdicts[i];
      // Signed 32-bit so the column fits INTEGER on every backend.
      args[o + 3] = batch.negotiatedLo[i] | 0;
      args[o + 4] = batch.negotiatedHi[i] | 0;
      args[o + 5] = batch.clearedLo[i] | 0;
      args[o + 6] = batch.clearedHi[i] | 0;
      args[o + 7] = batch.effective[i];
    }
    const full = rows === ROWS_PER_STATEMENT;
    await tx.executeRaw({ sql: full ? FULL_INSERT : insertSql(rows), args, argTypes: full ? FULL_TYPES : FULL_TYPES.slice(0, rows * RESULT_COLUMNS) });
  }
}

/** How each backend writes a shard's results in bulk. */
const BULK_INSERT: Record<Dialect['provider'], (tx: SqlQueryable, run: number, batch: ResultBatch) => Promise<void>> = {
  sqlite: insertResultsValues,
  postgresql: insertResultsUnnest,
};
