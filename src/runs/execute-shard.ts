/**
 * Evaluate one shard of a run: every position in [from, to) of the run's matrix, simulated with
 * trace off into a column batch. Pure apart from what it returns; the caller commits it.
 */
import { MatrixPlan, SKIPPED, Simulator } from '../engine';
import { ResultBatch, type ShardRecord, type VerdictCounts } from './types';

export const COUNT_KEYS = ['ok', 'degraded', 'broken', 'probeFailed'] as const satisfies readonly (keyof VerdictCounts)[];

export function zeroCounts(): VerdictCounts {
  return { ok: 0, degraded: 0, broken: 0, probeFailed: 0, skipped: 0 };
}

export function evaluateShard(plan: MatrixPlan, shard: ShardRecord, sim: Simulator, batch: ResultBatch, grid: Uint8Array | null): VerdictCounts {
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
    if (grid) grid[index] = verdict;
  }, (index) => {
    counts.skipped++;
    if (grid) grid[index] = SKIPPED;
  });
  return counts;
}
