/**
 * A run's matrix plan: its spec, with the user patches its profile snapshot holds, never the
 * ones stored now (deleted or not, they cannot change what a stored run means).
 */
import { LRUCache } from 'lru-cache';
import { MatrixPlan, type PatchRegistry } from '../engine';
import { registryOf } from '../what-if/commands';
import type { RunRecord } from './types';

/** By profile hash: the same hash is the same definitions, so compiled drivers are shared too. */
const registries = new LRUCache<string, PatchRegistry>({ max: 32 });

/** What a run's plan is made of. */
export type PlanSource = Pick<RunRecord, 'spec' | 'profileHash' | 'whatIf'>;

/**
 * A run's plan as one string: equal for runs with equal plans (the profile hash counts only where
 * user patches do), the key of plan caches, and JSON that planOf takes back (shard threads get it so).
 */
export function planKey(run: Pick<PlanSource, 'spec'> & Partial<PlanSource>): string {
  return JSON.stringify(run.whatIf ? { spec: run.spec, profileHash: run.profileHash, whatIf: run.whatIf } : { spec: run.spec });
}

export function planOf(run: PlanSource): MatrixPlan {
  if (!run.whatIf) return new MatrixPlan(run.spec);
  let patches = registries.get(run.profileHash);
  if (!patches) registries.set(run.profileHash, (patches = registryOf(run.whatIf)));
  return new MatrixPlan(run.spec, { patches });
}
