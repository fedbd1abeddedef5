/**
 * Mutations per token per minute (MUTATIONS_PER_MINUTE, default 120): one CI job looping on
 * startRun cannot queue the machine full. With REDIS_URL the count is kept in Redis
 * (rate-limiter-flexible's Redis limiter), so it holds across every `serve` process of the
 * deployment; without it, each process counts its own. While Redis cannot be reached, each
 * process counts its own again (the library's insurance limiter) rather than refusing or
 * letting everything through.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Caller } from './caller';
import { wholeNumberSetting } from '../settings';

export const DEFAULT_MUTATIONS_PER_MINUTE = 120;

export interface RateProblem {
  code: 'RATE_LIMITED';
  status: 429;
  message: string;
  retryAfterSeconds: number;
}

/** Where the count is shared: the deployment's Redis, under its key prefix (REDIS_PREFIX). */
export interface SharedCount {
  redisUrl: string;
  prefix?: string;
  /** The first Redis error after each time it was reachable (the count goes on per process meanwhile). */
  onError?: (err: Error) => void;
}

const WINDOW_SECONDS = 60;

export class WriteLimiter {
  private readonly limiter: RateLimiterAbstract | null;
  private readonly redis: Redis | null = null;

  /** `perMinute` 0: no limit. */
  constructor(readonly perMinute: number, shared?: SharedCount) {
    if (perMinute <= 0) {
      this.limiter = null;
      return;
    }
    const perProcess = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS });
    if (!shared) {
      this.limiter = perProcess;
      return;
    }
    // Connected at the first mutation; a command waits for at most one reconnection before the insurance counts it.
    // Required here: a process without Redis (a CLI run) does not load ioredis for nothing.
    const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
    this.redis = new RedisClient(shared.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, disconnectTimeout: 200 });
    // ioredis reports every failed reconnection: one report per outage is enough.
    let reported = false;
    this.redis.on('error', (err: Error) => {
      if (!reported) shared.onError?.(err);
      reported = true;
    });
    this.redis.on('ready', () => {
      reported = false;
    });
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis, points: perMinute, duration: WINDOW_SECONDS,
      keyPrefix: `${shared.prefix ?? 'virtio-matrix'}:mutations-per-token`, insuranceLimiter: perProcess,
    });
  }

  /** Where mutations are counted, for the start-up log line. */
  get scope(): 'none' | 'process' | 'redis' {
    return this.limiter === null ? 'none' : this.redis ? 'redis' : 'process';
  }

  /** Take one mutation from the caller's budget; null when it may go on. */
  async take(caller: Caller): Promise<RateProblem | null> {
    if (!this.limiter || caller.kind !== 'token') return null;
    try {
      await this.limiter.consume(`token:${caller.id}`);
      return null;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      return {
        code: 'RATE_LIMITED', status: 429, retryAfterSeconds,
        message: `token "${caller.name}" has used its ${this.perMinute} mutations for this minute (MUTATIONS_PER_MINUTE${this.redis ? ', counted across all servers' : ''}); retry in ${retryAfterSeconds} s`,
      };
    }
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }
}

/** MUTATIONS_PER_MINUTE: a whole number, 0 for no limit. */
export function mutationsPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberSetting(env, 'MUTATIONS_PER_MINUTE', {
    fallback: DEFAULT_MUTATIONS_PER_MINUTE, min: 0, max: Number.MAX_SAFE_INTEGER, range: 'a whole number (0: no limit)',
  });
}
