/**
 * How a run is cut into shards: contiguous ranges of matrix positions, in order. A shard is the
 * unit a queue executes and the store commits in one transaction, so its size trades the work a
 * crash loses against the cost of a commit.
 */
import type { ShardRecord } from './types';

/** Positions per engine shard: a commit every few hundred milliseconds of engine time. */
export const DEFAULT_SHARD_SIZE = 50_000;

export type ShardSpan = Pick<ShardRecord, 'index' | 'from' | 'to'>;

export function planShards(positions: number, size = DEFAULT_SHARD_SIZE): ShardSpan[] {
  const shards: ShardSpan[] = [];
  for (let from = 0, index = 0; from < positions; from += size, index++) {
    shards.push({ index, from, to: Math.min(from + size, positions) });
  }
  return shards;
}
