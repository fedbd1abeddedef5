/**
 * Probe runs through Redis: the service plans the run (which cells boot, the others recorded as
 * skipped) and enqueues one shard job per few cells, each naming its positions; `virtio-matrix
 * worker` processes that can boot take them (ProbeRunWorker).
 */
import type { ProbeRunnerDeps } from '../probe/execute';
import { PROBE_SHARD_BOOTS, planProbeShards } from '../probe/shards';
import { PROBE_RUNS_QUEUE, type ProbeFinishJobData, type ProbeShardJobData } from './jobs';
import { ProbeFinishTask, ProbeShardTask } from './probe-worker';
import type { RunFlow } from './queue';

export const probeFlow = (deps: Pick<ProbeRunnerDeps, 'store' | 'artifacts' | 'blobs' | 'installed'>, shardBoots = PROBE_SHARD_BOOTS): RunFlow => ({
  queueName: PROBE_RUNS_QUEUE,
  options: { shard: ProbeShardTask.options, finish: ProbeFinishTask.options },
  async jobs(run) {
    const { pending, boots } = await planProbeShards(deps, run, shardBoots);
    const shards: ProbeShardJobData[] = pending.map((s) => ({ runId: run.id, index: s.index, positions: s.positions }));
    const finish: ProbeFinishJobData = { runId: run.id, boots };
    return { shards, finish };
  },
});
