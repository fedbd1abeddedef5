/**
 * Retention: delete one finished run, or prune a matrix's history down to its newest finished
 * runs. A queued or running run is never deleted: its shards are still being written.
 */
import { BadInputError, NotFoundError } from './errors';
import type { RunRecord, RunStatus } from './types';

export const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** A run as it was when it was deleted. */
export interface DeletedRun {
  id: string;
  matrix: string;
  status: RunStatus;
  kind: string;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface RetentionStore {
  getRun(id: string): Promise<RunRecord | null>;
  /**
   * Deletes the run with its results, shards, probe results (their consoles) and delivery, in
   * one transaction, only while it is still finished; false when it was not (any more).
   */
  deleteFinishedRun(id: string): Promise<boolean>;
  /** Finished runs beyond the newest `keep` of each matrix (all matrices, or the one named), oldest first. */
  runsBeyond(keep: number, matrixId: string | null): Promise<DeletedRun[]>;
  /** Gives the space of deleted rows back (SQLite VACUUM, PostgreSQL VACUUM of the run tables). */
  reclaimSpace(): Promise<void>;
}

export async function deleteRun(store: RetentionStore, id: string): Promise<RunRecord> {
  const run = await store.getRun(id);
  if (!run) throw new NotFoundError('run', id);
  if (!FINISHED.includes(run.status) || !(await store.deleteFinishedRun(id))) {
    throw new BadInputError('id', `run ${id} is ${run.status === 'queued' || run.status === 'running' ? run.status : 'not finished'}: cancel it first (cancelRun), then delete it once it has stopped`);
  }
  return run;
}

export interface PruneResult {
  deleted: DeletedRun[];
}

/** Keeps the newest `keep` finished runs of each matrix; queued and running runs are not counted or touched. */
export async function pruneRuns(store: RetentionStore, keep: number, matrixId: string | null): Promise<PruneResult> {
  if (!Number.isInteger(keep) || keep < 0) throw new BadInputError('keep', `--keep takes a whole number of runs to keep per matrix (0 or more), not ${keep}`);
  const deleted: DeletedRun[] = [];
  for (const run of await store.runsBeyond(keep, matrixId)) {
    if (await store.deleteFinishedRun(run.id)) deleted.push(run);
  }
  return { deleted };
}
