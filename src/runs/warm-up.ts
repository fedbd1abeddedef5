/**
 * A fresh process evaluates its first shards with unoptimised engine code: V8 optimises the
 * simulator's functions once they run hot, and a fresh worker spent about 1 s of CPU on that (most
 * of it on V8's compiler threads) inside the first run it took, on both cores of a 2-core machine
 * at once when two workers started together. A worker waiting for its first job evaluates
 * throwaway cells of the seed matrix instead, a slice between turns of the event loop, so that a
 * job arriving is taken at once and stops it.
 */
import { MatrixPlan, Simulator } from '../engine';
import { BE_CONFIG_2021 } from '../matrices/seed';
import { batchFor, evaluateShard } from './shard-step';
import type { ResultBatch } from './types';

/** Positions evaluated in all: past about this many the engine's speed no longer improves (a fresh process's first seed run, CPU). */
export const WARM_UP_POSITIONS = 100_000;
/** Slices spread over the seed matrix, so that every device, arch and strategy runs; one is a few milliseconds. */
const SLICES = 64;

export interface WarmUp {
  positions: number;
  ms: number;
  /** Stopped early: a job came (or the worker closed) first. */
  interrupted: boolean;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Evaluates up to `positions` positions of the seed matrix, stopping before a slice once `stop()` says so. Stores nothing. */
export async function warmUpEngine(stop: () => boolean, positions = WARM_UP_POSITIONS): Promise<WarmUp> {
  const start = performance.now();
  const plan = new MatrixPlan(BE_CONFIG_2021);
  const sim = new Simulator();
  const perSlice = Math.max(1, Math.ceil(positions / SLICES));
  const stride = Math.floor(plan.size / SLICES);
  let batch: ResultBatch | undefined;
  let done = 0;
  for (let slice = 0; slice < SLICES && done < positions; slice++) {
    await nextTurn();
    if (stop()) return { positions: done, ms: performance.now() - start, interrupted: true };
    const from = slice * stride;
    const shard = { runId: 'warm-up', index: slice, from, to: Math.min(plan.size, from + perSlice, from + positions - done), done: false };
    batch = batchFor([shard], batch);
    evaluateShard(plan, shard, sim, batch);
    done += shard.to - shard.from;
  }
  return { positions: done, ms: performance.now() - start, interrupted: false };
}
