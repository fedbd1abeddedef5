/**
 * How a run is cut into shards: contiguous ranges of matrix positions, in order. A shard is the
 * unit a queue executes and the store commits in one transaction, so its size trades the work a
 * crash loses against the cost of a commit.
 */
import type { ShardRecord } from './types';

/**
 * Positions per engine shard: about 15 ms of engine time on the seed matrix (61 shards, 2.2 M of
 * its 6.1 M positions are cells), each shard one job, one commit and one progress step. Halving
 * the jobs from 50,000 positions made the CLI seed run 3.54 -> 3.15 s and two workers' warm seed
 * run 0.89-1.12 -> 0.75-0.92 s on PostgreSQL (`npm run bench`), and a crash loses 15 ms more.
 */
export const DEFAULT_SHARD_SIZE = 100_000;

export type ShardSpan = Pick<ShardRecord, 'index' | 'from' | 'to'>;

export function planShards(positions: number, size = DEFAULT_SHARD_SIZE): ShardSpan[] {
  const shards: ShardSpan[] = [];
  for (let from = 0, index = 0; from < positions; from += size, index++) {
    shards.push({ index, from, to: Math.min(from + size, positions) });
  }
  return shards;
}
