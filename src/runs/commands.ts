/** Write use cases for runs: start one for a matrix, cancel one, resume what a restart interrupted. */
import { BadInputError, NotFoundError } from './errors';
import { DEFAULT_LIMITS, positionsProblem, type Limits } from './limits';
import type { MatrixRecord, RunQueue, RunRecord, RunStore } from './types';

export interface RunDeps {
  store: RunStore & { createRun(matrix: MatrixRecord, trigger: string): Promise<RunRecord>; unfinishedRunIds(): Promise<string[]> };
  matrixByName(name: string): Promise<MatrixRecord | null>;
  queue: RunQueue;
  /** Default: DEFAULT_LIMITS. */
  limits?: Limits;
}

export async function startRun(deps: RunDeps, matrixName: string, trigger: string): Promise<RunRecord> {
  const matrix = await deps.matrixByName(matrixName);
  if (!matrix) throw new NotFoundError('matrix', matrixName);
  // A matrix stored before the limit (or under a higher one) is kept, but not run.
  const tooMany = positionsProblem(matrix.positions, deps.limits ?? DEFAULT_LIMITS);
  if (tooMany) throw new BadInputError('matrix', `"${matrix.name}" has ${tooMany}, so it cannot be run: create a smaller matrix`);
  const run = await deps.store.createRun(matrix, trigger);
  try {
    await deps.queue.enqueue(run.id);
  } catch (err) {
    // Not left queued with nothing behind it: the run says why it never started.
    await deps.store.finishRun(run.id, 'failed', null, `could not enqueue: ${(err as Error).message}`);
    throw err;
  }
  return run;
}

/** Cancelling a finished run changes nothing and returns it as it is. */
export async function cancelRun(deps: RunDeps, id: string): Promise<RunRecord> {
  const run = await deps.store.getRun(id);
  if (!run) throw new NotFoundError('run', id);
  if (run.status === 'queued' || run.status === 'running') {
    await deps.queue.cancel(id);
    if (run.status === 'queued') await deps.store.finishRun(id, 'cancelled', null);
  }
  return (await deps.store.getRun(id))!;
}

/** After a crash or restart: queue every run that was queued or running; done shards are kept. */
export async function resumeUnfinishedRuns(deps: RunDeps): Promise<string[]> {
  const ids = await deps.store.unfinishedRunIds();
  for (const id of ids) await deps.queue.enqueue(id);
  return ids;
}
