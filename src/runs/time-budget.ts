/**
 * A request's time budget (REQUEST_TIME_BUDGET_MS): long reads check it as they go and give up
 * once it is spent, so one request cannot hold the server. Reads only: a write is never cut
 * short halfway, so an abandoned request has changed nothing.
 */
import type { Checkpoint } from '../engine';

/** Ten seconds, GitHub's own limit for a GraphQL request. */
export const DEFAULT_REQUEST_TIME_BUDGET_MS = 10_000;

export class TimeBudgetExceeded extends Error {
  readonly code = 'TIME_BUDGET_EXCEEDED';
  constructor(readonly budgetMs: number) {
    super(`the request took longer than its time budget of ${budgetMs} ms (REQUEST_TIME_BUDGET_MS): ask for less at once (fewer aliases, a narrower filter, a smaller first), or wait for the run to finish, whose reads are cached`);
  }
}

export class TimeBudget {
  private readonly deadline: number;

  /** `ms` 0: no budget. */
  constructor(readonly ms: number, now: number = Date.now()) {
    this.deadline = ms > 0 ? now + ms : Infinity;
  }

  /** Throws TimeBudgetExceeded once the budget is spent; grid walks call it now and then. */
  readonly check: Checkpoint = () => {
    if (Date.now() > this.deadline) throw new TimeBudgetExceeded(this.ms);
  };

  /**
   * `work`'s value, or TimeBudgetExceeded at the deadline if it has not settled by then. The work
   * goes on (a run's grid being loaded is shared with other requests); this request stops waiting.
   */
  async within<T>(work: Promise<T>): Promise<T> {
    if (this.deadline === Infinity) return work;
    // Left behind, its failure (the store closing under it) is nobody's to report.
    work.catch(() => undefined);
    this.check();
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeBudgetExceeded(this.ms)), Math.max(0, this.deadline - Date.now()));
    });
    try {
      return await Promise.race([work, spent]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** For callers with no request to bound (the CLI, reports). */
export const NO_BUDGET = new TimeBudget(0);
