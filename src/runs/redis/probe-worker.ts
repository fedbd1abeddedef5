/**
 * A worker process's side of probe runs through Redis: takes probe shard jobs (a few cells each),
 * plans each cell with this machine's probe installation and the run's kernel artifact (its file
 * from the shared ARTIFACT_DIR), boots them in this process's boot slots and commits each cell as
 * it ends. Cells already stored are not booted again, so a retried or redelivered shard boots only
 * what is missing. A run's `finish` job stores its verdict grid once every cell is in.
 */
import { Worker, type Job } from 'bullmq';
import { LRUCache } from 'lru-cache';
import { MatrixPlan } from '../../engine';
import { planProbe } from '../../probe/plan';
import { BootSlots } from '../probe/boot-slots';
import { bootAndCommit, kernelHere, type ProbeRunnerDeps } from '../probe/execute';
import type { PlannedBoot } from '../probe/plan-cells';
import { isFinished } from '../shard-step';
import type { RunRecord } from '../types';
import { PROBE_RUNS_QUEUE, redisConnection, type ProbeFinishJobData, type ProbeShardJobData, type RedisQueueOptions, type RunJobName } from './jobs';
import type { JobOutcome, RunWorkerOptions } from './worker';

/** `concurrency`: guests booted at once in this process, across the shards it has in hand. */
export type ProbeWorkerDeps = ProbeRunnerDeps;

export interface ProbeRunWorkerOptions extends RedisQueueOptions {
  onJob?: RunWorkerOptions['onJob'];
  onError?: (err: unknown) => void;
}

export class ProbeRunWorker {
  private readonly worker: Worker<ProbeShardJobData | ProbeFinishJobData, JobOutcome, RunJobName>;
  private readonly slots: BootSlots;
  private readonly plans = new LRUCache<string, MatrixPlan>({ max: 4 });

  constructor(
    private readonly deps: ProbeWorkerDeps,
    private readonly options: ProbeRunWorkerOptions,
  ) {
    this.slots = new BootSlots(deps.concurrency);
    // As many shards in hand as slots: a shard of fewer boots than slots leaves room for the next.
    this.worker = new Worker(PROBE_RUNS_QUEUE, (job) => this.process(job), {
      connection: redisConnection(options.redisUrl), prefix: options.prefix, concurrency: deps.concurrency,
    });
    this.worker.on('error', (err) => options.onError?.(err));
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Finishes the shards in hand (their boots end), then stops taking jobs. */
  async close(): Promise<void> {
    await this.worker.close();
  }

  private async process(job: Job<ProbeShardJobData | ProbeFinishJobData, JobOutcome, RunJobName>): Promise<JobOutcome> {
    const { runId } = job.data;
    const index = job.name === 'shard' ? (job.data as ProbeShardJobData).index : undefined;
    try {
      const outcome = job.name === 'shard' ? await this.shard(job.data as ProbeShardJobData) : await this.finish(job.data as ProbeFinishJobData);
      this.options.onJob?.({ name: job.name, runId, index, outcome });
      return outcome;
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await this.deps.store.finishRun(runId, 'failed', null, `${job.name} ${index ?? ''}: ${(err as Error).message}`.replace('  ', ' '))
          .catch((storeErr: unknown) => this.options.onError?.(storeErr));
        this.options.onJob?.({ name: job.name, runId, index, outcome: 'failed' });
      }
      throw err;
    }
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} is not in this worker's store (does DATABASE_URL name the service's database?)`);
    return run;
  }

  private async shard({ runId, positions }: ProbeShardJobData): Promise<JobOutcome> {
    const run = await this.requireRun(runId);
    if (isFinished(run.status)) return 'skipped';
    const stored = await this.deps.store.probedPositions(runId);
    const todo = positions.filter((p) => !stored.has(p));
    if (todo.length === 0) return 'skipped';
    const cells = this.plan(run, todo, await kernelHere(this.deps, run));
    await this.deps.store.markRunning(runId);
    // Cancelling marks the run finished in the store: the boots not started yet are not started.
    const finished = async () => isFinished((await this.deps.store.getRun(runId))?.status ?? 'cancelled');
    await bootAndCommit(this.deps, runId, cells, this.slots, finished, () => undefined);
    return (await finished()) ? 'skipped' : 'committed';
  }

  /** Each cell planned again with this machine's installation: its paths, its QEMU. */
  private plan(run: RunRecord, positions: readonly number[], { installed, kernelUnderTest }: Awaited<ReturnType<typeof kernelHere>>): PlannedBoot[] {
    let matrix = this.plans.get(run.id);
    if (!matrix) this.plans.set(run.id, (matrix = new MatrixPlan(run.spec)));
    return positions.map((position) => {
      const plan = planProbe(matrix.combinationAt(position), { ...installed, kernelUnderTest }, installed.diskImage);
      if (!plan.probeable) throw new Error(`cell ${position} cannot boot on this worker: ${plan.reason}`);
      return { position, plan };
    });
  }

  private async finish({ runId, boots }: ProbeFinishJobData): Promise<JobOutcome> {
    const run = await this.requireRun(runId);
    if (isFinished(run.status)) return 'skipped';
    const stored = (await this.deps.store.probedPositions(runId)).size;
    if (stored < boots) throw new Error(`${boots - stored} of ${boots} cells not stored`);
    await this.deps.store.finishRun(runId, 'succeeded', await this.deps.store.readVerdicts(runId, run.cellsTotal));
    this.plans.delete(runId);
    return 'succeeded';
  }
}
