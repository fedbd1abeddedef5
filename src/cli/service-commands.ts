/** `serve` and `run`: the service and a matrix run without a server, on the embedded database. */
import { SingleBar, Presets } from 'cli-progress';
import { openDatabase } from '../db/database';
import { databaseUrl } from '../db/url';
import { createServices, startServer } from '../http/server';
import { startRun } from '../runs/commands';
import { NotFoundError } from '../runs/errors';
import { ensureSeedMatrices } from '../runs/seed';
import { CliError } from './input';

export async function serve(opts: { port?: string; host?: string; db?: string }): Promise<void> {
  const port = Number(opts.port ?? process.env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('INVALID_COMBINATION', `bad port ${opts.port}`, { field: 'port' });
  const running = await startServer({
    databaseUrl: databaseUrl(opts.db), port, host: opts.host ?? process.env.HOST ?? '127.0.0.1', webhookSecret: process.env.WEBHOOK_SECRET,
  });
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function runMatrix(opts: { matrix: string; db?: string }): Promise<void> {
  const db = await openDatabase(databaseUrl(opts.db));
  try {
    await ensureSeedMatrices(db);
    const { services, queue } = createServices(db);
    const started = Date.now();
    let run;
    try {
      run = await startRun(services.runDeps, opts.matrix, 'cli');
    } catch (err) {
      if (err instanceof NotFoundError) throw new CliError('INVALID_COMBINATION', err.message, { field: 'matrix' });
      throw err;
    }
    const bar = process.stderr.isTTY ? new SingleBar({ format: 'run {run} [{bar}] {percentage}% | {value}/{total} positions | ETA {eta}s', stream: process.stderr }, Presets.shades_classic) : null;
    bar?.start(run.cellsTotal, 0, { run: run.id });
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
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    if (done.status !== 'succeeded') process.exitCode = 1;
  } finally {
    await db.close();
  }
}
