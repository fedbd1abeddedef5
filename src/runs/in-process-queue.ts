/**
 * The in-process RunQueue: runs execute one at a time, shard by shard, on this event loop
 * (yielding between shards so the API stays responsive). Every shard commits in one transaction
 * with the run's counters, so a crash loses at most the shard in flight, and a restart resumes
 * from the shards not yet done.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SKIPPED, Simulator } from '../engine';
import { planOf } from './plan';
import { batchFor, commitShardStep, isFinished } from './shard-step';
import { SerialRunQueue } from './serial-queue';
import type { RunStore } from './types';

export interface InProcessQueueOptions {
  /** Called on failures the queue cannot report through a run (e.g. the store is gone). */
  onError?: (err: unknown) => void;
}

export class InProcessRunQueue extends SerialRunQueue {
  private readonly sim = new Simulator();

  constructor(
    private readonly store: RunStore,
    options: InProcessQueueOptions = {},
  ) {
    super(store, options.onError);
  }

  protected async execute(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    const plan = planOf(run);
    const shards = await this.store.shards(runId);
    const resumed = shards.some((s) => s.done);
    const grid = resumed ? await this.store.readVerdicts(runId, plan.size) : new Uint8Array(plan.size).fill(SKIPPED);
    await this.store.markRunning(runId);
    const batch = batchFor(shards);
    let cellsDone = shards.filter((s) => s.done).reduce((n, s) => n + s.to - s.from, 0);
    this.emit(runId, 'running', cellsDone, plan.size);
    for (const shard of shards) {
      if (shard.done) continue;
      if (this.cancelled.has(runId) || this.closed) {
        if (this.cancelled.delete(runId)) await this.store.finishRun(runId, 'cancelled', null);
        this.emit(runId, this.closed ? 'running' : 'cancelled', cellsDone, plan.size);
        return;
      }
      await commitShardStep(this.store, plan, shard, this.sim, batch, grid);
      cellsDone += shard.to - shard.from;
      this.emit(runId, 'running', cellsDone, plan.size);
      await yieldToEventLoop();
    }
    await this.store.finishRun(runId, 'succeeded', grid);
    this.emit(runId, 'succeeded', cellsDone, plan.size);
  }
}
