/**
 * The RunQueue the service uses when REDIS_URL is set: enqueue adds a run's flow to Redis for
 * `virtio-matrix worker` processes to execute. Progress is read from the store, where workers
 * commit it, so it reports what is durable, whichever worker wrote it. Engine runs and probe runs
 * are two flows of the same shape (shards under a finish job) in two queues.
 */
import { FlowProducer, Job, Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { isFinished } from '../shard-step';
import type { RunProgress, RunQueue, RunRecord, RunStore } from '../types';
import { EngineFinishTask, EngineShardTask } from './worker';
import { RUNS_QUEUE, finishJobId, redisConnection, shardJobId, type FinishJobData, type RedisQueueOptions, type ShardJobData } from './jobs';

export interface RedisRunQueueOptions extends RedisQueueOptions {
  /**
   * How often runs enqueued here are read back for progress (ms). A run's end is noticed when its
   * finish job completes or fails (BullMQ's queue events), not at the next tick.
   */
  pollMs?: number;
}

/** What a kind of run puts in its flow: the queue, its tasks' options, the shards not yet stored, the finish job's data. */
export interface RunFlow {
  queueName: string;
  options: { shard: JobsOptions; finish: JobsOptions };
  jobs(run: RunRecord): Promise<{ shards: ShardJobData[]; finish: FinishJobData }>;
}

/** Engine runs: one job per shard of positions not yet done. */
export const engineFlow = (store: RunStore): RunFlow => ({
  queueName: RUNS_QUEUE,
  options: { shard: EngineShardTask.options, finish: EngineFinishTask.options },
  async jobs(run) {
    const pending = (await store.shards(run.id)).filter((s) => !s.done);
    return { shards: pending.map((s) => ({ runId: run.id, index: s.index, from: s.from, to: s.to })), finish: { runId: run.id } };
  },
});

export class RedisRunQueue implements RunQueue {
  private readonly flows: FlowProducer;
  /** To look up a run's jobs: a flow that failed or finished without finishing its run. */
  private readonly jobs: Queue;
  /** Jobs completed and failed in the queue, as they happen: a watched run's finish job ending is read back at once. */
  private readonly events: QueueEvents;
  private readonly listeners = new Set<(p: RunProgress) => void>();
  /** Runs enqueued here and not finished yet, with the progress last reported. */
  private readonly watched = new Map<string, string>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private polling = false;
  /** A finish job ended while a poll was reading: poll again once it is done, the run may have been read before its end. */
  private pollAgain = false;
  private closed = false;

  constructor(
    private readonly store: RunStore,
    options: RedisRunQueueOptions,
    private readonly flow: RunFlow = engineFlow(store),
  ) {
    const connection = redisConnection(options.redisUrl, 'producer');
    this.flows = new FlowProducer({ connection, prefix: options.prefix });
    this.jobs = new Queue(flow.queueName, { connection, prefix: options.prefix });
    // A blocking reader of the queue's event stream: its own connection, one that waits for Redis.
    this.events = new QueueEvents(flow.queueName, { connection: redisConnection(options.redisUrl), prefix: options.prefix });
    const finished = ({ jobId }: { jobId: string }) => {
      // Only a finish job ends a run; shard jobs end by the hundred and are not looked up.
      for (const runId of this.watched.keys()) {
        if (finishJobId(runId) === jobId) return void this.poll(true);
      }
    };
    this.events.on('completed', finished);
    this.events.on('failed', finished);
    // Redis briefly unreachable: the poll still notices the run's end.
    this.events.on('error', () => undefined);
    this.timer = setInterval(() => void this.poll(), options.pollMs ?? 250).unref();
  }

  async enqueue(runId: string): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    if (await this.flowInProgress(runId)) {
      this.watched.set(runId, '');
      return;
    }
    const { shards, finish } = await this.flow.jobs(run);
    const queueName = this.flow.queueName;
    await this.flows.add({
      name: 'finish', queueName, data: finish, opts: { ...this.flow.options.finish, jobId: finishJobId(runId) },
      children: shards.map((data) => ({
        name: 'shard', queueName, data,
        // A shard that fails every attempt fails its run's finish job instead of leaving it waiting.
        opts: { ...this.flow.options.shard, jobId: shardJobId(runId, data.index), failParentOnFailure: true },
      })),
    });
    this.watched.set(runId, '');
  }

  /**
   * Whether the run's flow is still queued or running in Redis. A flow that failed or completed
   * while its run is unfinished (its store was unreachable at the end, a worker died twice on a
   * shard, a worker used another database) is removed, so that enqueueing again retries the run
   * instead of being taken for a duplicate of the old flow.
   */
  private async flowInProgress(runId: string): Promise<boolean> {
    const finish = await Job.fromId(this.jobs, finishJobId(runId));
    if (!finish) return false;
    const state = await finish.getState();
    if (state !== 'failed' && state !== 'completed') return true;
    await finish.remove({ removeChildren: true });
    return false;
  }

  /** The reason a run's flow failed, when it did: the failed shard's, else the finish job's. */
  private async flowFailure(runId: string): Promise<string | null> {
    // State first, then the job: BullMQ writes the state and the reason in one script, so a job read
    // after its state says failed carries its reason (read before, it may be a stale copy).
    if ((await this.jobs.getJobState(finishJobId(runId))) !== 'failed') return null;
    const finish = await Job.fromId(this.jobs, finishJobId(runId));
    if (!finish) return null;
    // A parent failed by its child reads "child <prefix>:<queue>:<job id> failed": report the child's own reason.
    const childId = /^child (\S+) failed$/.exec(finish.failedReason ?? '')?.[1].split(':').pop();
    const child = childId ? await Job.fromId<ShardJobData>(this.jobs, childId) : undefined;
    if (child?.failedReason) return `shard ${child.data.index}: ${child.failedReason}`;
    return finish.failedReason || 'the run\'s jobs failed';
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
    // Each closed whatever another's close throws: a blocking events connection must not outlive the queue.
    const closed = await Promise.allSettled([this.flows.close(), this.jobs.close(), this.events.close()]);
    const failed = closed.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** `ended`: a watched run's finish job just ended, so a poll under way may have read the run too early. */
  private async poll(ended = false): Promise<void> {
    if (this.polling) {
      this.pollAgain ||= ended;
      return;
    }
    if (this.watched.size === 0) return;
    this.polling = true;
    this.pollAgain = false;
    try {
      for (const [runId, last] of this.watched) {
        let run = await this.store.getRun(runId);
        if (!run) {
          this.watched.delete(runId);
          continue;
        }
        if (!isFinished(run.status)) {
          // Workers mark a run failed when a shard uses up its attempts; when they could not (the
          // store was down, the job stalled twice, the worker has another database), the flow says so.
          const failure = await this.flowFailure(runId);
          if (failure) {
            await this.store.finishRun(runId, 'failed', null, failure);
            run = (await this.store.getRun(runId))!;
          }
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
    if (this.pollAgain && !this.closed) await this.poll(true);
  }

  private settleIdle(): void {
    if (this.watched.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
