/** Write use cases for runs: start one for a matrix, cancel one, resume what a restart interrupted. */
import type { ArtifactStore } from '../artifacts/types';
import { isProposed } from '../engine';
import { BadInputError, NotFoundError } from './errors';
import { DEFAULT_LIMITS, runPositionsProblem, type Limits } from './limits';
import { ProbeRunUnavailable } from './probe/execute';
import { planShards } from './shard-plan';
import type { ProbeRunStore } from './probe/types';
import type { MatrixRecord } from '../matrices/types';
import type { DeliveredRun, Delivery, RunKind, RunQueue, RunRecord, RunStore } from './types';

/** Probe runs: real boots of a kernel artifact, on a queue of their own. */
export interface ProbeRunDeps {
  store: Pick<ProbeRunStore, 'createProbeRun'>;
  artifacts: ArtifactStore;
  queue: RunQueue;
  /** Why this service cannot boot guests (no probe installation), or null. */
  unavailable(): string | null;
}

export interface RunDeps {
  store: RunStore;
  matrixByName(name: string): Promise<MatrixRecord | null>;
  queue: RunQueue;
  probe?: ProbeRunDeps;
  /** Default: DEFAULT_LIMITS. */
  limits?: Limits;
}

/** The queue that executes runs of a kind; a probe run where none is configured cannot run here. */
function queueFor(deps: RunDeps, kind: RunKind): RunQueue | null {
  return kind === 'probe' ? deps.probe?.queue ?? null : deps.queue;
}

async function enqueueOrFail(deps: RunDeps, queue: RunQueue, run: RunRecord): Promise<RunRecord> {
  try {
    await queue.enqueue(run.id);
  } catch (err) {
    // Not left queued with nothing behind it: the run says why it never started.
    await deps.store.finishRun(run.id, 'failed', null, `could not enqueue: ${(err as Error).message}`);
    throw err;
  }
  return run;
}

export async function startRun(deps: RunDeps, matrixName: string, trigger: string): Promise<RunRecord> {
  const matrix = await runnableMatrix(deps, matrixName);
  return enqueueOrFail(deps, deps.queue, await deps.store.createRun(matrix, trigger, planShards(matrix.positions)));
}

/**
 * A run of the matrix by this trigger, or the one it left unfinished (interrupted, killed): that
 * run is queued again and continues from its shards not done, with the spec it started with.
 */
export async function startOrResumeRun(deps: RunDeps, matrixName: string, trigger: string): Promise<{ run: RunRecord; resumed: boolean }> {
  const matrix = await runnableMatrix(deps, matrixName);
  const unfinished = await deps.store.unfinishedRunOf(matrix.id, trigger);
  if (unfinished) {
    await deps.queue.enqueue(unfinished.id);
    return { run: unfinished, resumed: true };
  }
  return { run: await enqueueOrFail(deps, deps.queue, await deps.store.createRun(matrix, trigger, planShards(matrix.positions))), resumed: false };
}

/**
 * A run for a webhook delivery: an engine run, or with `probe` a probe run of that kernel
 * artifact. A delivery id already stored for its source (a redelivery, a replayed request)
 * answers with the first delivery's run and starts nothing, whatever has changed since. A run that cannot be queued fails and
 * gives its delivery id back, so redelivering tries again.
 */
export async function startDeliveredRun(deps: RunDeps, matrixName: string, trigger: string, delivery: Delivery, probe?: { kernel: string }): Promise<DeliveredRun> {
  // First: what was true when the first delivery came (its matrix, kernel, probe setup) may not be now.
  const earlier = await deps.store.runOfDelivery(delivery.source, delivery.deliveryId);
  if (earlier) return { run: earlier, duplicate: true };
  const matrix = await runnableMatrix(deps, matrixName);
  const kernelId = probe ? await probeRunKernel(deps, matrix, probe.kernel) : null;
  const delivered = await deps.store.createDeliveredRun(matrix, trigger, delivery, kernelId === null ? planShards(matrix.positions) : [], kernelId);
  if (delivered.duplicate) return delivered;
  try {
    return { run: await enqueueOrFail(deps, queueFor(deps, delivered.run.kind)!, delivered.run), duplicate: false };
  } catch (err) {
    await deps.store.releaseDelivery(delivered.run.id);
    throw err;
  }
}

/** A matrix stored before the limit (or under a higher one) is kept, but not run. */
async function runnableMatrix(deps: RunDeps, matrixName: string): Promise<MatrixRecord> {
  const matrix = await deps.matrixByName(matrixName);
  if (!matrix) throw new NotFoundError('matrix', matrixName);
  const tooMany = runPositionsProblem(matrix.positions, deps.limits ?? DEFAULT_LIMITS);
  if (tooMany) throw new BadInputError('matrix', `"${matrix.name}" has ${tooMany}, so it cannot be run: create a smaller matrix`);
  return matrix;
}

/** Probe runs boot released software: proposed patches exist only in the engine. */
function refuseProposedValues(matrix: MatrixRecord): void {
  const proposed = [...matrix.spec.kernels, ...matrix.spec.hypervisors].filter(isProposed);
  if (proposed.length > 0) throw new BadInputError('matrix', `"${matrix.name}" applies proposed patches (${proposed.join(', ')}), which exist only in the engine: probe runs boot released software; run it as an engine run`);
}

/**
 * The artifact a probe run of `matrix` boots, when this service can boot it and the matrix names
 * released software only; refused before anything is stored (a webhook's ping asks it too).
 */
export async function probeRunKernel(deps: RunDeps, matrix: MatrixRecord, kernelId: string): Promise<string> {
  refuseProposedValues(matrix);
  if (!deps.probe) throw new BadInputError('probe', 'probe runs cannot start here: this service has no probe runner');
  const kernel = await deps.probe.artifacts.getKernel(kernelId);
  if (!kernel) throw new NotFoundError('kernel', kernelId);
  const unavailable = deps.probe.unavailable();
  if (unavailable) throw new BadInputError('probe', `probe runs cannot start here: ${unavailable}`);
  return kernel.id;
}

/** A run of real boots: every probeable cell of the matrix booted on the kernel artifact `kernelId`. */
export async function startProbeRun(deps: RunDeps, matrixName: string, kernelId: string, trigger: string): Promise<RunRecord> {
  const matrix = await runnableMatrix(deps, matrixName);
  const kernel = await probeRunKernel(deps, matrix, kernelId);
  return enqueueOrFail(deps, deps.probe!.queue, await deps.probe!.store.createProbeRun(matrix, trigger, kernel));
}

/** Cancelling a finished run changes nothing and returns it as it is. */
export async function cancelRun(deps: RunDeps, id: string): Promise<RunRecord> {
  const run = await deps.store.getRun(id);
  if (!run) throw new NotFoundError('run', id);
  const queue = queueFor(deps, run.kind);
  if (queue && (run.status === 'queued' || run.status === 'running')) {
    await queue.cancel(id);
    if (run.status === 'queued') await deps.store.finishRun(id, 'cancelled', null);
  }
  return (await deps.store.getRun(id))!;
}

/** After a crash or restart: queue every run that was queued or running; done shards are kept. */
export async function resumeUnfinishedRuns(deps: RunDeps): Promise<string[]> {
  const ids = await deps.store.unfinishedRunIds('engine');
  for (const id of ids) await deps.queue.enqueue(id);
  if (deps.probe) {
    const probes = await deps.store.unfinishedRunIds('probe');
    for (const id of probes) {
      try {
        await deps.probe.queue.enqueue(id);
      } catch (err) {
        // Its artifact or the probe installation is gone (planning it for workers failed): the
        // run says why, and the other runs still resume. Anything else (Redis down) is thrown.
        if (!(err instanceof ProbeRunUnavailable)) throw err;
        await deps.store.finishRun(id, 'failed', null, `could not resume: ${(err as Error).message}`);
      }
    }
    ids.push(...probes);
  }
  return ids;
}
