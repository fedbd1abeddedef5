/**
 * The in-process RunQueue: runs execute one at a time, shard by shard, evaluated on a thread per
 * core (src/runs/shard-threads.ts) or in line, committed on this event loop (yielding between
 * shards so the API stays responsive). Every shard commits in one transaction
 * with the run's counters, so a crash loses at most the shard in flight, and a restart resumes
 * from the shards not yet done.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SKIPPED, Simulator, type MatrixPlan } from '../engine';
import { evaluateShard } from './shard-step';
import { planOf } from './plan';
import { batchFor, isFinished } from './shard-step';
import { SerialRunQueue } from './serial-queue';
import { ShardThreads, type EvaluatedShard } from './shard-threads';
import type { RunStore, ShardRecord } from './types';

/** Evaluated shards held per thread at most while earlier ones commit (each a batch of about 2.9 MB). */
const SHARDS_AHEAD_PER_THREAD = 4;

export interface InProcessQueueOptions {
  /** Called on failures the queue cannot report through a run (e.g. the store is gone). */
  onError?: (err: unknown) => void;
  /** Shard threads; default one per core where the compiled thread script is there, null: in line. */
  threads?: ShardThreads | null;
  /**
   * Given a run that has just succeeded, with the verdict grid and plan held here, before the run
   * is reported done: the service keeps them as the run's view (RunViews.prepare), so its first
   * reads need not load them back from the store.
   */
  succeeded?: (runId: string, grid: Uint8Array, plan: MatrixPlan) => Promise<void>;
}

export class InProcessRunQueue extends SerialRunQueue {
  private readonly sim = new Simulator();
  private readonly threads: ShardThreads | null;

  constructor(
    private readonly store: RunStore,
    private readonly options: InProcessQueueOptions = {},
  ) {
    super(store, options.onError);
    this.threads = options.threads === undefined ? ShardThreads.forThisMachine() : options.threads;
  }

  protected async execute(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    // The threads build the plan's tables while this reads the run's shards.
    this.threads?.prepare(run);
    const plan = planOf(run);
    const shards = await this.store.shards(runId);
    const resumed = shards.some((s) => s.done);
    const grid = resumed ? await this.store.readVerdicts(runId, plan.size) : new Uint8Array(plan.size).fill(SKIPPED);
    await this.store.markRunning(runId);
    // In line: one shard at a time into one reused batch. On threads: several shards per thread
    // ahead, since shards commit in order and differ in cost (a shard of skipped positions is
    // quick): with one per thread, a thread done early idles until the slow shard before it commits.
    const inLine = batchFor(shards);
    const evaluate = this.threads
      ? (shard: ShardRecord) => this.threads!.evaluate(run, shard)
      : async (shard: ShardRecord) => ({ batch: inLine, counts: evaluateShard(plan, shard, this.sim, inLine) });
    const ahead = this.threads ? this.threads.size * SHARDS_AHEAD_PER_THREAD : 1;
    let cellsDone = shards.filter((s) => s.done).reduce((n, s) => n + s.to - s.from, 0);
    this.emit(runId, 'running', cellsDone, plan.size);
    const todo = shards.filter((s) => !s.done);
    const inFlight: { shard: ShardRecord; evaluated: Promise<EvaluatedShard> }[] = [];
    let stopped = false;
    for (let next = 0; next < todo.length || inFlight.length > 0;) {
      while (!stopped && next < todo.length && inFlight.length < ahead) {
        stopped = this.cancelled.has(runId) || this.closed;
        if (stopped) break;
        const evaluated = evaluate(todo[next]);
        // A shard that fails while an earlier one commits is reported when its turn comes.
        evaluated.catch(() => undefined);
        inFlight.push({ shard: todo[next++], evaluated });
      }
      const head = inFlight.shift();
      if (!head) break;
      // Shards commit in order, each in its own transaction with the run's counters.
      const { batch, counts } = await head.evaluated;
      await this.store.commitShard(runId, head.shard, batch, counts);
      for (let i = 0; i < batch.length; i++) grid[batch.positions[i]] = batch.verdicts[i];
      cellsDone += head.shard.to - head.shard.from;
      this.emit(runId, 'running', cellsDone, plan.size);
      await yieldToEventLoop();
    }
    if (stopped) {
      if (this.cancelled.delete(runId)) await this.store.finishRun(runId, 'cancelled', null);
      this.emit(runId, this.closed ? 'running' : 'cancelled', cellsDone, plan.size);
      return;
    }
    // Handed over only when this queue finished the run: had another process finished it first,
    // the store holds that one's grid, not this.
    if (await this.store.finishRun(runId, 'succeeded', grid)) {
      // The run is stored as succeeded whatever happens here (a throw included): a failure only means its view loads later.
      const { succeeded } = this.options;
      if (succeeded) await Promise.resolve().then(() => succeeded(runId, grid, plan)).catch((err: unknown) => this.options.onError?.(err));
    }
    this.emit(runId, 'succeeded', cellsDone, plan.size);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.threads?.close();
  }
}
