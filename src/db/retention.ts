/**
 * Retention on the store: a finished run deleted with everything under it in one transaction, the
 * runs beyond a matrix's newest N, and the space given back afterwards.
 */
import type { DeletedRun, RetentionStore } from '../runs/retention';
import type { RunRecord, RunStatus } from '../runs/types';
import type { Database } from './database';
import { SqlRunStore, runKey } from './runs';
import { INT, forBackend } from './sql-values';
import { inTransaction } from './transaction';

const FINISHED_SQL = `('succeeded', 'failed', 'cancelled')`;
/** Children first, so the deletes hold whether or not the backend enforces the cascades. */
const CHILD_TABLES = ['ResultBlob', 'Result', 'RunShard', 'ProbeResult', 'Delivery'] as const;
/** The tables deleted runs leave space in. */
const RUN_TABLES = ['ResultBlob', 'Result', 'ProbeResult', 'RunShard', 'Run', 'Delivery'] as const;

export class SqlRetentionStore implements RetentionStore {
  private readonly runs: SqlRunStore;

  constructor(private readonly db: Database) {
    this.runs = new SqlRunStore(db);
  }

  getRun(id: string): Promise<RunRecord | null> {
    return this.runs.getRun(id);
  }

  async deleteFinishedRun(id: string): Promise<boolean> {
    const key = runKey(id);
    if (key === null) return false;
    const { dialect } = this.db;
    return inTransaction(this.db.raw, async (tx) => {
      // The status check and the deletes in one transaction: a run cannot be started again between them.
      const still = `EXISTS (SELECT 1 FROM "Run" WHERE "id" = ? AND "status" IN ${FINISHED_SQL})`;
      for (const table of CHILD_TABLES) {
        await tx.executeRaw({ sql: forBackend(dialect, `DELETE FROM "${table}" WHERE "runId" = ? AND ${still}`), args: [key, key], argTypes: [INT, INT] });
      }
      const deleted = await tx.executeRaw({ sql: forBackend(dialect, `DELETE FROM "Run" WHERE "id" = ? AND "status" IN ${FINISHED_SQL}`), args: [key], argTypes: [INT] });
      return deleted === 1;
    });
  }

  async runsBeyond(keep: number, matrixId: string | null): Promise<DeletedRun[]> {
    const rows = await this.db.prisma.run.findMany({
      where: { status: { in: ['succeeded', 'failed', 'cancelled'] }, ...(matrixId === null ? {} : { matrixId: Number(matrixId) }) },
      orderBy: [{ matrixId: 'asc' }, { id: 'desc' }],
      select: { id: true, status: true, kind: true, createdAt: true, finishedAt: true, matrixId: true, matrix: { select: { name: true } } },
    });
    const seen = new Map<number, number>();
    const beyond: DeletedRun[] = [];
    for (const r of rows) {
      const n = (seen.get(r.matrixId) ?? 0) + 1;
      seen.set(r.matrixId, n);
      if (n > keep) beyond.push({ id: String(r.id), matrix: r.matrix.name, status: r.status as RunStatus, kind: r.kind, createdAt: r.createdAt, finishedAt: r.finishedAt });
    }
    return beyond.sort((a, b) => Number(a.id) - Number(b.id));
  }

  async reclaimSpace(): Promise<void> {
    await this.db.backend.reclaimSpace(this.db.raw, RUN_TABLES);
  }
}
