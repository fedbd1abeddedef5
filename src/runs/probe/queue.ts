/**
 * The in-process queue of probe runs: one run at a time (its boots already use every core), on
 * this process, beside the engine's queue. With Redis, probe runs go to workers instead
 * (runs/redis/probe-flow.ts).
 */
import { SerialRunQueue } from '../serial-queue';
import { executeProbeRun, type ProbeRunnerDeps } from './execute';

export class InProcessProbeQueue extends SerialRunQueue {
  constructor(private readonly deps: ProbeRunnerDeps, onError?: (err: unknown) => void) {
    super(deps.store, onError);
  }

  protected async execute(id: string): Promise<void> {
    let last = { done: 0, total: 0 };
    const outcome = await executeProbeRun(this.deps, id, {
      cancelled: () => this.cancelled.has(id),
      stopping: () => this.closed,
      progress: (done, total) => {
        last = { done, total };
        this.emit(id, 'running', done, total);
      },
    });
    if (outcome === 'succeeded' || outcome === 'cancelled') this.emit(id, outcome, last.done, last.total);
  }
}
