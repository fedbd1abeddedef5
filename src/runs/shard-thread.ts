/**
 * A shard thread (src/runs/shard-threads.ts): evaluates the shards it is sent and hands their
 * result columns back without a copy. The plan of the last spec is kept: a run's shards all share it.
 */
import { parentPort } from 'node:worker_threads';
import { MatrixPlan, Simulator } from '../engine';
import { evaluateShard } from './execute-shard';
import type { ShardJob, ShardDone } from './shard-threads';
import { ResultBatch } from './types';

const sim = new Simulator();
let planned: { spec: string; plan: MatrixPlan } | null = null;

parentPort!.on('message', (job: ShardJob) => {
  if (planned?.spec !== job.spec) planned = { spec: job.spec, plan: new MatrixPlan(JSON.parse(job.spec)) };
  const batch = new ResultBatch(Math.max(1, job.shard.to - job.shard.from));
  const counts = evaluateShard(planned.plan, job.shard, sim, batch, null);
  const done: ShardDone = { length: batch.length, counts, columns: batch.columns };
  parentPort!.postMessage(done, Object.values(batch.columns).map((column) => column.buffer as ArrayBuffer));
});
