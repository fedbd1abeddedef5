/**
 * Shards evaluated on worker threads, one per core: the engine is the whole cost of a run now
 * that results are stored as blobs, and a run's shards are independent. The caller still commits
 * each shard in its own transaction, so crash safety is that of the serial path.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { planKey, type PlanSource } from './plan-key';
import { ResultBatch, type ResultColumns, type ShardRecord, type VerdictCounts } from './types';

export interface ShardJob {
  /**
   * What the run's plan is made of (spec and user patches), as JSON (`planKey`): sent once per
   * run and thread, with its first shard or ahead of it; the thread keeps the plan last sent.
   */
  plan?: string;
  /** The shard to evaluate; none: plan only, and build the plan's tables now. */
  shard?: ShardRecord;
  /** A seed matrix by name, to plan now as the store will hold its spec (ShardThreads.prepareSeed). */
  seed?: string;
}

export interface ShardDone {
  length: number;
  counts: VerdictCounts;
  columns: ResultColumns;
}

export interface EvaluatedShard {
  batch: ResultBatch;
  counts: VerdictCounts;
}

/** The compiled thread script; the sources (tests) use the build's (`npm test` builds first). */
const THREAD_SCRIPT = __filename.endsWith('.js') ? join(__dirname, 'shard-thread.js') : join(__dirname, '..', '..', 'dist', 'runs', 'shard-thread.js');

export class ShardThreads {
  private readonly threads: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: { job: Required<Pick<ShardJob, 'plan' | 'shard'>>; resolve: (done: EvaluatedShard) => void; reject: (err: unknown) => void }[] = [];
  /** The job each busy thread holds. */
  private readonly running = new Map<Worker, { resolve: (done: EvaluatedShard) => void; reject: (err: unknown) => void }>();
  /** Each run's plan source as sent, written once per run rather than per shard. */
  private readonly sources = new WeakMap<PlanSource, string>();
  /** The plan each thread holds, as last sent. */
  private readonly plans = new Map<Worker, string>();

  /**
   * Threads when there is more than one core and the compiled thread script is there (the
   * service and the CLI run from dist/; tests run the sources and evaluate in line).
   */
  static forThisMachine(): ShardThreads | null {
    const cores = availableParallelism();
    return cores > 1 && __filename.endsWith('.js') ? new ShardThreads(cores) : null;
  }

  /**
   * The threads start at once: loading the engine into them overlaps with opening the store.
   * An idle thread does not keep the process alive (a command that never runs a matrix exits).
   */
  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.start());
  }

  /**
   * Every thread plans `run` now and builds the plan's tables, ahead of its shards: e.g. while
   * the run is still being created. A guess that turns out wrong (the run brings user patches)
   * costs the work, not a wrong plan: its shards carry their own.
   */
  prepare(run: Pick<PlanSource, 'spec'> & Partial<PlanSource>): void {
    const plan = planKey(run);
    for (const thread of this.threads) {
      if (this.plans.get(thread) === plan) continue;
      // Not recorded as the thread's plan: a guess the thread cannot plan is dropped there, so
      // the shards that follow must carry their plan (sent once more, if the guess was right).
      this.plans.delete(thread);
      thread.postMessage({ plan } satisfies ShardJob);
    }
  }

  /**
   * The same guess for a seed matrix, named: each thread parses its spec itself, so the caller
   * need not load the engine first (a CLI run starts its threads before it does). Any other name
   * is dropped there.
   */
  prepareSeed(name: string): void {
    for (const thread of this.threads) {
      this.plans.delete(thread);
      thread.postMessage({ seed: name } satisfies ShardJob);
    }
  }

  evaluate(run: PlanSource, shard: ShardRecord): Promise<EvaluatedShard> {
    let plan = this.sources.get(run);
    if (plan === undefined) this.sources.set(run, (plan = planKey(run)));
    return new Promise((resolve, reject) => {
      this.waiting.push({ job: { plan, shard }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const thread = this.idle.pop() ?? (this.threads.length < this.size ? this.start() : null);
      if (!thread) return;
      const { job, resolve, reject } = this.waiting.shift()!;
      this.running.set(thread, { resolve, reject });
      thread.ref();
      if (this.plans.get(thread) === job.plan) {
        thread.postMessage({ shard: job.shard });
      } else {
        this.plans.set(thread, job.plan);
        thread.postMessage(job);
      }
    }
  }

  private start(): Worker {
    const thread = new Worker(THREAD_SCRIPT);
    thread.unref();
    thread.on('message', (done: ShardDone) => {
      const job = this.running.get(thread);
      this.running.delete(thread);
      this.idle.push(thread);
      thread.unref();
      job?.resolve({ batch: Object.assign(new ResultBatch(done.columns.positions.length, done.columns), { length: done.length }), counts: done.counts });
      this.dispatch();
    });
    // A thread that dies fails the shard it held (its run fails with the reason, as a shard error
    // would) and is replaced by the next dispatch.
    thread.on('error', (err) => {
      this.running.get(thread)?.reject(err);
      this.running.delete(thread);
      this.threads.splice(this.threads.indexOf(thread), 1);
      this.plans.delete(thread);
      if (this.idle.includes(thread)) this.idle.splice(this.idle.indexOf(thread), 1);
      this.dispatch();
    });
    this.threads.push(thread);
    return thread;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
    this.threads.length = 0;
    this.idle.length = 0;
    this.plans.clear();
  }
}
