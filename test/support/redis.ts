/** A Redis key prefix of its own per test, on the Redis this machine kind runs (127.0.0.1:6379), removed afterwards. */
import { Queue } from 'bullmq';
import { RUNS_QUEUE } from '../../src/runs/redis/jobs';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  prefix: string;
  /** Drops every job under the prefix, as a Redis restart would (it keeps nothing on disk here). */
  flush(): Promise<void>;
}

export function testRedis(label: string): TestRedis {
  const prefix = `vm-test-${label}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  return {
    url: REDIS_URL,
    prefix,
    async flush() {
      const queue = new Queue(RUNS_QUEUE, { connection: { url: REDIS_URL }, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
