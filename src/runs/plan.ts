/**
 * A run's matrix plan: its spec, with the user patches its profile snapshot holds, never the
 * ones stored now (deleted or not, they cannot change what a stored run means).
 */
import { LRUCache } from 'lru-cache';
import { MatrixPlan, type PatchRegistry } from '../engine';
import { registryOf } from '../what-if/commands';
import { planKey, type PlanSource } from './plan-key';

/** By profile hash: the same hash is the same definitions, so compiled drivers are shared too. */
const registries = new LRUCache<string, PatchRegistry>({ max: 32 });

/**
 * Plans by planKey: runs of one matrix share one, in the views, the queue and the workers alike.
 * Planning be-config-2021 takes tens of milliseconds and its tables about 14 MiB, which each
 * finished run's view and each worker's run paid again. A plan never changes once made.
 */
const plans = new LRUCache<string, MatrixPlan>({ max: 16 });

/** The run's plan: the one made before for an equal planKey, or a new one. */
export function planOf(run: PlanSource): MatrixPlan {
  const key = planKey(run);
  let plan = plans.get(key);
  if (!plan) plans.set(key, (plan = makePlan(run)));
  return plan;
}

/** A plan made elsewhere (a shard thread's, handed back as its run ends) for planOf to give out. */
export function offerPlan(run: PlanSource, plan: MatrixPlan): void {
  const key = planKey(run);
  if (!plans.has(key)) plans.set(key, plan);
}

function makePlan(run: PlanSource): MatrixPlan {
  if (!run.whatIf) return new MatrixPlan(run.spec);
  let patches = registries.get(run.profileHash);
  if (!patches) registries.set(run.profileHash, (patches = registryOf(run.whatIf)));
  return new MatrixPlan(run.spec, { patches });
}
