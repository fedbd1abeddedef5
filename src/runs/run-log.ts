/**
 * Log lines for a run's life: started (its first shard begins), finished (succeeded or cancelled,
 * with its counts) and failed (with the error), once each per run this process sees.
 */
import type { RunProgress, RunQueue, RunRecord } from './types';

/** What pino's logger offers (and a test can record). */
export interface EventLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

const ENDED = new Set<RunProgress['status']>(['succeeded', 'failed', 'cancelled']);

export function runFields(run: RunRecord) {
  return { runId: run.id, matrix: run.matrixName, kind: run.kind, trigger: run.trigger };
}

export function runCounts(run: RunRecord) {
  const seconds = run.startedAt && run.finishedAt ? Number(((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(2)) : null;
  return {
    status: run.status, positions: run.cellsTotal, done: run.cellsDone,
    ok: run.ok, degraded: run.degraded, broken: run.broken, probeFailed: run.probeFailed, skipped: run.skipped,
    ...(run.kind === 'probe' ? { disagreements: run.disagreements, infraFailures: run.infraFailures, guestFailures: run.guestFailures } : {}),
    seconds,
  };
}

/** The log line for a run that ended, as it is stored. */
export function logRunEnd(log: EventLog, run: RunRecord): void {
  if (run.status === 'failed') log.error({ ...runFields(run), ...runCounts(run), error: run.error }, 'run failed');
  else log.info({ ...runFields(run), ...runCounts(run) }, run.status === 'cancelled' ? 'run cancelled' : 'run finished');
}

export function watchRunLog(queue: RunQueue, getRun: (id: string) => Promise<RunRecord | null>, log: EventLog): void {
  const started = new Set<string>();
  const ended = new Set<string>();
  const withRun = (id: string, fn: (run: RunRecord) => void) => {
    getRun(id).then((run) => run && fn(run)).catch((err) => log.warn({ err, runId: id }, 'could not read the run to log it'));
  };
  queue.onProgress((p) => {
    if (p.status === 'running' && !started.has(p.runId)) {
      started.add(p.runId);
      withRun(p.runId, (run) => log.info({ ...runFields(run), positions: run.cellsTotal, resumedAt: p.cellsDone || undefined }, 'run started'));
    } else if (ENDED.has(p.status) && !ended.has(p.runId)) {
      ended.add(p.runId);
      started.delete(p.runId);
      withRun(p.runId, (run) => logRunEnd(log, run));
    }
  });
}
