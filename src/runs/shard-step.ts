/**
 * One step of a run, shared by every RunQueue: evaluate a shard (every position in [from, to) of
 * the run's matrix, trace off, into a column batch) and commit it with the run's counters in one
 * transaction. A shard already marked done commits nothing, so a step repeated after a crash or by
 * two workers never counts twice.
 */
import type { MatrixPlan, Simulator } from '../engine';
import { COUNT_KEYS, ResultBatch, type RunStatus, type ShardRecord, type VerdictCounts } from './types';

const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isFinished(status: RunStatus): boolean {
  return FINISHED.includes(status);
}

function zeroCounts(): VerdictCounts {
  return { ok: 0, degraded: 0, broken: 0, probeFailed: 0, skipped: 0 };
}

/** Evaluates a shard into `batch` and returns its counts; commits nothing (callers fill grids from the batch). */
export function evaluateShard(plan: MatrixPlan, shard: ShardRecord, sim: Simulator, batch: ResultBatch): VerdictCounts {
  const counts = zeroCounts();
  batch.length = 0;
  plan.forEachCell(shard.from, shard.to, (cell, index) => {
    const verdict = sim.run(cell, null);
    const i = batch.length++;
    batch.positions[i] = index;
    batch.verdicts[i] = verdict;
    batch.negotiatedLo[i] = sim.features.lo;
    batch.negotiatedHi[i] = sim.features.hi;
    batch.clearedLo[i] = sim.clearedInValidate.lo;
    batch.clearedHi[i] = sim.clearedInValidate.hi;
    batch.effective[i] = cell.device.guestValues.length > 0 ? sim.effective[0] : -1;
    counts[COUNT_KEYS[verdict]]++;
  }, () => {
    counts.skipped++;
  });
  return counts;
}

/** A batch that holds the largest of these shards (reused across shards: no allocation per shard). */
export function batchFor(shards: readonly ShardRecord[], current?: ResultBatch): ResultBatch {
  const needed = Math.max(1, ...shards.map((s) => s.to - s.from));
  return current && current.capacity >= needed ? current : new ResultBatch(needed);
}
