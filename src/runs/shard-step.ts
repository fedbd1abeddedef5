/**
 * One step of a run, shared by every RunQueue: evaluate a shard and commit it with the run's
 * counters in one transaction. A shard already marked done commits nothing, so a step repeated
 * after a crash or by two workers never counts twice.
 */
import type { MatrixPlan, Simulator } from '../engine';
import { evaluateShard } from './execute-shard';
import { ResultBatch, type RunStatus, type RunStore, type ShardRecord } from './types';

const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isFinished(status: RunStatus): boolean {
  return FINISHED.includes(status);
}

export async function commitShardStep(store: RunStore, plan: MatrixPlan, shard: ShardRecord, sim: Simulator, batch: ResultBatch): Promise<void> {
  const counts = evaluateShard(plan, shard, sim, batch, null);
  await store.commitShard(shard.runId, shard, batch, counts);
}

/** A batch that holds the largest of these shards (reused across shards: no allocation per shard). */
export function batchFor(shards: readonly ShardRecord[], current?: ResultBatch): ResultBatch {
  const needed = Math.max(1, ...shards.map((s) => s.to - s.from));
  return current && current.capacity >= needed ? current : new ResultBatch(needed);
}
