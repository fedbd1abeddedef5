/**
 * The distributed RunQueue's contract between the service (producer) and workers, over Redis
 * with BullMQ: a run is one flow, a `finish` job whose children are the run's shard jobs. BullMQ
 * hands each shard to one worker, retries it on failure, re-queues it when its worker dies
 * (stalled-job check), and releases `finish` only when every shard completed.
 */
import type { ConnectionOptions } from 'bullmq';

export const RUNS_QUEUE = 'virtio-matrix-runs';
/** Probe runs' shards (a few boots each) and finish jobs: a queue of their own, served only by workers that can boot. */
export const PROBE_RUNS_QUEUE = 'virtio-matrix-probe-runs';

export interface ShardJobData {
  runId: string;
  index: number;
}

export interface EngineShardJobData extends ShardJobData {
  /**
   * The shard's positions [from, to), so that a worker need not read them before each shard
   * (absent from jobs enqueued before they were carried: the worker reads them then).
   */
  from?: number;
  to?: number;
}

/** A probe shard names its cells: the plan that cut them may not be reproducible on the worker (another installation). */
export interface ProbeShardJobData extends ShardJobData {
  positions: number[];
}

export interface FinishJobData {
  runId: string;
}

/** A probe run finishes once this many cells are stored (every probeable cell, booted or failed). */
export interface ProbeFinishJobData extends FinishJobData {
  boots: number;
}

export type RunJobName = 'shard' | 'finish';

export interface RedisQueueOptions {
  /** redis://[user:password@]host:port[/db] */
  redisUrl: string;
  /** Key prefix in Redis (BullMQ's default `bull`); tests use one each. */
  prefix?: string;
}

// Stable job ids: enqueueing a run twice (a service restart resuming it) adds nothing while its jobs exist.
export const shardJobId = (runId: string, index: number) => `run-${runId}-shard-${index}`;
export const finishJobId = (runId: string) => `run-${runId}-finish`;

/**
 * Workers block on Redis, so ioredis must not give up on their commands (`null`); the service's
 * side fails a call after a few retries instead, so that a mutation answers while Redis is down.
 */
export function redisConnection(url: string, role: 'worker' | 'producer' = 'worker'): ConnectionOptions {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL must be redis://host:port (got ${url.split(':')[0]}:…)`);
  return { url, maxRetriesPerRequest: role === 'worker' ? null : 3 };
}
