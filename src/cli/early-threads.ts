/**
 * `run` starts its shard threads first, before it loads the engine or the store's modules, so
 * that loading the engine into them, and planning the matrix, overlap with this process loading
 * its own and opening the store.
 */
import { ShardThreads } from '../runs/shard-threads';

/**
 * The threads of an in-process run (undefined when the run goes to Redis: no threads here). A
 * seed matrix's spec is known before the store opens, and the threads start planning it: the
 * store's copy is that spec unless an older seed made it, and then the run's own plan replaces
 * the guess.
 */
export function earlyShardThreads(matrixName: string, redis: string | undefined): ShardThreads | null | undefined {
  if (redis) return undefined;
  const threads = ShardThreads.forThisMachine();
  threads?.prepareSeed(matrixName);
  return threads;
}
