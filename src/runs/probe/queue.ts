/**
 * The in-process queue of probe runs: one run at a time (its boots already use every core), on
 * this process, beside the engine's queue. Probe runs are not handed to Redis workers yet.
 */
import type { RunProgress, RunQueue } from '../types';
import { executeProbeRun, type ProbeRunnerDeps } from './execute';

export class InProcessProbeQueue implements RunQueue {
  private readonly pending: string[] = [];
  private readonly cancelled = new Set<string>();
  private readonly listeners = new Set<(p: RunProgress) => void>();
  private worker: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly deps: ProbeRunnerDeps, private readonly onError?: (err: unknown) => void) {}

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
      await this.deps.store.finishRun(runId, 'cancelled', null);
    }
  }

  onProgress(listener: (p: RunProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Stops after the boots in flight; the run stays running and resumes on the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let runId = this.pending.shift(); runId !== undefined; runId = this.pending.shift()) {
      const id = runId;
      const emit = (status: RunProgress['status'], cellsDone: number, cellsTotal: number) => {
        for (const listener of this.listeners) listener({ runId: id, status, cellsDone, cellsTotal });
      };
      let last = { done: 0, total: 0 };
      try {
        const outcome = await executeProbeRun(this.deps, id, {
          cancelled: () => this.cancelled.has(id),
          stopping: () => this.closed,
          progress: (done, total) => {
            last = { done, total };
            emit('running', done, total);
          },
        });
        if (outcome === 'succeeded' || outcome === 'cancelled') emit(outcome, last.done, last.total);
      } catch (err) {
        try {
          await this.deps.store.finishRun(id, 'failed', null, (err as Error).message);
          emit('failed', last.done, last.total);
        } catch (inner) {
          this.onError?.(inner);
        }
        this.onError?.(err);
      } finally {
        this.cancelled.delete(id);
      }
    }
  }
}
