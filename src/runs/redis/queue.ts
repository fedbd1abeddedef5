/**
 * The RunQueue the service uses when REDIS_URL is set: enqueue adds a run's flow to Redis for
 * `virtio-matrix worker` processes to execute. Progress is read from the store, where workers
 * commit it, so it reports what is durable, whichever worker wrote it.
 */
import { FlowProducer } from 'bullmq';
import { isFinished } from '../shard-step';
import type { RunProgress, RunQueue, RunStore } from '../types';
import { JOB_OPTIONS, RUNS_QUEUE, finishJobId, redisConnection, shardJobId, type RedisQueueOptions } from './jobs';

export interface RedisRunQueueOptions extends RedisQueueOptions {
  /** How often runs enqueued here are read back for progress (ms). */
  pollMs?: number;
}

export class RedisRunQueue implements RunQueue {
  private readonly flows: FlowProducer;
  private readonly listeners = new Set<(p: RunProgress) => void>();
  /** Runs enqueued here and not finished yet, with the progress last reported. */
  private readonly watched = new Map<string, string>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private polling = false;
  private closed = false;

  constructor(
    private readonly store: RunStore,
    options: RedisRunQueueOptions,
  ) {
    this.flows = new FlowProducer({ connection: redisConnection(options.redisUrl), prefix: options.prefix });
    this.timer = setInterval(() => void this.poll(), options.pollMs ?? 250).unref();
  }

  async enqueue(runId: string): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    const pending = (await this.store.shards(runId)).filter((s) => !s.done);
    await this.flows.add({
      name: 'finish', queueName: RUNS_QUEUE, data: { runId }, opts: { ...JOB_OPTIONS, jobId: finishJobId(runId) },
      children: pending.map((s) => ({
        name: 'shard', queueName: RUNS_QUEUE, data: { runId, index: s.index },
        // A shard that fails every attempt fails its run's finish job instead of leaving it waiting.
        opts: { ...JOB_OPTIONS, jobId: shardJobId(runId, s.index), failParentOnFailure: true },
      })),
    });
    this.watched.set(runId, '');
  }

  /** Marks the run cancelled in the store; workers skip the shards of a finished run. */
  async cancel(runId: string): Promise<void> {
    await this.store.finishRun(runId, 'cancelled', null);
  }

  onProgress(listener: (p: RunProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  idle(): Promise<void> {
    if (this.watched.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.watched.clear();
    this.settleIdle();
    await this.flows.close();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.watched.size === 0) return;
    this.polling = true;
    try {
      for (const [runId, last] of this.watched) {
        const run = await this.store.getRun(runId);
        if (!run) {
          this.watched.delete(runId);
          continue;
        }
        const progress: RunProgress = { runId, status: run.status, cellsDone: run.cellsDone, cellsTotal: run.cellsTotal };
        const key = `${progress.status}:${progress.cellsDone}`;
        if (key !== last) {
          this.watched.set(runId, key);
          for (const listener of this.listeners) listener(progress);
        }
        if (isFinished(run.status)) this.watched.delete(runId);
      }
    } catch {
      // The store is briefly unreachable: the next tick tries again.
    } finally {
      this.polling = false;
      this.settleIdle();
    }
  }

  private settleIdle(): void {
    if (this.watched.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
