/**
 * `run` starts its shard threads before it loads the store's modules, so loading the engine into
 * them, and planning the matrix, overlap with this process loading Prisma and opening the store.
 */
import { matrixSpecSchema } from '../engine';
import { SEED_MATRICES } from '../matrices/seed';
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
  const seed = SEED_MATRICES.find((m) => m.name === matrixName);
  if (threads && seed) threads.prepare({ spec: matrixSpecSchema.parse(seed.spec) });
  return threads;
}
