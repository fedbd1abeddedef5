/**
 * Mutations per token per minute (MUTATIONS_PER_MINUTE, default 120): one CI job looping on
 * startRun cannot queue the machine full. Counted in this process (rate-limiter-flexible's
 * memory store); several `serve` processes each count their own.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from './caller';

export const DEFAULT_MUTATIONS_PER_MINUTE = 120;

export interface RateProblem {
  code: 'RATE_LIMITED';
  status: 429;
  message: string;
  retryAfterSeconds: number;
}

export class WriteLimiter {
  private readonly limiter: RateLimiterMemory | null;

  /** `perMinute` 0: no limit. */
  constructor(readonly perMinute: number) {
    this.limiter = perMinute > 0 ? new RateLimiterMemory({ points: perMinute, duration: 60 }) : null;
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
        message: `token "${caller.name}" has used its ${this.perMinute} mutations for this minute (MUTATIONS_PER_MINUTE); retry in ${retryAfterSeconds} s`,
      };
    }
  }
}

/** MUTATIONS_PER_MINUTE: a whole number, 0 for no limit. */
export function mutationsPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  if (env.MUTATIONS_PER_MINUTE === undefined || env.MUTATIONS_PER_MINUTE === '') return DEFAULT_MUTATIONS_PER_MINUTE;
  const n = Number(env.MUTATIONS_PER_MINUTE);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`MUTATIONS_PER_MINUTE must be a whole number (0: no limit), got ${JSON.stringify(env.MUTATIONS_PER_MINUTE)}`);
  return n;
}
