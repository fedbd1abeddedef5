/**
 * A worker process's side of the distributed RunQueue for engine runs: two tasks on one queue.
 * A shard task evaluates its shard with the engine and commits it to the shared store; a run's
 * finish task stores its verdict grid once every shard is in. Any number of workers may serve one
 * queue.
 */
import { LRUCache } from 'lru-cache';
import { Simulator, type MatrixPlan } from '../../engine';
import { planOf } from '../plan';
import { batchFor, evaluateShard, isFinished } from '../shard-step';
import type { ResultBatch, RunStatus, RunStore, ShardRecord } from '../types';
import { warmUpEngine, type WarmUp } from '../warm-up';
import { RUNS_QUEUE, type EngineShardJobData, type FinishJobData, type RunJobName } from './jobs';
import { RETRIED, notInStore, requireRun, serveTasks, type JobOutcome, type JobPhases, type Task, type TaskWorker, type TaskWorkerOptions } from './task';

export type { JobOutcome };

/**
 * Engine shard jobs in flight at once in one worker by default. Evaluating is synchronous, so the
 * engine still runs one shard at a time per process (scale it with processes, one per core); the
 * second job evaluates while the first waits on its commit and on Redis, which a worker taking
 * one job at a time spent idle.
 */
export const ENGINE_JOBS_AT_ONCE = 2;

export interface RunWorkerOptions extends Omit<TaskWorkerOptions, 'concurrency'> {
  /** Jobs at once in this process (default ENGINE_JOBS_AT_ONCE). */
  concurrency?: number;
}

/**
 * How long a worker trusts a run's status it read: a run cancelled meanwhile has its shards
 * evaluated at most this much longer, and none of their commits lands (the store checks the
 * status as it commits). Reading the status before each shard cost a PostgreSQL round trip a shard.
 */
export const RUN_STATUS_TTL_MS = 1000;

/**
 * Plans by run id (a promise: two jobs in flight read the run once): a run's plan is looked up
 * once per worker, not per shard; planOf gives a later run of an unchanged spec the plan of the
 * one before.
 */
export class Plans {
  private readonly byRun = new LRUCache<string, Promise<MatrixPlan>>({ max: 4 });

  constructor(private readonly store: RunStore) {}

  of(runId: string): Promise<MatrixPlan> {
    let plan = this.byRun.get(runId);
    if (!plan) {
      this.byRun.set(runId, (plan = requireRun(this.store, runId).then(planOf)));
      // A failed read is not kept: the job's retry reads again.
      const failed = plan;
      failed.catch(() => {
        if (this.byRun.get(runId) === failed) this.byRun.delete(runId); // not a newer entry set since
      });
    }
    return plan;
  }

  /** The run is over: its plan stays only in planOf's cache. */
  forget(runId: string): void {
    this.byRun.delete(runId);
  }
}

/** One shard of positions: evaluated and committed with the run's counters in one transaction. */
export class EngineShardTask implements Task<EngineShardJobData> {
  readonly name: RunJobName = 'shard';
  /** A failing shard is retried (a lost connection, a worker killed mid-shard); the queue fails the run after the last attempt. */
  static readonly options = RETRIED;
  readonly options = EngineShardTask.options;
  private readonly sim = new Simulator();
  /** Runs' statuses as last read here, trusted for RUN_STATUS_TTL_MS. */
  private readonly statuses = new LRUCache<string, RunStatus>({ max: 64, ttl: RUN_STATUS_TTL_MS });
  /** Batches not in use: with concurrency > 1 each job in flight needs its own until it commits. */
  private readonly freeBatches: ResultBatch[] = [];

  constructor(private readonly store: RunStore, private readonly plans: Plans) {}

  async run(data: EngineShardJobData, phases: JobPhases): Promise<JobOutcome> {
    const shard = await this.shardToRun(data);
    if (!shard) return 'skipped';
    phases.mark('read');
    const plan = await this.plans.of(data.runId);
    phases.mark('plan');
    const batch = batchFor([shard], this.freeBatches.pop());
    try {
      // Synchronous: with jobs in flight side by side, one evaluates while the others wait on the store.
      const counts = evaluateShard(plan, shard, this.sim, batch);
      phases.mark('evaluate');
      const landed = await this.store.commitShard(data.runId, shard, batch, counts);
      phases.mark('store');
      // Nothing landed: the run may have finished, so the next shard reads its status again.
      if (!landed) this.statuses.delete(data.runId);
      return landed ? 'committed' : 'skipped';
    } finally {
      this.freeBatches.push(batch);
    }
  }

  /**
   * The shard to evaluate, or null when there is nothing to do (its run has finished, or it is
   * stored already). A job that carries its span needs no read while the run's status read last
   * is fresh; otherwise one small read: the run's status and the shard.
   */
  private async shardToRun({ runId, index, from, to }: EngineShardJobData): Promise<ShardRecord | null> {
    // A run still 'queued' here is read again: the job that reads it marks it running.
    const known = this.statuses.get(runId);
    if (known !== undefined && known !== 'queued' && from !== undefined && to !== undefined) {
      return isFinished(known) ? null : { runId, index, from, to, done: false };
    }
    const found = await this.store.shardOfRun(runId, index);
    if (!found) throw notInStore(runId);
    // Once per run, not per shard: with several workers every write to the run's row waits for
    // the row lock a concurrent shard commit holds on it (its counters).
    const marks = found.status === 'queued' && found.shard !== null && !found.shard.done;
    if (marks) await this.store.markRunning(runId);
    // Kept once the run is marked running (a failed mark is tried again by the next job).
    this.statuses.set(runId, marks ? 'running' : found.status);
    if (isFinished(found.status)) return null;
    if (!found.shard) throw new Error(`run ${runId} has no shard ${index}`);
    if (found.shard.done) return null;
    return found.shard;
  }
}

/** Released by BullMQ once every shard completed: the run's grid, rebuilt from the stored results (all that workers share). */
export class EngineFinishTask implements Task<FinishJobData> {
  readonly name: RunJobName = 'finish';
  /** Retried like a shard: storing the grid can meet the same transient failures. */
  static readonly options = RETRIED;
  readonly options = EngineFinishTask.options;

  constructor(private readonly store: RunStore, private readonly plans: Plans) {}

  async run({ runId }: FinishJobData, phases: JobPhases): Promise<JobOutcome> {
    const run = await requireRun(this.store, runId);
    if (isFinished(run.status)) return 'skipped';
    const missing = (await this.store.shards(runId)).filter((s) => !s.done).map((s) => s.index);
    if (missing.length) throw new Error(`shards ${missing.join(', ')} not committed`);
    const grid = await this.store.readVerdicts(runId, run.cellsTotal);
    phases.mark('read');
    await this.store.finishRun(runId, 'succeeded', grid);
    phases.mark('store');
    this.plans.forget(runId);
    return 'succeeded';
  }
}

export class RunWorker {
  private readonly worker: TaskWorker;
  /** Why the engine warm-up stops early, once there is a reason. */
  private warmUpStop: 'a job came first' | 'the worker is closing' | null = null;

  constructor(store: RunStore, options: RunWorkerOptions) {
    const plans = new Plans(store);
    this.worker = serveTasks(RUNS_QUEUE, { shard: new EngineShardTask(store, plans), finish: new EngineFinishTask(store, plans) }, store, {
      ...options,
      concurrency: options.concurrency ?? ENGINE_JOBS_AT_ONCE,
      onTaken: () => {
        this.warmUpStop ??= 'a job came first';
        options.onTaken?.();
      },
    });
  }

  /** Until the first job: warms the engine's code up on throwaway cells (src/runs/warm-up.ts). */
  async warmUp(): Promise<WarmUp & { stoppedBecause: string | null }> {
    const warm = await warmUpEngine(() => this.warmUpStop !== null);
    return { ...warm, stoppedBecause: warm.interrupted ? this.warmUpStop : null };
  }

  /** Resolves once connected to Redis. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Finishes the job in hand, then stops taking jobs. */
  async close(): Promise<void> {
    this.warmUpStop ??= 'the worker is closing';
    await this.worker.close();
  }
}
