/**
 * A shard thread (src/runs/shard-threads.ts): evaluates the shards it is sent and hands their
 * result columns back without a copy. The plan of the last run is kept: a run's shards all share it.
 * A plan sent alone (ShardThreads.prepare) is built at once, ahead of its shards.
 */
import { parentPort } from 'node:worker_threads';
import { Simulator, type MatrixPlan } from '../engine';
import { storedSeedSpec } from '../matrices/seed';
import { evaluateShard } from './shard-step';
import { planOf } from './plan';
import { planKey } from './plan-key';
import type { ShardJob, ShardDone } from './shard-threads';
import { ResultBatch } from './types';

const sim = new Simulator();
let planned: { source: string; plan: MatrixPlan } | null = null;

/**
 * A plan sent alone is a guess (the run is still being created): one that cannot be planned (a
 * spec naming user patches it was sent without) is dropped, and this thread holds no plan until
 * the next one comes, so a shard can never be evaluated under a plan it was not sent.
 */
function prepareGuess(source: string): void {
  if (planned?.source === source) return;
  planned = null;
  try {
    const plan = planOf(JSON.parse(source));
    plan.prepareCells();
    planned = { source, plan };
  } catch {
    // The run's own shards bring the plan that counts, and any error it has.
  }
}

/** A seed matrix's plan, keyed as a run of it will be (its spec as the store holds it). */
function prepareSeed(name: string): void {
  const spec = storedSeedSpec(name);
  if (spec) prepareGuess(planKey({ spec }));
}

parentPort!.on('message', (job: ShardJob) => {
  if (!job.shard) {
    if (job.plan !== undefined) prepareGuess(job.plan);
    else if (job.seed !== undefined) prepareSeed(job.seed);
    return;
  }
  if (job.plan !== undefined && planned?.source !== job.plan) planned = { source: job.plan, plan: planOf(JSON.parse(job.plan)) };
  if (!planned) throw new Error('a shard came without its plan');
  const batch = new ResultBatch(Math.max(1, job.shard.to - job.shard.from));
  const counts = evaluateShard(planned.plan, job.shard, sim, batch);
  const done: ShardDone = { length: batch.length, counts, columns: batch.columns };
  parentPort!.postMessage(done, Object.values(batch.columns).map((column) => column.buffer as ArrayBuffer));
});
