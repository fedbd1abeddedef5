/** Start the real server on a temporary database (SQLite or PostgreSQL), runs in process or by a worker through Redis, and talk to it over HTTP. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, type Backend } from '../support/databases';
import { testRedis } from '../support/redis';
import { createToken } from '../../src/auth/commands';
import type { Scope } from '../../src/auth/tokens';
import { startServer, type Running } from '../../src/http/server';
import { cpus } from 'node:os';
import { findInstalled } from '../../src/probe/installed';
import { DEFAULT_BOOT_TIMEOUT_SECONDS } from '../../src/services';
import { ProbeRunWorker } from '../../src/runs/redis/probe-worker';
import { RunWorker } from '../../src/runs/redis/worker';
import { DEFAULT_LIMITS, type Limits } from '../../src/runs/limits';

/** How a test server is deployed: its store, and whether runs go to a worker through Redis. */
export interface Deployment {
  backend: Backend;
  workers: boolean;
}

export const DEPLOYMENTS: [string, Deployment][] = [
  ['SQLite, runs in process', { backend: 'sqlite', workers: false }],
  ['PostgreSQL, runs in process', { backend: 'postgresql', workers: false }],
  ['PostgreSQL, runs by a worker through Redis', { backend: 'postgresql', workers: true }],
];

export interface GqlAnswer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface TestServer extends Running {
  artifactDir: string;
  /** The server's Redis (workers: true), for a second server of the same deployment. */
  deployment: { redisUrl?: string; redisPrefix?: string };
  /** A `run` token created at start, as an operator would; gql and `auth` send it. */
  token: string;
  /** `{ authorization: 'Bearer <token>' }` for plain HTTP writes. */
  auth: { authorization: string };
  /** GraphQL with the run token. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlAnswer<T>>;
  /** GraphQL with this token, or none (null). */
  gqlAs<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlAnswer<T>>;
  /** Another token in the server's store. */
  createToken(name: string, scope: Scope): Promise<string>;
  dispose(): Promise<void>;
}

export async function startTestServer(options: {
  webhookSecret?: string; githubWebhookSecret?: string; gitlabWebhookToken?: string; seed?: boolean; backend?: Backend; workers?: boolean; maxArtifactBytes?: number;
  notify?: Parameters<typeof startServer>[0]['notify'];
  /** READS_REQUIRE_TOKEN=1: queries and GET /api/* need a read token. */
  readsRequireToken?: boolean;
  /** MUTATIONS_PER_MINUTE (default: the server's). */
  mutationsPerMinute?: number;
  /** MAX_MATRIX_POSITIONS, REQUEST_TIME_BUDGET_MS (default: the server's). */
  limits?: Partial<Limits>;
  /** Writes to the store before the server opens it (e.g. runs made by another engine). */
  prepare?: (databaseUrl: string) => Promise<void>;
  /** The server's log lines go here (default: none). */
  logger?: Parameters<typeof startServer>[0]['logger'];
} = {}): Promise<TestServer> {
  const db = await testDatabase(options.backend ?? 'sqlite', 'http');
  await options.prepare?.(db.url);
  // Kernel artifacts in a directory of the test's own, removed with it.
  const artifactDir = mkdtempSync(join(tmpdir(), 'virtio-matrix-artifacts-'));
  const redis = options.workers ? testRedis('http') : undefined;
  const running = await startServer({
    databaseUrl: db.url, port: 0, seed: options.seed ?? false, webhookSecret: options.webhookSecret,
    githubWebhookSecret: options.githubWebhookSecret, gitlabWebhookToken: options.gitlabWebhookToken, logLevel: 'silent', logger: options.logger,
    redisUrl: redis?.url, redisPrefix: redis?.prefix, artifactDir, maxArtifactBytes: options.maxArtifactBytes, notify: options.notify,
    access: { reads: options.readsRequireToken ? 'read' : null, writes: 'run' }, mutationsPerMinute: options.mutationsPerMinute,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  });
  // The worker shares the server's store connection; in production it is a process of its own.
  const worker = redis ? new RunWorker(running.services.store, { redisUrl: redis.url, prefix: redis.prefix }) : undefined;
  // Probe runs go to a worker too, booting from the same artifact directory (shared, as in production).
  const probeWorker = redis
    ? new ProbeRunWorker({
      store: running.services.store, artifacts: running.services.artifacts.artifacts, blobs: running.services.artifacts.blobs,
      installed: () => findInstalled(), concurrency: cpus().length, bootTimeoutSeconds: DEFAULT_BOOT_TIMEOUT_SECONDS,
    }, { redisUrl: redis.url, prefix: redis.prefix })
    : undefined;
  const newToken = async (name: string, scope: Scope) => (await createToken(running.services.tokens, { name, scope })).token;
  const token = await newToken('test-run', 'run');
  const gqlAs = async <T>(as: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlAnswer<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as !== null) headers.authorization = `Bearer ${as}`;
    const res = await fetch(`${running.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { status: res.status, ...((await res.json()) as object) };
  };
  return {
    ...running,
    token,
    auth: { authorization: `Bearer ${token}` },
    gql: (query, variables) => gqlAs(token, query, variables),
    gqlAs,
    createToken: newToken,
    deployment: { redisUrl: redis?.url, redisPrefix: redis?.prefix },
    async dispose() {
      await worker?.close();
      await probeWorker?.close();
      await running.close();
      await redis?.flush();
      await db.drop();
      rmSync(artifactDir, { recursive: true, force: true });
    },
    artifactDir,
  };
}

export const SMALL_MATRIX = {
  name: 'small',
  description: 'two archs, blk and net, around the 2021 fix',
  archs: ['x86_64', 's390x'],
  transports: ['pci', 'ccw'],
  devices: ['blk', 'net'],
  modes: ['legacy', 'transitional'],
  hypervisors: ['qemu-6.1'],
  kernels: ['5.14', '5.15'],
  strategies: ['pre-fix', 'write-back', 'ack-all'],
  config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};
