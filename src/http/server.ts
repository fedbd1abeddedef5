/**
 * The HTTP server: open the store (migrations applied), take the services from the composition
 * root, seed, resume unfinished runs, start Apollo and the HTTP app. `virtio-matrix serve` and the
 * tests start it here.
 */
import type { Server } from 'node:http';
import pino from 'pino';
import { watchRunLog } from '../runs/run-log';
import { RunNotifier, type NotifyOptions } from '../notify/run-notifier';
import { openDatabase, waitingForStore, type Database } from '../db/database';
import { createServices } from '../composition';
import type { AccessPolicy } from '../auth/policy';
import { redact } from '../db/redact';
import { DEFAULT_DATABASE_URL } from '../db/url';
import type { Services } from '../graphql/context';
import { createApolloServer } from '../graphql/server';
import { resumeUnfinishedRuns } from '../runs/commands';
import type { RunQueue } from '../runs/types';
import type { Limits } from '../runs/limits';
import { ensureSeedMatrices } from '../matrices/seed';
import { createApp } from './app';

/** How long requests in flight may take to finish once the server is closing. */
export const CLOSE_GRACE_MS = 5_000;

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  webhookSecret?: string;
  /** GITHUB_WEBHOOK_SECRET and GITLAB_WEBHOOK_TOKEN: /webhooks/github and /webhooks/gitlab answer 503 without them. */
  githubWebhookSecret?: string;
  gitlabWebhookToken?: string;
  /** Runs go to `virtio-matrix worker` processes through this Redis; unset: they run in this process. */
  redisUrl?: string;
  /** Redis key prefix (tests). */
  redisPrefix?: string;
  artifactDir?: string;
  maxArtifactBytes?: number;
  /** Seed be-config-2021 (default true). */
  seed?: boolean;
  logLevel?: string;
  /** Where the log lines go (default: pino on stdout at logLevel); tests pass a logger of their own. */
  logger?: pino.Logger;
  /** Default: DEFAULT_LIMITS (the CLI reads MAX_MATRIX_POSITIONS). */
  limits?: Limits;
  /** Signed notifications when a run ends (the CLI reads NOTIFY_URL and NOTIFY_SECRET). */
  notify?: Omit<NotifyOptions, 'log'>;
  /** Default: reads open, writes need a run token (the CLI reads READS_REQUIRE_TOKEN). */
  access?: AccessPolicy;
  /** Mutations per token per minute, 0 for no limit (default 120; the CLI reads MUTATIONS_PER_MINUTE). */
  mutationsPerMinute?: number;
}

export interface Running {
  url: string;
  server: Server;
  /** The open store (for operations and tests; the API reaches it through `services`' ports). */
  db: Database;
  services: Services;
  queue: RunQueue;
  probeQueue: RunQueue;
  notifier: RunNotifier | null;
  close(): Promise<void>;
}

/** How `token create` finds this server's store, for the first-use hint. */
function storeOption(databaseUrl: string): string {
  if (databaseUrl === DEFAULT_DATABASE_URL) return '';
  return databaseUrl.startsWith('file:') ? ` --db ${databaseUrl.slice('file:'.length)}` : ' (with this DATABASE_URL)';
}

export async function startServer(options: StartOptions): Promise<Running> {
  const log = options.logger ?? pino({ level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info' });
  const db = await openDatabase(options.databaseUrl, { onWait: waitingForStore(log) });
  const { services, queue, probeQueue } = createServices(db, {
    redisUrl: options.redisUrl, redisPrefix: options.redisPrefix, onError: (err) => log.error({ err }, 'run error'),
    onLimiterError: (err) => log.warn({ err }, 'Redis unreachable: mutations are counted per process until it is back'),
    artifactDir: options.artifactDir, maxArtifactBytes: options.maxArtifactBytes,
  }, options.limits, options.access, options.mutationsPerMinute);
  if (options.seed !== false) await ensureSeedMatrices(services.matrices);
  queue.onProgress((p) => {
    log.debug(p, 'run progress');
    // At run end, load its grid and plan once, so the first diff or cells query does not pay for it
    // (a run this process ran itself was handed over already, and is served from that).
    if (p.status === 'succeeded') services.views.view(p.runId).catch((err) => log.warn({ err }, 'could not warm the run view'));
  });
  const notifier = options.notify ? new RunNotifier((id) => services.store.getRun(id), { ...options.notify, log: (event, fields) => log.info(fields, event) }) : null;
  watchRunLog(queue, (id) => services.store.getRun(id), log);
  watchRunLog(probeQueue, (id) => services.store.getRun(id), log);
  notifier?.watch(queue);
  notifier?.watch(probeQueue);
  // Grids of the latest finished runs, loaded in the background so the first diff after a restart is fast.
  void services.store.listRuns(null, 3, null).then(async ({ items }) => {
    for (const run of items.filter((r) => r.status === 'succeeded')) await services.views.view(run.id);
  }).catch((err) => log.warn({ err }, 'could not warm run views'));
  const resumed = await resumeUnfinishedRuns(services.runDeps);
  if (resumed.length) log.info({ runs: resumed }, 'resumed unfinished runs');
  const apollo = createApolloServer((err) => log.error({ err }, 'graphql internal error'));
  await apollo.start();
  const app = createApp(services, apollo, {
    webhookSecret: options.webhookSecret, githubSecret: options.githubWebhookSecret, gitlabToken: options.gitlabWebhookToken,
    log: (err) => log.error({ err }, 'http internal error'),
    events: log,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port, options.host ?? '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  log.info({ url, database: redact(options.databaseUrl), runs: options.redisUrl ? `workers via ${redact(options.redisUrl)}` : 'in process', readsRequireToken: services.access.reads !== null, mutationsCounted: services.writeLimiter.scope, storeCheck: db.check }, 'virtio-matrix listening');
  if ((await services.tokens.count()) === 0) {
    log.warn(`no API tokens yet: mutations and uploads are refused (401) until you create one, e.g. npx virtio-matrix token create --name admin --scope admin${storeOption(options.databaseUrl)}`);
  }
  return {
    url,
    server,
    db,
    services,
    queue,
    probeQueue,
    notifier,
    /** Stop accepting, let requests in flight finish (cut after CLOSE_GRACE_MS), stop the runs, close the store. */
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
      // In process: the shard in hand commits, the rest is resumed at the next start.
      await queue.close();
      await probeQueue.close();
      await apollo.stop();
      await services.writeLimiter.close();
      await db.close();
    },
  };
}
