/**
 * A job kind as a small unit: its name, the options it is enqueued with (beside the code that
 * runs it), and what a worker does with its data. A task worker serves the tasks of one queue,
 * each job handed to the task of its name, and fails the run once a job's last attempt fails.
 */
import { Worker, type Job, type JobsOptions } from 'bullmq';
import type { RunRecord, RunStore } from '../types';
import { redisConnection, type RedisQueueOptions, type RunJobName, type ShardJobData } from './jobs';

/** `skipped`: the run had finished (cancelled, failed) or the shard was already committed. */
export type JobOutcome = 'committed' | 'skipped' | 'succeeded' | 'failed';

/**
 * Where a job's time went, for the worker's log (each job's line, at info) and the scale-out bench's timeline: a task
 * marks the end of each of its phases (read, evaluate, store...), each mark timing the span since
 * the one before.
 */
export class JobPhases {
  readonly ms: Record<string, number> = {};
  private last = performance.now();

  mark(phase: string): void {
    const now = performance.now();
    this.ms[phase] = (this.ms[phase] ?? 0) + (now - this.last);
    this.last = now;
  }
}

export interface Task<D extends { runId: string }> {
  readonly name: RunJobName;
  readonly options: JobsOptions;
  run(data: D, phases: JobPhases): Promise<JobOutcome>;
}

/** One job a worker finished: what it was, how it ended, and when (epoch ms) and how long each phase took. */
export interface JobEvent {
  name: RunJobName;
  runId: string;
  index?: number;
  outcome: JobOutcome;
  /** When BullMQ handed the job to this worker, and when the task returned. */
  startedAt: number;
  endedAt: number;
  phases: Record<string, number>;
}

export interface TaskWorkerOptions extends RedisQueueOptions {
  /** Jobs at once in this process. */
  concurrency: number;
  /** Told of each job this worker finished, for logs and tests. */
  onJob?: (event: JobEvent) => void;
  /** Told as each job starts, before its task runs. */
  onTaken?: () => void;
  onError?: (err: unknown) => void;
}

/** Retried with backoff; kept a while so that a duplicate enqueue is recognised (results live in the store, not here). */
export const RETRIED: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The error of a run missing from the worker's store. */
export function notInStore(runId: string): Error {
  return new Error(`run ${runId} is not in this worker's store (does DATABASE_URL name the service's database?)`);
}

/** A worker pointed at another store than the service's must fail loudly, not skip the run's jobs. */
export async function requireRun(store: Pick<RunStore, 'getRun'>, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (!run) throw notInStore(runId);
  return run;
}

/** What the worker classes keep of BullMQ's worker. */
export interface TaskWorker {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

export function serveTasks<S extends ShardJobData, F extends { runId: string }>(
  queueName: string, tasks: { shard: Task<S>; finish: Task<F> }, store: Pick<RunStore, 'finishRun'>, options: TaskWorkerOptions,
): TaskWorker {
  const process = async (job: Job<S | F, JobOutcome, RunJobName>): Promise<JobOutcome> => {
    options.onTaken?.();
    const { runId } = job.data;
    const index = 'index' in job.data ? job.data.index : undefined;
    const startedAt = Date.now();
    const phases = new JobPhases();
    const event = (outcome: JobOutcome): JobEvent => ({ name: job.name, runId, index, outcome, startedAt, endedAt: Date.now(), phases: phases.ms });
    try {
      const outcome = job.name === 'shard' ? await tasks.shard.run(job.data as S, phases) : await tasks.finish.run(job.data as F, phases);
      options.onJob?.(event(outcome));
      return outcome;
    } catch (err) {
      // attemptsMade counts the attempts before this one.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        // The job fails with its own error either way; if the store cannot take the run's failure
        // now, the service reads it from the failed flow (RedisRunQueue).
        await store.finishRun(runId, 'failed', null, `${job.name} ${index ?? ''}: ${(err as Error).message}`.replace('  ', ' '))
          .catch((storeErr: unknown) => options.onError?.(storeErr));
        options.onJob?.(event('failed'));
      }
      throw err;
    }
  };
  const worker = new Worker<S | F, JobOutcome, RunJobName>(queueName, process, {
    connection: redisConnection(options.redisUrl), prefix: options.prefix, concurrency: options.concurrency,
  });
  worker.on('error', (err) => options.onError?.(err));
  return worker;
}
