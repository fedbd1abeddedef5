/**
 * What both in-process queues share (engine runs and probe runs): runs execute one at a time on
 * this process, cancel and progress go through the queue, a run that throws is stored as failed
 * with the reason. Subclasses say how one run executes.
 */
import type { RunProgress, RunQueue, RunStatus } from './types';

export interface SerialQueueStore {
  finishRun(id: string, status: 'failed' | 'cancelled', grid: null, error?: string): Promise<unknown>;
}

export abstract class SerialRunQueue implements RunQueue {
  private readonly pending: string[] = [];
  protected readonly cancelled = new Set<string>();
  private readonly listeners = new Set<(p: RunProgress) => void>();
  private worker: Promise<void> | null = null;
  protected closed = false;

  constructor(
    private readonly runStore: SerialQueueStore,
    /** Called on failures the queue cannot report through a run (e.g. the store is gone). */
    private readonly onError?: (err: unknown) => void,
  ) {}

  /** Execute one run to its end (or to a cancel or close), reporting progress with `emit`. */
  protected abstract execute(runId: string): Promise<void>;

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
      await this.runStore.finishRun(runId, 'cancelled', null);
    }
  }

  onProgress(listener: (p: RunProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Stops after the work in hand; an interrupted run stays running and resumes on the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    await this.idle();
  }

  protected emit(runId: string, status: RunStatus, cellsDone: number, cellsTotal: number): void {
    for (const listener of this.listeners) listener({ runId, status, cellsDone, cellsTotal });
  }

  private async drain(): Promise<void> {
    for (let runId = this.pending.shift(); runId !== undefined; runId = this.pending.shift()) {
      try {
        await this.execute(runId);
      } catch (err) {
        try {
          await this.runStore.finishRun(runId, 'failed', null, (err as Error).message);
          this.emit(runId, 'failed', 0, 0);
        } catch (inner) {
          this.onError?.(inner);
        }
        this.onError?.(err);
      } finally {
        this.cancelled.delete(runId);
      }
    }
  }
}
