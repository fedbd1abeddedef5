/**
 * Execute a probe run: boot every probeable cell of the run's matrix on its kernel artifact,
 * up to `concurrency` guests at once (each is one TCG thread), and commit each cell as it ends,
 * so progress is visible and a restart boots only the cells not yet stored. The steps (find the
 * kernel's file, boot and commit cells) are shared with the Redis workers' probe shards.
 */
import type { ArtifactStore, BlobStore } from '../../artifacts/types';
import { bootCell, type CellBoot, type CellBootOptions } from '../../probe/boot-cell';
import type { ProbeInstall } from '../../probe/installed';
import type { KernelUnderTest } from '../../probe/plan';
import { isFinished } from '../shard-step';
import type { RunRecord } from '../types';
import { BootSlots } from './boot-slots';
import { planCells, type PlannedBoot } from './plan-cells';
import type { ProbeRunStore } from './types';

export type BootCell = (plan: PlannedBoot['plan'], options: CellBootOptions) => Promise<CellBoot>;

export interface ProbeRunnerDeps {
  store: ProbeRunStore;
  artifacts: ArtifactStore;
  blobs: BlobStore;
  /** QEMU, initramfs and disk image (scripts/install-probe-deps.sh); null when not installed here. */
  installed: () => ProbeInstall | null;
  concurrency: number;
  bootTimeoutSeconds: number;
  /** Boots one planned cell (default: bootCell, a real QEMU); tests give one that boots nothing. */
  bootCell?: BootCell;
}

export interface ProbeRunControl {
  cancelled(): boolean;
  /** The process is stopping: leave the run running, to resume with the cells not yet stored. */
  stopping(): boolean;
  progress(cellsDone: number, cellsTotal: number): void;
}

/** Why a probe run cannot start here; the run fails with it. */
export class ProbeRunUnavailable extends Error {}

/**
 * The run's kernel as this machine boots it: the artifact's file here and the probe installation.
 * A file that is not here fails with the path it looked at, never boots something else.
 */
export async function kernelHere(
  deps: Pick<ProbeRunnerDeps, 'artifacts' | 'blobs' | 'installed'>, run: RunRecord, { needsFile = true } = {},
): Promise<{ installed: ProbeInstall; kernelUnderTest: KernelUnderTest }> {
  const kernel = run.kernelId ? await deps.artifacts.getKernel(run.kernelId) : null;
  if (!kernel) throw new ProbeRunUnavailable(`kernel artifact ${run.kernelId} is not in the store`);
  const image = deps.blobs.pathOf(kernel.id) ?? (needsFile ? null : deps.blobs.expectedPath(kernel.id));
  if (!image) {
    throw new ProbeRunUnavailable(`kernel artifact ${kernel.id} has no file at ${deps.blobs.expectedPath(kernel.id)} on this machine: ARTIFACT_DIR must be the directory the service stores artifacts in (shared with every worker)`);
  }
  const installed = deps.installed();
  if (!installed) throw new ProbeRunUnavailable('probe dependencies are not installed here: run scripts/install-probe-deps.sh (or set PROBE_DIR)');
  return { installed, kernelUnderTest: { arch: kernel.arch, image, linuxVersion: kernel.linux, strategy: kernel.strategy ?? 'as-shipped' } };
}

/**
 * Boots each cell in a slot and commits it as it ends; a cell not started when `stop` says so is
 * left for a resume. Every boot in flight ends before this returns, even when a commit failed
 * (no guest outlives its job); the first failure is then thrown.
 */
export async function bootAndCommit(
  deps: Pick<ProbeRunnerDeps, 'store' | 'bootTimeoutSeconds' | 'bootCell'>, runId: string, cells: readonly PlannedBoot[], slots: BootSlots,
  stop: () => boolean | Promise<boolean>, committed: () => void,
): Promise<void> {
  const boot = deps.bootCell ?? bootCell;
  let failed = false;
  const outcomes = await Promise.allSettled(cells.map(({ position, plan }) => slots.run(async () => {
    if (failed || (await stop())) return;
    try {
      const result = await boot(plan, { timeoutSeconds: deps.bootTimeoutSeconds });
      await deps.store.commitProbeCell(runId, position, result);
      committed();
    } catch (err) {
      failed = true;
      throw err;
    }
  })));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
}

export async function executeProbeRun(deps: ProbeRunnerDeps, runId: string, control: ProbeRunControl): Promise<'succeeded' | 'cancelled' | 'stopped' | 'skipped'> {
  const run = await deps.store.getRun(runId);
  if (!run || isFinished(run.status)) return 'skipped';
  const { installed, kernelUnderTest } = await kernelHere(deps, run);
  const { boots, skipped } = planCells(run.spec, { ...installed, kernelUnderTest }, installed.diskImage);
  await deps.store.recordSkips(runId, skipped);
  await deps.store.markRunning(runId);
  const stored = await deps.store.probedPositions(runId);
  const todo = boots.filter((b) => !stored.has(b.position));
  let cellsDone = run.cellsTotal - todo.length;
  control.progress(cellsDone, run.cellsTotal);
  const slots = new BootSlots(Math.max(1, Math.min(deps.concurrency, todo.length)));
  await bootAndCommit(deps, runId, todo, slots, () => control.cancelled() || control.stopping(), () => control.progress(++cellsDone, run.cellsTotal));
  if (control.cancelled()) {
    await deps.store.finishRun(runId, 'cancelled', null);
    return 'cancelled';
  }
  if (control.stopping()) return 'stopped';
  await deps.store.finishRun(runId, 'succeeded', await deps.store.readVerdicts(runId, run.cellsTotal));
  return 'succeeded';
}
