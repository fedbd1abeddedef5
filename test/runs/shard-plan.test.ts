import fc from 'fast-check';
import { DEFAULT_SHARD_SIZE, planShards } from '../../src/runs/shard-plan';

test('shards cover every position once, in order, each at most the shard size and only the last smaller', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 700 }), (positions, size) => {
    const shards = planShards(positions, size);
    const covered = shards.flatMap((s) => Array.from({ length: s.to - s.from }, (_, i) => s.from + i));
    expect(covered).toEqual(Array.from({ length: positions }, (_, i) => i));
    expect(shards.map((s) => s.index)).toEqual(shards.map((_, i) => i));
    shards.forEach((s, i) => expect(s.to - s.from).toBe(i < shards.length - 1 ? size : positions - size * (shards.length - 1)));
  }));
});

test('the seed matrix of 6,085,800 positions is 61 shards of 100,000 by default, the last 85,800', () => {
  const shards = planShards(6_085_800);
  expect(DEFAULT_SHARD_SIZE).toBe(100_000);
  expect(shards).toHaveLength(61);
  expect(shards.at(-1)).toEqual({ index: 60, from: 6_000_000, to: 6_085_800 });
});
