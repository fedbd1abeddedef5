/**
 * A worker process's side of the distributed RunQueue: takes shard jobs from Redis, evaluates
 * them with the engine and commits them to the shared store; a run's `finish` job stores its
 * verdict grid once every shard is in. Any number of workers may serve one queue.
 */
import { Worker, type Job } from 'bullmq';
import { LRUCache } from 'lru-cache';
import { Simulator, type MatrixPlan } from '../../engine';
import { planOf } from '../plan';
import { batchFor, commitShardStep, isFinished } from '../shard-step';
import type { ResultBatch, RunStore } from '../types';
import { RUNS_QUEUE, redisConnection, type FinishJobData, type RedisQueueOptions, type RunJobName, type ShardJobData } from './jobs';

export interface RunWorkerOptions extends RedisQueueOptions {
  /** Jobs at once in this process. The engine is CPU-bound: scale with processes, not this. */
  concurrency?: number;
  /** Told of each job this worker finished, for logs and tests. */
  onJob?: (event: { name: RunJobName; runId: string; index?: number; outcome: JobOutcome }) => void;
  onError?: (err: unknown) => void;
}

/** `skipped`: the run had finished (cancelled, failed) or the shard was already committed. */
export type JobOutcome = 'committed' | 'skipped' | 'succeeded' | 'failed';

export class RunWorker {
  private readonly worker: Worker<ShardJobData | FinishJobData, JobOutcome, RunJobName>;
  private readonly sim = new Simulator();
  /** A run's plan is rebuilt from its stored spec once per worker, not per shard. */
  private readonly plans = new LRUCache<string, MatrixPlan>({ max: 4 });
  /** Batches not in use: with concurrency > 1 each job in flight needs its own until it commits. */
  private readonly freeBatches: ResultBatch[] = [];

  constructor(
    private readonly store: RunStore,
    private readonly options: RunWorkerOptions,
  ) {
    this.worker = new Worker(RUNS_QUEUE, (job) => this.process(job), {
      connection: redisConnection(options.redisUrl), prefix: options.prefix, concurrency: options.concurrency ?? 1,
    });
    this.worker.on('error', (err) => options.onError?.(err));
  }

  /** Resolves once connected to Redis. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Finishes the job in hand, then stops taking jobs. */
  async close(): Promise<void> {
    await this.worker.close();
  }

  private async process(job: Job<ShardJobData | FinishJobData, JobOutcome, RunJobName>): Promise<JobOutcome> {
    const { runId } = job.data;
    const index = job.name === 'shard' ? (job.data as ShardJobData).index : undefined;
    try {
      const outcome = job.name === 'shard' ? await this.shard(runId, index!) : await this.finish(runId);
      this.options.onJob?.({ name: job.name, runId, index, outcome });
      return outcome;
    } catch (err) {
      // attemptsMade counts the attempts before this one.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        // The job fails with its own error either way; if the store cannot take the run's failure
        // now, the service reads it from the failed flow (RedisRunQueue).
        await this.store.finishRun(runId, 'failed', null, `${job.name} ${index ?? ''}: ${(err as Error).message}`.replace('  ', ' '))
          .catch((storeErr: unknown) => this.options.onError?.(storeErr));
        this.options.onJob?.({ name: job.name, runId, index, outcome: 'failed' });
      }
      throw err;
    }
  }

  /** A worker pointed at another store than the service's must fail loudly, not skip the run's jobs. */
  private async requireRun(runId: string) {
    const run = await this.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} is not in this worker's store (does DATABASE_URL name the service's database?)`);
    return run;
  }

  private async shard(runId: string, index: number): Promise<JobOutcome> {
    const run = await this.requireRun(runId);
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

  private async finish(runId: string): Promise<JobOutcome> {
    const run = await this.requireRun(runId);
    if (isFinished(run.status)) return 'skipped';
    const missing = (await this.store.shards(runId)).filter((s) => !s.done).map((s) => s.index);
    if (missing.length) throw new Error(`shards ${missing.join(', ')} not committed`);
    // The grid is rebuilt from the stored results: they are the only thing workers share.
    await this.store.finishRun(runId, 'succeeded', await this.store.readVerdicts(runId, run.cellsTotal));
    this.plans.delete(runId);
    return 'succeeded';
  }
}
