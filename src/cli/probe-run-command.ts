/**
 * `run --matrix NAME --kernel FILE_OR_ID [--arch --linux --strategy]`: a probe run without a
 * server. Boots every probeable cell of the matrix on the kernel, prints a JSON summary last;
 * exit 1 when a boot disagrees with the engine, failed, or the run did not succeed.
 */
import { SingleBar, Presets } from 'cli-progress';
import { openDatabase } from '../db/database';
import { databaseUrl } from '../db/url';
import { createServices, DEFAULT_BOOT_TIMEOUT_SECONDS } from '../services';
import { startProbeRun } from '../runs/commands';
import { BadInputError, NotFoundError } from '../runs/errors';
import { ensureSeedMatrices } from '../runs/seed';
import { resolveKernel, type KernelOptions } from './artifact-command';
import { CliError } from './input';
import { redisPrefix, redisUrl } from './service-commands';

export interface ProbeRunOptions extends KernelOptions {
  matrix: string;
  kernel: string;
  db?: string;
  redis?: string;
  jobs?: string;
  bootTimeout?: string;
}

function positive(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError('INVALID_COMBINATION', `--${field} must be a positive integer, got ${value}`, { field });
  return n;
}

export async function probeRun(opts: ProbeRunOptions): Promise<void> {
  const probeJobs = positive(opts.jobs, 'jobs');
  const bootTimeoutSeconds = positive(opts.bootTimeout, 'boot-timeout') ?? DEFAULT_BOOT_TIMEOUT_SECONDS;
  const redis = redisUrl(opts.redis);
  const db = await openDatabase(databaseUrl(opts.db));
  // With Redis the workers boot (--jobs and --boot-timeout are theirs); without it, this process does.
  const { services, queue, probeQueue } = createServices(db, { probeJobs, bootTimeoutSeconds, redisUrl: redis, redisPrefix: redisPrefix() });
  try {
    await ensureSeedMatrices(db);
    const kernel = await resolveKernel(services.artifacts, opts.kernel, opts);
    const started = Date.now();
    let run;
    try {
      run = await startProbeRun(services.runDeps, opts.matrix, kernel.id, 'cli');
    } catch (err) {
      if (err instanceof NotFoundError) throw new CliError('NOT_FOUND', err.message, { field: err.kind });
      if (err instanceof BadInputError) throw new CliError('INVALID_COMBINATION', err.message, { field: err.field });
      throw err;
    }
    const bar = process.stderr.isTTY ? new SingleBar({ format: 'probe run {run} [{bar}] {percentage}% | {value}/{total} positions | ETA {eta}s', stream: process.stderr }, Presets.shades_classic) : null;
    bar?.start(run.cellsTotal, 0, { run: run.id });
    probeQueue.onProgress((p) => bar?.update(p.cellsDone));
    await probeQueue.idle();
    bar?.stop();
    const done = (await services.store.getRun(run.id))!;
    const booted = done.ok + done.degraded + done.broken + done.probeFailed;
    const seconds = (Date.now() - started) / 1000;
    const boots = booted + done.infraFailures + done.guestFailures;
    process.stdout.write(JSON.stringify({
      runId: done.id, kind: 'probe', matrix: done.matrixName, kernel: { id: kernel.id, arch: kernel.arch, linux: kernel.linux, strategy: kernel.strategy ?? 'as-shipped' },
      status: done.status, ...(done.error ? { error: done.error } : {}),
      booted, agree: booted - done.disagreements, disagreements: done.disagreements,
      ok: done.ok, degraded: done.degraded, broken: done.broken, probeFailed: done.probeFailed,
      infrastructureFailures: done.infraFailures, guestFailures: done.guestFailures,
      skipped: done.skipped, skippedReasons: done.skipReasons, positions: done.cellsTotal,
      seconds: Number(seconds.toFixed(2)), bootsPerMinute: Number((boots / (seconds / 60)).toFixed(1)),
    }) + '\n');
    if (done.status !== 'succeeded' || done.disagreements > 0 || done.infraFailures > 0 || done.guestFailures > 0) process.exitCode = 1;
  } finally {
    await probeQueue.close();
    await queue.close();
    await db.close();
  }
}
