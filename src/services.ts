/**
 * The composition root: the run store, queues and use-case dependencies over an open store.
 * The HTTP server, the CLI's `run` and the benches build their services here; it loads no
 * Apollo and no Express, so a command that needs none of them does not pay for loading them.
 */
import { cpus } from 'node:os';
import { OPEN_READS, type AccessPolicy } from './auth/policy';
import { DEFAULT_MUTATIONS_PER_MINUTE, WriteLimiter } from './auth/write-limit';
import { BlobDirectory } from './artifacts/blob-dir';
import { maxArtifactBytes } from './artifacts/register';
import { SqlArtifactStore, artifactDir } from './db/artifacts';
import type { Database } from './db/database';
import { matrixByName } from './db/matrices';
import { SqlProbeRunStore } from './db/probe-runs';
import { SqlRetentionStore } from './db/retention';
import { SqlTokenStore } from './db/tokens';
import type { Services } from './graphql/context';
import { findInstalled } from './probe/installed';
import type { RunDeps } from './runs/commands';
import { InProcessRunQueue } from './runs/in-process-queue';
import { DEFAULT_LIMITS, type Limits } from './runs/limits';
import { InProcessProbeQueue } from './runs/probe/queue';
import type { RunQueue } from './runs/types';
import { RunViews } from './runs/views';

export interface QueueChoice {
  redisUrl?: string;
  redisPrefix?: string;
  onError?: (err: unknown) => void;
  /** Redis unreachable for the mutation count (counted per process meanwhile). */
  onLimiterError?: (err: Error) => void;
  /** Kernel artifacts' bytes (default: ARTIFACT_DIR, else artifacts/ beside the store) and their size limit (default: ARTIFACT_MAX_BYTES or 64 MiB). */
  artifactDir?: string;
  maxArtifactBytes?: number;
  /** Probe runs booted here (no Redis): guests booted at once (default: the cores) and seconds each may take (default 120). */
  probeJobs?: number;
  bootTimeoutSeconds?: number;
}

export const DEFAULT_BOOT_TIMEOUT_SECONDS = 120;

export function createServices(db: Database, choice: QueueChoice = {}, limits: Limits = DEFAULT_LIMITS, access: AccessPolicy = OPEN_READS, mutationsPerMinute = DEFAULT_MUTATIONS_PER_MINUTE): { services: Services; queue: RunQueue; probeQueue: RunQueue } {
  const store = new SqlProbeRunStore(db);
  // BullMQ is required only with Redis: an in-process run (the CLI's) does not pay for loading it.
  const redis = choice.redisUrl ? { ...(require('./runs/redis/queue') as typeof import('./runs/redis/queue')), ...(require('./runs/redis/probe-flow') as typeof import('./runs/redis/probe-flow')) } : null;
  const q: RunQueue = redis
    ? new redis.RedisRunQueue(store, { redisUrl: choice.redisUrl!, prefix: choice.redisPrefix })
    : new InProcessRunQueue(store, { onError: choice.onError });
  const artifacts = new SqlArtifactStore(db);
  const blobs = new BlobDirectory(choice.artifactDir ?? artifactDir(db.url));
  const probeDeps = {
    store, artifacts, blobs, installed: () => findInstalled(),
    concurrency: choice.probeJobs ?? cpus().length, bootTimeoutSeconds: choice.bootTimeoutSeconds ?? DEFAULT_BOOT_TIMEOUT_SECONDS,
  };
  // Probe runs go where engine runs go: to the workers (which boot them, the artifact directory
  // shared with them), or booted on this machine. Either way this process plans them.
  const probeQueue: RunQueue = redis
    ? new redis.RedisRunQueue(store, { redisUrl: choice.redisUrl!, prefix: choice.redisPrefix }, redis.probeFlow(probeDeps))
    : new InProcessProbeQueue(probeDeps, choice.onError);
  const runDeps: RunDeps = {
    store, queue: q, matrixByName: (name) => matrixByName(db, name), limits,
    probe: {
      store, artifacts, queue: probeQueue,
      unavailable: () => (findInstalled() ? null : 'the probe dependencies are not installed (scripts/install-probe-deps.sh, or PROBE_DIR)'),
    },
  };
  return {
    services: { db, store, runDeps, retention: new SqlRetentionStore(db), views: new RunViews(store), limits, tokens: new SqlTokenStore(db), access, writeLimiter: new WriteLimiter(mutationsPerMinute, choice.redisUrl ? { redisUrl: choice.redisUrl, prefix: choice.redisPrefix, onError: choice.onLimiterError } : undefined), artifacts: { artifacts, blobs, maxBytes: choice.maxArtifactBytes ?? maxArtifactBytes() } },
    queue: q, probeQueue,
  };
}

