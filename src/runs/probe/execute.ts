/**
 * Execute a probe run: boot every probeable cell of the run's matrix on its kernel artifact,
 * up to `concurrency` guests at once (each is one TCG thread), and commit each cell as it ends,
 * so progress is visible and a restart boots only the cells not yet stored.
 */
import type { ArtifactStore, BlobStore } from '../../artifacts/types';
import { bootCell } from '../../probe/boot-cell';
import type { ProbeInstall } from '../../probe/installed';
import { isFinished } from '../shard-step';
import { planCells } from './plan-cells';
import type { ProbeRunStore } from './types';

export interface ProbeRunnerDeps {
  store: ProbeRunStore;
  artifacts: ArtifactStore;
  blobs: BlobStore;
  /** QEMU, initramfs and disk image (scripts/install-probe-deps.sh); null when not installed here. */
  installed: () => ProbeInstall | null;
  concurrency: number;
  bootTimeoutSeconds: number;
}

export interface ProbeRunControl {
  cancelled(): boolean;
  /** The process is stopping: leave the run running, to resume with the cells not yet stored. */
  stopping(): boolean;
  progress(cellsDone: number, cellsTotal: number): void;
}

/** Why a probe run cannot start here; the run fails with it. */
export class ProbeRunUnavailable extends Error {}

export async function executeProbeRun(deps: ProbeRunnerDeps, runId: string, control: ProbeRunControl): Promise<'succeeded' | 'cancelled' | 'stopped' | 'skipped'> {
  const run = await deps.store.getRun(runId);
  if (!run || isFinished(run.status)) return 'skipped';
  const kernel = run.kernelId ? await deps.artifacts.getKernel(run.kernelId) : null;
  const image = kernel ? deps.blobs.pathOf(kernel.id) : null;
  if (!kernel || !image) throw new ProbeRunUnavailable(`kernel artifact ${run.kernelId} is not stored here (artifact add it, or set ARTIFACT_DIR)`);
  const installed = deps.installed();
  if (!installed) throw new ProbeRunUnavailable('probe dependencies are not installed here: run scripts/install-probe-deps.sh (or set PROBE_DIR)');
  const kernelUnderTest = { arch: kernel.arch, image, linuxVersion: kernel.linux, strategy: kernel.strategy ?? 'as-shipped' };
  const { boots, skipped } = planCells(run.spec, { ...installed, kernelUnderTest }, installed.diskImage);
  await deps.store.recordSkips(runId, skipped);
  await deps.store.markRunning(runId);
  const stored = await deps.store.probedPositions(runId);
  const todo = boots.filter((b) => !stored.has(b.position));
  let cellsDone = run.cellsTotal - todo.length;
  control.progress(cellsDone, run.cellsTotal);
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !control.cancelled() && !control.stopping()) {
      const { position, plan } = todo[next++];
      const boot = await bootCell(plan, { timeoutSeconds: deps.bootTimeoutSeconds });
      await deps.store.commitProbeCell(runId, position, boot);
      control.progress(++cellsDone, run.cellsTotal);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency, todo.length)) }, worker));
  if (control.cancelled()) {
    await deps.store.finishRun(runId, 'cancelled', null);
    return 'cancelled';
  }
  if (control.stopping()) return 'stopped';
  await deps.store.finishRun(runId, 'succeeded', await deps.store.readVerdicts(runId, run.cellsTotal));
  return 'succeeded';
}
