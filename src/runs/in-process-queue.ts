/**
 * The in-process RunQueue: runs execute one at a time, shard by shard, on this event loop
 * (yielding between shards so the API stays responsive). Every shard commits in one transaction
 * with the run's counters, so a crash loses at most the shard in flight, and a restart resumes
 * from the shards not yet done.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MatrixPlan, SKIPPED, Simulator } from '../engine';
import { batchFor, commitShardStep, isFinished } from './shard-step';
import type { RunProgress, RunQueue, RunStore } from './types';

export interface InProcessQueueOptions {
  /** Called on failures the queue cannot report through a run (e.g. the store is gone). */
  onError?: (err: unknown) => void;
}

export class InProcessRunQueue implements RunQueue {
  private readonly pending: string[] = [];
  private readonly cancelled = new Set<string>();
  private readonly listeners = new Set<(p: RunProgress) => void>();
  private readonly sim = new Simulator();
  private worker: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly store: RunStore,
    private readonly options: InProcessQueueOptions = {},
  ) {}

  async enqueue(runId: string): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    this.pending.push(runId);
    this.worker ??= this.drain().finally(() => {
      this.worker = null;
    });
  }

  async cancel(runId: string): Promise<void> {
    this.cancelled.add(runId);
    const queued = this.pending.indexOf(runId);
    if (queued >= 0) {
      this.pending.splice(queued, 1);
      await this.store.finishRun(runId, 'cancelled', null);
    }
  }

  onProgress(listener: (p: RunProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let runId = this.pending.shift(); runId !== undefined; runId = this.pending.shift()) {
      try {
        await this.execute(runId);
      } catch (err) {
        try {
          await this.store.finishRun(runId, 'failed', null, (err as Error).message);
          this.emit({ runId, status: 'failed', cellsDone: 0, cellsTotal: 0 });
        } catch (inner) {
          this.options.onError?.(inner);
        }
        this.options.onError?.(err);
      }
    }
  }

  private async execute(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    const plan = new MatrixPlan(run.spec);
    const shards = await this.store.shards(runId);
    const resumed = shards.some((s) => s.done);
    const grid = resumed ? await this.store.readVerdicts(runId, plan.size) : new Uint8Array(plan.size).fill(SKIPPED);
    await this.store.markRunning(runId);
    const batch = batchFor(shards);
    let cellsDone = shards.filter((s) => s.done).reduce((n, s) => n + s.to - s.from, 0);
    this.emit({ runId, status: 'running', cellsDone, cellsTotal: plan.size });
    for (const shard of shards) {
      if (shard.done) continue;
      if (this.cancelled.has(runId) || this.closed) {
        if (this.cancelled.delete(runId)) await this.store.finishRun(runId, 'cancelled', null);
        this.emit({ runId, status: this.closed ? 'running' : 'cancelled', cellsDone, cellsTotal: plan.size });
        return;
      }
      await commitShardStep(this.store, plan, shard, this.sim, batch, grid);
      cellsDone += shard.to - shard.from;
      this.emit({ runId, status: 'running', cellsDone, cellsTotal: plan.size });
      await yieldToEventLoop();
    }
    await this.store.finishRun(runId, 'succeeded', grid);
    this.emit({ runId, status: 'succeeded', cellsDone, cellsTotal: plan.size });
  }

  private emit(p: RunProgress): void {
    for (const listener of this.listeners) listener(p);
  }
}
