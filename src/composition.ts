/**
 * The composition root: the one place the store's implementations and the run queues are chosen
 * and the domain's ports wired to them. Entry points (serve, the CLI commands, the worker, the
 * bench, tests) take their stores, queues and use-case dependencies from here, never from each other.
 */
import { cpus } from 'node:os';
import { BlobDirectory } from './artifacts/blob-dir';
import { maxArtifactBytes } from './artifacts/register';
import { OPEN_READS, type AccessPolicy } from './auth/policy';
import { DEFAULT_MUTATIONS_PER_MINUTE, WriteLimiter } from './auth/write-limit';
import { SqlArtifactStore, artifactDir } from './db/artifacts';
import type { Database } from './db/database';
import { SqlMatrixStore } from './db/matrices';
import { SqlProbeRunStore } from './db/probe-runs';
import { SqlRetentionStore } from './db/retention';
import { SqlTokenStore } from './db/tokens';
import { SqlUserPatchStore } from './db/user-patches';
import type { ArtifactStore } from './artifacts/types';
import type { TokenStore } from './auth/tokens';
import type { MatrixStore } from './matrices/types';
import type { Services } from './graphql/context';
import { findInstalled } from './probe/installed';
import type { RunDeps } from './runs/commands';
import { InProcessRunQueue } from './runs/in-process-queue';
import type { ShardThreads } from './runs/shard-threads';
import { DEFAULT_LIMITS, type Limits } from './runs/limits';
import { InProcessProbeQueue } from './runs/probe/queue';
import type { ProbeRunStore } from './runs/probe/types';
import type { RetentionStore } from './runs/retention';
import type { RunQueue } from './runs/types';
import type { UserPatchStore } from './what-if/types';
import { RunViews } from './runs/views';
import type { MatrixPlan } from './engine';

/** Every port the domain has, on one open store. */
export interface Stores {
  matrices: MatrixStore;
  runs: ProbeRunStore;
  retention: RetentionStore;
  tokens: TokenStore;
  artifacts: ArtifactStore;
  userPatches: UserPatchStore;
}

export function storesOf(db: Database): Stores {
  return {
    matrices: new SqlMatrixStore(db),
    runs: new SqlProbeRunStore(db),
    retention: new SqlRetentionStore(db),
    tokens: new SqlTokenStore(db),
    artifacts: new SqlArtifactStore(db),
    userPatches: new SqlUserPatchStore(db),
  };
}

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
  /** Shard threads for in-process runs, when the caller started them already (default: started here, one per core). */
  threads?: ShardThreads | null;
  /**
   * Runs executed here hand their grid to the read side as they succeed (default true): the
   * server's first reads of a run need not load it. A process that reads nothing back (the CLI's
   * `run`) skips building the view.
   */
  keepViews?: boolean;
}

export const DEFAULT_BOOT_TIMEOUT_SECONDS = 120;

export function createServices(db: Database, choice: QueueChoice = {}, limits: Limits = DEFAULT_LIMITS, access: AccessPolicy = OPEN_READS, mutationsPerMinute = DEFAULT_MUTATIONS_PER_MINUTE): { services: Services; queue: RunQueue; probeQueue: RunQueue } {
  const stores = storesOf(db);
  const store = stores.runs;
  // Runs executed here hand their grid to the views as they succeed; the workers' runs are loaded from the store.
  const views = new RunViews(store);
  const succeeded = choice.keepViews === false ? undefined : (runId: string, grid: Uint8Array, plan: MatrixPlan) => views.prepare(runId, grid, plan);
  // BullMQ is loaded only with Redis: an in-process run (the CLI's) does not pay for loading it.
  const redis = choice.redisUrl ? { ...(require('./runs/redis/queue') as typeof import('./runs/redis/queue')), ...(require('./runs/redis/probe-flow') as typeof import('./runs/redis/probe-flow')) } : null;
  const q: RunQueue = redis
    ? new redis.RedisRunQueue(store, { redisUrl: choice.redisUrl!, prefix: choice.redisPrefix })
    : new InProcessRunQueue(store, { onError: choice.onError, threads: choice.threads, succeeded });
  const artifacts = stores.artifacts;
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
    store, queue: q, matrixByName: (name) => stores.matrices.byName(name), limits,
    probe: {
      store, artifacts, queue: probeQueue,
      unavailable: () => (findInstalled() ? null : 'the probe dependencies are not installed (scripts/install-probe-deps.sh, or PROBE_DIR)'),
    },
  };
  return {
    services: { profileHash: db.profileHash, matrices: stores.matrices, store, runDeps, retention: stores.retention, views, limits, tokens: stores.tokens, userPatches: stores.userPatches, access, writeLimiter: new WriteLimiter(mutationsPerMinute, choice.redisUrl ? { redisUrl: choice.redisUrl, prefix: choice.redisPrefix, onError: choice.onLimiterError } : undefined), artifacts: { artifacts, blobs, maxBytes: choice.maxArtifactBytes ?? maxArtifactBytes() } },
    queue: q, probeQueue,
  };
}

