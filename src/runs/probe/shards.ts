/**
 * A probe run cut into shards for workers: its probeable cells in matrix order, a few boots per
 * shard. The cut depends only on the plan, so shard i holds the same positions whenever the run is
 * enqueued; a resumed run enqueues only the shards with cells not yet stored.
 */
import type { RunRecord } from '../types';
import { kernelHere, type ProbeRunnerDeps } from './execute';
import { planCells } from './plan-cells';

/** Boots per shard: enough to pay for a job's overhead, few enough to spread a small matrix over workers. */
export const PROBE_SHARD_BOOTS = 4;

export interface ProbeShard {
  index: number;
  positions: number[];
}

export interface ProbeRunShards {
  /** The shards with cells not yet stored. */
  pending: ProbeShard[];
  /** Every probeable cell, stored or not: the finish job checks that many are stored. */
  boots: number;
}

/**
 * Plans the run with this machine's installation (which cells boot, and why the others do not),
 * records the skipped ones and cuts the rest into shards. Workers plan each position again with
 * their own installation before booting it.
 */
export async function planProbeShards(deps: Pick<ProbeRunnerDeps, 'store' | 'artifacts' | 'blobs' | 'installed'>, run: RunRecord, size = PROBE_SHARD_BOOTS): Promise<ProbeRunShards> {
  // Planning needs the kernel's declaration and the installation, not its bytes: a service that
  // only enqueues need not hold the artifact directory (its workers must).
  const { installed, kernelUnderTest } = await kernelHere(deps, run, { needsFile: false });
  const { boots, skipped } = planCells(run.spec, { ...installed, kernelUnderTest }, installed.diskImage);
  await deps.store.recordSkips(run.id, skipped);
  const stored = await deps.store.probedPositions(run.id);
  const pending: ProbeShard[] = [];
  for (let from = 0; from < boots.length; from += size) {
    const positions = boots.slice(from, from + size).map((b) => b.position);
    if (positions.some((p) => !stored.has(p))) pending.push({ index: from / size, positions });
  }
  return { pending, boots: boots.length };
}
