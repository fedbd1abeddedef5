/**
 * A shard thread (src/runs/shard-threads.ts): evaluates the shards it is sent and hands their
 * result columns back without a copy. The plan of the last run is kept: a run's shards all share it.
 * A plan sent alone (ShardThreads.prepare) is built at once, ahead of its shards.
 */
import { parentPort } from 'node:worker_threads';
import { Simulator, type MatrixPlan } from '../engine';
import { evaluateShard } from './shard-step';
import { planOf } from './plan';
import type { ShardJob, ShardDone } from './shard-threads';
import { ResultBatch } from './types';

const sim = new Simulator();
let planned: { source: string; plan: MatrixPlan } | null = null;

parentPort!.on('message', (job: ShardJob) => {
  if (job.plan !== undefined && planned?.source !== job.plan) planned = { source: job.plan, plan: planOf(JSON.parse(job.plan)) };
  if (!job.shard) {
    planned!.plan.prepareCells();
    return;
  }
  if (!planned) throw new Error('a shard came before any plan');
  const batch = new ResultBatch(Math.max(1, job.shard.to - job.shard.from));
  const counts = evaluateShard(planned.plan, job.shard, sim, batch);
  const done: ShardDone = { length: batch.length, counts, columns: batch.columns };
  parentPort!.postMessage(done, Object.values(batch.columns).map((column) => column.buffer as ArrayBuffer));
});
