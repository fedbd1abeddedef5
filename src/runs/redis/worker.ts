/**
 * A worker process's side of the distributed RunQueue for engine runs: two tasks on one queue.
 * A shard task evaluates its shard with the engine and commits it to the shared store; a run's
 * finish task stores its verdict grid once every shard is in. Any number of workers may serve one
 * queue.
 */
import { LRUCache } from 'lru-cache';
import { Simulator, type MatrixPlan } from '../../engine';
import { planOf } from '../plan';
import { batchFor, commitShardStep, isFinished } from '../shard-step';
import type { ResultBatch, RunStore } from '../types';
import { RUNS_QUEUE, type FinishJobData, type RunJobName, type ShardJobData } from './jobs';
import { RETRIED, requireRun, serveTasks, type JobOutcome, type Task, type TaskWorker, type TaskWorkerOptions } from './task';

export type { JobOutcome };

export interface RunWorkerOptions extends Omit<TaskWorkerOptions, 'concurrency'> {
  /** Jobs at once in this process. The engine is CPU-bound: scale with processes, not this. */
  concurrency?: number;
}

/** A run's plan is rebuilt from its stored spec once per worker, not per shard. */
type Plans = LRUCache<string, MatrixPlan>;

/** One shard of positions: evaluated and committed with the run's counters in one transaction. */
export class EngineShardTask implements Task<ShardJobData> {
  readonly name: RunJobName = 'shard';
  /** A failing shard is retried (a lost connection, a worker killed mid-shard); the queue fails the run after the last attempt. */
  static readonly options = RETRIED;
  readonly options = EngineShardTask.options;
  private readonly sim = new Simulator();
  /** Batches not in use: with concurrency > 1 each job in flight needs its own until it commits. */
  private readonly freeBatches: ResultBatch[] = [];

  constructor(private readonly store: RunStore, private readonly plans: Plans) {}

  async run({ runId, index }: ShardJobData): Promise<JobOutcome> {
    const run = await requireRun(this.store, runId);
    if (isFinished(run.status)) return 'skipped';
    const shards = await this.store.shards(runId);
    const shard = shards.find((s) => s.index === index);
    if (!shard) throw new Error(`run ${runId} has no shard ${index}`);
    if (shard.done) return 'skipped';
    // Once per run, not per shard: with several workers every write to the run's row waits for
    // the row lock a concurrent shard commit holds on it (its counters).
    if (run.status === 'queued') await this.store.markRunning(runId);
    let plan = this.plans.get(runId);
    if (!plan) this.plans.set(runId, (plan = planOf(run)));
    const batch = batchFor(shards, this.freeBatches.pop());
    try {
      await commitShardStep(this.store, plan, shard, this.sim, batch);
    } finally {
      this.freeBatches.push(batch);
    }
    return 'committed';
  }
}

/** Released by BullMQ once every shard completed: the run's grid, rebuilt from the stored results (all that workers share). */
export class EngineFinishTask implements Task<FinishJobData> {
  readonly name: RunJobName = 'finish';
  /** Retried like a shard: storing the grid can meet the same transient failures. */
  static readonly options = RETRIED;
  readonly options = EngineFinishTask.options;

  constructor(private readonly store: RunStore, private readonly plans: Plans) {}

  async run({ runId }: FinishJobData): Promise<JobOutcome> {
    const run = await requireRun(this.store, runId);
    if (isFinished(run.status)) return 'skipped';
    const missing = (await this.store.shards(runId)).filter((s) => !s.done).map((s) => s.index);
    if (missing.length) throw new Error(`shards ${missing.join(', ')} not committed`);
    await this.store.finishRun(runId, 'succeeded', await this.store.readVerdicts(runId, run.cellsTotal));
    this.plans.delete(runId);
    return 'succeeded';
  }
}

export class RunWorker {
  private readonly worker: TaskWorker;

  constructor(store: RunStore, options: RunWorkerOptions) {
    const plans: Plans = new LRUCache({ max: 4 });
    this.worker = serveTasks(RUNS_QUEUE, { shard: new EngineShardTask(store, plans), finish: new EngineFinishTask(store, plans) }, store, {
      ...options, concurrency: options.concurrency ?? 1,
    });
  }

  /** Resolves once connected to Redis. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Finishes the job in hand, then stops taking jobs. */
  async close(): Promise<void> {
    await this.worker.close();
  }
}
