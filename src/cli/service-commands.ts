/** `serve`, `run` and `worker`: the service, a matrix run without a server, and a scale-out worker. */
import { SingleBar, Presets } from 'cli-progress';
import pino from 'pino';
import { accessPolicy } from '../auth/policy';
import { openDatabase, waitingForStore } from '../db/database';
import { databaseUrl } from '../db/url';
import { notifyFromEnv } from '../notify/run-notifier';
import { mutationsPerMinute } from '../auth/write-limit';
import { cpus } from 'node:os';
import { BlobDirectory } from '../artifacts/blob-dir';
import { artifactDir } from '../db/artifacts';
import { findInstalled } from '../probe/installed';
import { redact } from '../db/redact';
import { DEFAULT_BOOT_TIMEOUT_SECONDS, createServices, storesOf } from '../composition';
import { redisConnection } from '../runs/redis/jobs';
import { startOrResumeRun } from '../runs/commands';
import { limitsFromEnv, type Limits } from '../runs/limits';
import type { ShardThreads } from '../runs/shard-threads';
import type { VerdictCounts } from '../runs/types';
import { ensureSeedMatrices } from '../matrices/seed';
import { isProposed } from '../engine';
import { CliError, cliErrorOf } from './input';
import { stopOnSignals } from './stop-signals';

export function redisUrl(option?: string): string | undefined {
  const url = option ?? process.env.REDIS_URL;
  if (url) {
    try {
      redisConnection(url); // the queue's own check, reported as bad input
    } catch (err) {
      throw new CliError('BAD_USER_INPUT', (err as Error).message, { field: 'redis' });
    }
  }
  return url || undefined;
}

function limits(): Limits {
  try {
    return limitsFromEnv();
  } catch (err) {
    throw cliErrorOf(err);
  }
}

/** Several deployments can share one Redis under different key prefixes (BullMQ's default: bull). */
export const redisPrefix = () => process.env.REDIS_PREFIX || undefined;

/** MUTATIONS_PER_MINUTE, as a usage error when it is not a whole number. */
function writeLimit(): number {
  try {
    return mutationsPerMinute();
  } catch (err) {
    throw cliErrorOf(err);
  }
}

/** NOTIFY_URL and NOTIFY_SECRET, as a usage error when only one is set or the secret is not whsec_…. */
function notify() {
  try {
    return notifyFromEnv();
  } catch (err) {
    throw new CliError('BAD_USER_INPUT', (err as Error).message, { field: 'NOTIFY_URL' });
  }
}

export async function serve(opts: { port?: string; host?: string; db?: string; redis?: string }): Promise<void> {
  const port = Number(opts.port ?? process.env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('BAD_USER_INPUT', `bad port ${opts.port}`, { field: 'port' });
  const { startServer } = await import('../http/server');
  const starting = startServer({
    databaseUrl: databaseUrl(opts.db), port, host: opts.host ?? process.env.HOST ?? '127.0.0.1', webhookSecret: process.env.WEBHOOK_SECRET,
    githubWebhookSecret: process.env.GITHUB_WEBHOOK_SECRET || undefined, gitlabWebhookToken: process.env.GITLAB_WEBHOOK_TOKEN || undefined,
    redisUrl: redisUrl(opts.redis), redisPrefix: redisPrefix(), limits: limits(), notify: notify() ?? undefined, access: accessPolicy(), mutationsPerMinute: writeLimit(),
  });
  // Handled from the start: a signal during migrations or the resume of runs stops once started.
  stopOnSignals(async () => (await starting).close(), pino({ level: process.env.LOG_LEVEL ?? 'info' }));
  await starting;
}

/** `run --fail-on`: which verdicts fail a CI job. */
const FAIL_ON = {
  broken: (c: VerdictCounts) => c.broken + c.probeFailed,
  degraded: (c: VerdictCounts) => c.degraded + c.broken + c.probeFailed,
} as const;

function failOn(option: string | undefined): keyof typeof FAIL_ON | undefined {
  if (option === undefined) return undefined;
  if (option in FAIL_ON) return option as keyof typeof FAIL_ON;
  throw new CliError('BAD_USER_INPUT', `--fail-on takes ${Object.keys(FAIL_ON).join(' or ')}, not "${option}"`, { field: 'fail-on' });
}

/** `threads`: shard threads the command started before loading this module (cli/early-threads.ts); default: started here. */
export async function runMatrix(opts: { matrix: string; db?: string; redis?: string; failOn?: string }, threads?: ShardThreads | null): Promise<void> {
  const failWhen = failOn(opts.failOn);
  const redis = redisUrl(opts.redis);
  const db = await openDatabase(databaseUrl(opts.db));
  // The command reads nothing back but the run's counters: no view of it is kept.
  const { services, queue, probeQueue } = createServices(db, { redisUrl: redis, redisPrefix: redisPrefix(), threads, keepViews: false }, limits());
  try {
    await ensureSeedMatrices(services.matrices);
    // The threads plan the matrix while its run is created (a run with user patches brings its own plan).
    const matrix = threads && !redis ? await services.matrices.byName(opts.matrix) : null;
    if (matrix && ![...matrix.spec.kernels, ...matrix.spec.hypervisors].some(isProposed)) threads!.prepare({ spec: matrix.spec });
    const started = Date.now();
    let run;
    let resumed = false;
    try {
      const begun = await startOrResumeRun(services.runDeps, opts.matrix, 'cli');
      run = begun.run;
      resumed = begun.resumed;
      if (resumed) {
        process.stderr.write(`resuming run ${run.id} of matrix "${run.matrixName}" (${run.status}, ${run.cellsDone}/${run.cellsTotal} positions done), left unfinished by an earlier run of this command\n`);
      }
    } catch (err) {
      throw cliErrorOf(err);
    }
    const bar = process.stderr.isTTY ? new SingleBar({ format: 'run {run} [{bar}] {percentage}% | {value}/{total} positions | ETA {eta}s', stream: process.stderr }, Presets.shades_classic) : null;
    bar?.start(run.cellsTotal, run.cellsDone, { run: run.id });
    queue.onProgress((p) => bar?.update(p.cellsDone));
    await queue.idle();
    bar?.stop();
    const done = (await services.store.getRun(run.id))!;
    const summary = {
      runId: done.id,
      matrix: done.matrixName,
      status: done.status,
      cells: done.ok + done.degraded + done.broken + done.probeFailed,
      ok: done.ok,
      degraded: done.degraded,
      broken: done.broken,
      probeFailed: done.probeFailed,
      skipped: done.skipped,
      positions: done.cellsTotal,
      seconds: Number(((Date.now() - started) / 1000).toFixed(2)),
      ...(resumed ? { resumed: true } : {}),
      ...(failWhen ? { failOn: failWhen, failing: FAIL_ON[failWhen](done) } : {}),
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    if (done.status !== 'succeeded' || (failWhen && FAIL_ON[failWhen](done) > 0)) process.exitCode = 1;
  } finally {
    await queue.close();
    await probeQueue.close();
    await db.close();
  }
}

/**
 * Until SIGINT or SIGTERM: take shard jobs from Redis, commit them to the store; finish the jobs in
 * hand on stop. Until its first job it warms the engine up on throwaway cells. Engine shards two in flight (--concurrency); probe shards booting up to
 * --concurrency guests at once (default: the cores), when the probe dependencies are installed here.
 */
export async function worker(opts: { db?: string; redis?: string; concurrency?: string }): Promise<void> {
  const redis = redisUrl(opts.redis);
  if (!redis) throw new CliError('BAD_USER_INPUT', 'a worker needs REDIS_URL (or --redis)', { field: 'redis' });
  const given = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
  if (given !== undefined && (!Number.isInteger(given) || given < 1)) throw new CliError('BAD_USER_INPUT', `bad concurrency ${opts.concurrency}`, { field: 'concurrency' });
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const url = databaseUrl(opts.db);
  const db = await openDatabase(url, { onWait: waitingForStore(log) });
  // Here, not at the top: `run` and `serve` without Redis never load BullMQ.
  const { ENGINE_JOBS_AT_ONCE, RunWorker } = await import('../runs/redis/worker');
  const concurrency = given ?? ENGINE_JOBS_AT_ONCE;
  const { ProbeRunWorker } = await import('../runs/redis/probe-worker');
  const onJob = (kind: string) => (event: { name: string; outcome: string }) => log.info({ kind, ...event }, `${kind} ${event.name} ${event.outcome}`);
  const onError = (err: unknown) => log.error({ err }, 'worker error');
  const stores = storesOf(db);
  const runWorker = new RunWorker(stores.runs, { redisUrl: redis, prefix: redisPrefix(), concurrency, onJob: onJob('engine'), onError });
  // Probe shards only where guests can boot; their kernel files come from the shared ARTIFACT_DIR.
  const installed = findInstalled();
  const boots = given ?? cpus().length;
  const artifacts = artifactDir(url);
  const probeWorker = installed
    ? new ProbeRunWorker({
      store: stores.runs, artifacts: stores.artifacts, blobs: new BlobDirectory(artifacts), installed: () => findInstalled(),
      concurrency: boots, bootTimeoutSeconds: DEFAULT_BOOT_TIMEOUT_SECONDS,
    }, { redisUrl: redis, prefix: redisPrefix(), onJob: onJob('probe'), onError })
    : null;
  await runWorker.ready();
  await probeWorker?.ready();
  log.info({
    database: redact(url), redis: redact(redis), concurrency,
    probes: probeWorker ? { boots, artifactDir: artifacts, probeDir: installed!.dir } : 'not taken: the probe dependencies are not installed here (scripts/install-probe-deps.sh, or PROBE_DIR)',
  }, 'virtio-matrix worker ready');
  // Engine code optimised before the first run instead of during it; a job arriving stops it.
  void runWorker.warmUp().then(
    (warm) => log.info({ ...warm, ms: Math.round(warm.ms) }, warm.stoppedBecause ? `engine warm-up stopped: ${warm.stoppedBecause}` : 'engine warmed up'),
    (err: unknown) => log.error({ err }, 'engine warm-up failed'),
  );
  stopOnSignals(async () => {
    log.info('worker stopping after the jobs in hand');
    await Promise.all([runWorker.close(), probeWorker?.close()]);
    await db.close();
  }, log);
}
