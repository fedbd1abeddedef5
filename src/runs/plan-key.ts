/**
 * What a run's plan is made of, as one string. Apart from plan.ts, which makes plans: the shard
 * threads' module needs only this, and a CLI run starts its threads before loading the engine.
 */
import type { RunRecord } from './types';

/** What a run's plan is made of. */
export type PlanSource = Pick<RunRecord, 'spec' | 'profileHash' | 'whatIf'>;

/**
 * A run's plan as one string: equal for runs with equal plans (the profile hash counts only where
 * user patches do), the key of plan caches, and JSON that planOf takes back (shard threads get it so).
 */
export function planKey(run: Pick<PlanSource, 'spec'> & Partial<PlanSource>): string {
  return JSON.stringify(run.whatIf ? { spec: run.spec, profileHash: run.profileHash, whatIf: run.whatIf } : { spec: run.spec });
}
