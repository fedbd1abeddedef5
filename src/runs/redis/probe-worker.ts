/**
 * A worker process's side of probe runs through Redis: takes probe shard jobs (a few cells each),
 * plans each cell with this machine's probe installation and the run's kernel artifact (its file
 * from the shared ARTIFACT_DIR), boots them in this process's boot slots and commits each cell as
 * it ends. Cells already stored are not booted again, so a retried or redelivered shard boots only
 * what is missing. A run's `finish` job stores its verdict grid once every cell is in.
 */
import { LRUCache } from 'lru-cache';
import { MatrixPlan } from '../../engine';
import { planProbe } from '../../probe/plan';
import { BootSlots } from '../probe/boot-slots';
import { bootAndCommit, kernelHere, type ProbeRunnerDeps } from '../probe/execute';
import type { PlannedBoot } from '../probe/plan-cells';
import { isFinished } from '../shard-step';
import type { RunRecord } from '../types';
import { PROBE_RUNS_QUEUE, type ProbeFinishJobData, type ProbeShardJobData, type RedisQueueOptions, type RunJobName } from './jobs';
import { RETRIED, requireRun, serveTasks, type JobOutcome, type Task, type TaskWorker, type TaskWorkerOptions } from './task';

/** `concurrency`: guests booted at once in this process, across the shards it has in hand. */
export type ProbeWorkerDeps = ProbeRunnerDeps;

export interface ProbeRunWorkerOptions extends RedisQueueOptions {
  onJob?: TaskWorkerOptions['onJob'];
  onError?: (err: unknown) => void;
}

type Plans = LRUCache<string, MatrixPlan>;

/** A probe shard: its cells not stored yet, planned here and booted in this process's boot slots, each committed as it ends. */
export class ProbeShardTask implements Task<ProbeShardJobData> {
  readonly name: RunJobName = 'shard';
  /** Retried: a redelivered shard boots only the cells not stored yet. */
  static readonly options = RETRIED;
  readonly options = ProbeShardTask.options;

  constructor(private readonly deps: ProbeWorkerDeps, private readonly plans: Plans, private readonly slots: BootSlots) {}

  async run({ runId, positions }: ProbeShardJobData): Promise<JobOutcome> {
    const run = await requireRun(this.deps.store, runId);
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
}

/** Released once every shard completed: the run succeeds when every probeable cell is stored. */
export class ProbeFinishTask implements Task<ProbeFinishJobData> {
  readonly name: RunJobName = 'finish';
  static readonly options = RETRIED;
  readonly options = ProbeFinishTask.options;

  constructor(private readonly deps: ProbeWorkerDeps, private readonly plans: Plans) {}

  async run({ runId, boots }: ProbeFinishJobData): Promise<JobOutcome> {
    const run = await requireRun(this.deps.store, runId);
    if (isFinished(run.status)) return 'skipped';
    const stored = (await this.deps.store.probedPositions(runId)).size;
    if (stored < boots) throw new Error(`${boots - stored} of ${boots} cells not stored`);
    await this.deps.store.finishRun(runId, 'succeeded', await this.deps.store.readVerdicts(runId, run.cellsTotal));
    this.plans.delete(runId);
    return 'succeeded';
  }
}

export class ProbeRunWorker {
  private readonly worker: TaskWorker;

  constructor(deps: ProbeWorkerDeps, options: ProbeRunWorkerOptions) {
    const plans: Plans = new LRUCache({ max: 4 });
    const slots = new BootSlots(deps.concurrency);
    // As many shards in hand as slots: a shard of fewer boots than slots leaves room for the next.
    this.worker = serveTasks(PROBE_RUNS_QUEUE, { shard: new ProbeShardTask(deps, plans, slots), finish: new ProbeFinishTask(deps, plans) }, deps.store, {
      ...options, concurrency: deps.concurrency,
    });
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Finishes the shards in hand (their boots end), then stops taking jobs. */
  async close(): Promise<void> {
    await this.worker.close();
  }
}
