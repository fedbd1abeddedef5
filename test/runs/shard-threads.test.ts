/** Shard threads evaluate what the serial path evaluates, including runs that apply user patches. */
import { readFileSync } from 'node:fs';
import { VERDICTS, matrixSpecSchema } from '../../src/engine';
import { evaluateShard } from '../../src/runs/shard-step';
import { planOf } from '../../src/runs/plan';
import type { PlanSource } from '../../src/runs/plan-key';
import { ShardThreads } from '../../src/runs/shard-threads';
import { storedSeedSpec } from '../../src/matrices/seed';
import { ResultBatch } from '../../src/runs/types';
import { Simulator } from '../../src/engine';

const [BLK_SIZE_CHECK] = JSON.parse(readFileSync('examples/what-if/patches.json', 'utf8')) as Record<string, unknown>[];

// Parsed as a stored run's spec is (defaults filled in).
const spec = matrixSpecSchema.parse({
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk'], modes: ['legacy', 'transitional', 'modern'],
  backends: ['qemu'], hypervisors: ['qemu-6.1'], kernels: ['5.13', `5.13+${BLK_SIZE_CHECK.id as string}`], strategies: ['pre-fix'],
  config: { blk_size: [512, 4096] },
});
const run: PlanSource = { spec, profileHash: 'test-what-if', whatIf: { kernelPatches: [BLK_SIZE_CHECK], qemuChanges: [] } };

describe('shard threads', () => {
  let threads: ShardThreads;
  beforeAll(() => { threads = new ShardThreads(2); });
  afterAll(() => threads.close());

  test('When a run applies a user kernel patch, then a thread evaluates its shard as the serial path does, and the patch changes verdicts', async () => {
    const plan = planOf(run);
    const shard = { runId: 'none', index: 0, from: 0, to: plan.size, done: false };
    const inLine = new ResultBatch(plan.size);
    const counts = evaluateShard(plan, shard, new Simulator(), inLine);
    const { batch, counts: threaded } = await threads.evaluate(run, shard);
    expect(threaded).toEqual(counts);
    expect(Array.from(batch.verdicts.subarray(0, batch.length))).toEqual(Array.from(inLine.verdicts.subarray(0, inLine.length)));
    // The patch is applied in the thread: with it, some cells end worse than on plain 5.13, all big-endian.
    const byCombination = new Map<string, number>();
    for (let i = 0; i < batch.length; i++) {
      const { kernel, ...rest } = plan.combinationAt(batch.positions[i]);
      byCombination.set(`${kernel}|${JSON.stringify(rest)}`, batch.verdicts[i]);
    }
    const worse: string[] = [];
    for (const [key, verdict] of byCombination) {
      const [kernel, rest] = key.split('|');
      if (kernel !== '5.13') continue;
      const proposed = byCombination.get(`5.13+${BLK_SIZE_CHECK.id as string}|${rest}`);
      if (proposed !== undefined && proposed > verdict) worse.push(`${(JSON.parse(rest) as { arch: string }).arch} ${VERDICTS[verdict]} -> ${VERDICTS[proposed]}`);
    }
    expect(worse.length).toBeGreaterThan(0);
    expect(worse.every((w) => w.startsWith('s390x '))).toBe(true);
  });

  test('When threads were prepared with a guess at a run\'s plan (its spec without the user patches), then its shards are still evaluated with the run\'s own plan', async () => {
    const plan = planOf(run);
    const shard = { runId: 'none', index: 0, from: 0, to: plan.size, done: false };
    const inLine = new ResultBatch(plan.size);
    const counts = evaluateShard(plan, shard, new Simulator(), inLine);
    const guess = matrixSpecSchema.parse({ ...spec, kernels: ['5.13', '5.15'] });
    threads.prepare({ spec: guess });
    const { batch, counts: threaded } = await threads.evaluate(run, shard);
    expect(threaded).toEqual(counts);
    expect(Array.from(batch.verdicts.subarray(0, batch.length))).toEqual(Array.from(inLine.verdicts.subarray(0, inLine.length)));
    // The guess itself, when a run is made of it, is what the threads hold after being prepared with it again.
    const guessed: PlanSource = { spec: guess, profileHash: 'plain', whatIf: null };
    threads.prepare(guessed);
    const guessedPlan = planOf(guessed);
    const plain = new ResultBatch(guessedPlan.size);
    const plainCounts = evaluateShard(guessedPlan, { ...shard, to: guessedPlan.size }, new Simulator(), plain);
    expect((await threads.evaluate(guessed, { ...shard, to: guessedPlan.size })).counts).toEqual(plainCounts);
  });

  test('When threads are prepared with a seed matrix\'s name, then a shard of a run of that seed is evaluated as the serial path does', async () => {
    const seedRun: PlanSource = { spec: storedSeedSpec('be-config-2021')!, profileHash: 'plain', whatIf: null };
    const plan = planOf(seedRun);
    // s390x positions: big-endian, where strategies differ.
    const shard = { runId: 'none', index: 0, from: 5_000_000, to: 5_020_000, done: false };
    const inLine = new ResultBatch(shard.to - shard.from);
    const counts = evaluateShard(plan, shard, new Simulator(), inLine);
    threads.prepareSeed('be-config-2021');
    threads.prepareSeed('not-a-seed');
    const { batch, counts: threaded } = await threads.evaluate(seedRun, shard);
    expect(threaded).toEqual(counts);
    expect(counts.ok + counts.degraded + counts.broken + counts.probeFailed).toBeGreaterThan(0);
    expect(Array.from(batch.verdicts.subarray(0, batch.length))).toEqual(Array.from(inLine.verdicts.subarray(0, inLine.length)));
  }, 30_000);

  test('When threads are prepared with a guess that cannot be planned (user patches without their definitions), then it is dropped and the run\'s shards that follow at once are evaluated', async () => {
    const plan = planOf(run);
    const shard = { runId: 'none', index: 0, from: 0, to: plan.size, done: false };
    const inLine = new ResultBatch(plan.size);
    const counts = evaluateShard(plan, shard, new Simulator(), inLine);
    expect(() => planOf({ spec, profileHash: 'plain', whatIf: null })).toThrow(/unknown patch/);
    threads.prepare({ spec });
    const both = await Promise.all([threads.evaluate(run, shard), threads.evaluate(run, shard)]);
    for (const { counts: threaded } of both) expect(threaded).toEqual(counts);
  });
});
