/**
 * The distributed RunQueue for real: the service side enqueues into Redis, RunWorkers (as
 * `virtio-matrix worker` runs them) execute shards into one PostgreSQL store.
 */
import { MatrixPlan, SKIPPED, Simulator, VERDICTS } from '../../../src/engine';
import { openDatabase, type Database } from '../../../src/db/database';
import { createMatrix } from '../../../src/matrices/create-matrix';
import { storesOf } from '../../../src/composition';
import { cancelRun, resumeUnfinishedRuns, startRun, type RunDeps } from '../../../src/runs/commands';
import { Job, Queue } from 'bullmq';
import { RUNS_QUEUE, finishJobId } from '../../../src/runs/redis/jobs';
import { RedisRunQueue, engineFlow, type RunFlow } from '../../../src/runs/redis/queue';
import { Plans, RUN_STATUS_TTL_MS, RunWorker, type JobOutcome } from '../../../src/runs/redis/worker';
import type { ResultBatch, RunStore, ShardRecord, VerdictCounts } from '../../../src/runs/types';
import { testDatabase, type TestDatabase } from '../../support/databases';
import { testRedis, type TestRedis } from '../../support/redis';
import { planShards } from '../../../src/runs/shard-plan';

const spec = {
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk', 'net'], modes: ['legacy', 'transitional', 'modern'],
  hypervisors: ['qemu-6.1', 'qemu-7.2'], kernels: ['5.14', '5.15', '5.17'], strategies: ['pre-fix', 'write-back', 'ack-all'],
  config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};
const SHARD_SIZE = 100;
// Retries back off for about 1.5 s per failing shard; a slow machine must not turn that into a timeout.
jest.setTimeout(30_000);

/** The engine's verdict at every position, computed here without any queue or store. */
function engineGrid(): Uint8Array {
  const plan = new MatrixPlan(spec);
  const sim = new Simulator();
  const grid = new Uint8Array(plan.size).fill(SKIPPED);
  plan.forEachCell(0, plan.size, (cell, index) => { grid[index] = sim.run(cell); }, () => undefined);
  return grid;
}

function countsOf(grid: Uint8Array) {
  const counts = { ok: 0, degraded: 0, broken: 0, probeFailed: 0, skipped: 0 };
  const keys = { OK: 'ok', DEGRADED: 'degraded', BROKEN: 'broken', PROBE_FAILED: 'probeFailed' } as const;
  for (const v of grid) v === SKIPPED ? counts.skipped++ : counts[keys[VERDICTS[v]]]++;
  return counts;
}

/** A store that fails chosen shard commits, as a lost database connection would (and, with `down`, every write to the run). */
function failingStore(inner: RunStore, failures: Map<number, number>, down = false): RunStore {
  return Object.assign(Object.create(inner) as RunStore, {
    async finishRun(...args: Parameters<RunStore['finishRun']>) {
      if (down) throw new Error('connection lost finishing the run');
      return inner.finishRun(...args);
    },
    async commitShard(runId: string, shard: ShardRecord, batch: ResultBatch, counts: VerdictCounts) {
      const left = failures.get(shard.index) ?? 0;
      if (left > 0) {
        failures.set(shard.index, left - 1);
        throw new Error(`connection lost committing shard ${shard.index}`);
      }
      return inner.commitShard(runId, shard, batch, counts);
    },
  });
}

let testDb: TestDatabase;
let redis: TestRedis;
let db: Database;
let store: RunStore;
let queue: RedisRunQueue;
const workers: RunWorker[] = [];
const jobs: { worker: number; name: string; index?: number; outcome: JobOutcome; startedAt: number; endedAt: number; phases: Record<string, number> }[] = [];

function startWorker(workerStore: RunStore = store, afterJob?: (worker: RunWorker) => void, concurrency = 1): RunWorker {
  const id = workers.length;
  const worker: RunWorker = new RunWorker(workerStore, {
    redisUrl: redis.url, prefix: redis.prefix, concurrency,
    onJob: (e) => {
      jobs.push({ worker: id, ...e });
      afterJob?.(worker);
    },
  });
  workers.push(worker);
  return worker;
}

/** The test's store, counting the reads a worker makes before a shard (`shardOfRun`). */
function countingReads(): { counting: RunStore; reads: () => number } {
  let reads = 0;
  const counting = Object.assign(Object.create(store) as RunStore, {
    async shardOfRun(...args: Parameters<RunStore['shardOfRun']>) {
      reads++;
      return store.shardOfRun(...args);
    },
  });
  return { counting, reads: () => reads };
}

/** Resolves once `done()` holds (checked every 5 ms); the test's timeout bounds it. */
function waitFor(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!done()) return;
      clearInterval(timer);
      resolve();
    }, 5);
  });
}

const deps = (): RunDeps => ({ store, queue, matrixByName: (name) => storesOf(db).matrices.byName(name) });

async function createSmallRun(shardSize = SHARD_SIZE) {
  const matrix = (await storesOf(db).matrices.byName('small'))!;
  return store.createRun(matrix, 'test', planShards(matrix.positions, shardSize));
}

beforeEach(async () => {
  testDb = await testDatabase('postgresql', 'redis');
  redis = testRedis('runs');
  db = await openDatabase(testDb.url);
  store = storesOf(db).runs;
  queue = new RedisRunQueue(store, { redisUrl: redis.url, prefix: redis.prefix, pollMs: 50 });
  await createMatrix(storesOf(db).matrices, { name: 'small', spec });
  jobs.length = 0;
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  await queue.close();
  await redis.flush();
  await db.close();
  await testDb.drop();
});

test('When two workers serve a run, then every shard is committed once and the stored grid and counters equal the engine', async () => {
  startWorker();
  startWorker();
  const run = await createSmallRun();
  const progress: number[] = [];
  queue.onProgress((p) => progress.push(p.cellsDone));
  await queue.enqueue(run.id);
  await queue.idle();

  const done = (await store.getRun(run.id))!;
  const expected = engineGrid();
  expect(done.status).toBe('succeeded');
  expect(done).toMatchObject({ ...countsOf(expected), cellsDone: expected.length, cellsTotal: expected.length });
  expect(Buffer.from(await store.grid(done)).equals(Buffer.from(expected))).toBe(true);
  const shardCount = Math.ceil(expected.length / SHARD_SIZE);
  const committed = jobs.filter((j) => j.name === 'shard' && j.outcome === 'committed').map((j) => j.index).sort((a, b) => a! - b!);
  expect(committed).toEqual([...Array(shardCount).keys()]);
  expect(jobs.filter((j) => j.name === 'finish')).toEqual([expect.objectContaining({ outcome: 'succeeded' })]);
  expect(progress[progress.length - 1]).toBe(expected.length);
  expect(done.startedAt!.getTime()).toBeLessThanOrEqual(done.finishedAt!.getTime());
});

test('When a worker has taken a job, then its warm-up stops before evaluating anything, says why, and the run equals the engine', async () => {
  const run = await createSmallRun();
  let taken: () => void = () => undefined;
  const firstJob = new Promise<void>((resolve) => (taken = resolve));
  const worker = new RunWorker(store, { redisUrl: redis.url, prefix: redis.prefix, concurrency: 1, onTaken: () => taken() });
  workers.push(worker);
  await queue.enqueue(run.id);
  await firstJob;
  expect(await worker.warmUp()).toMatchObject({ positions: 0, interrupted: true, stoppedBecause: 'a job came first' });
  await queue.idle();
  const done = (await store.getRun(run.id))!;
  const expected = engineGrid();
  expect(done).toMatchObject({ status: 'succeeded', ...countsOf(expected) });
  expect(Buffer.from(await store.grid(done)).equals(Buffer.from(expected))).toBe(true);
});

test('When a worker closes before its first job, then its warm-up stops saying so', async () => {
  const worker = startWorker();
  await worker.ready();
  await worker.close();
  expect(await worker.warmUp()).toMatchObject({ positions: 0, interrupted: true, stoppedBecause: 'the worker is closing' });
});

test('When a worker serves a second run of an unchanged matrix, then it takes the first run\'s plan instead of building another', async () => {
  const plans = new Plans(store);
  const [first, second] = [await createSmallRun(), await createSmallRun()];
  const other = await store.createRun(await createMatrix(storesOf(db).matrices, { name: 'other', spec: { ...spec, kernels: ['5.15'] } }), 'test', planShards(1, SHARD_SIZE));
  const plan = await plans.of(first.id);
  plans.forget(first.id);
  expect(await plans.of(second.id)).toBe(plan);
  expect(await plans.of(other.id)).not.toBe(plan);
  expect((await plans.of(other.id)).size).toBeLessThan(plan.size);
});

test('When the progress poll is an hour apart, then idle() still resolves once the run\'s finish job ends, succeeded or failed', async () => {
  // Only BullMQ's queue events can tell this queue that the runs ended before the poll's first tick.
  await queue.close();
  queue = new RedisRunQueue(store, { redisUrl: redis.url, prefix: redis.prefix, pollMs: 3_600_000 });
  startWorker(failingStore(store, new Map([[3, 99]])));
  const failing = await createSmallRun();
  await queue.enqueue(failing.id);
  await queue.idle();
  expect(await store.getRun(failing.id)).toMatchObject({ status: 'failed', error: 'shard 3: connection lost committing shard 3' });
  for (const worker of workers.splice(0)) await worker.close();

  startWorker();
  const run = await createSmallRun();
  const progress: string[] = [];
  queue.onProgress((p) => progress.push(p.status));
  await queue.enqueue(run.id);
  await queue.idle();
  expect(await store.getRun(run.id)).toMatchObject({ status: 'succeeded', ...countsOf(engineGrid()) });
  expect(progress).toEqual(['succeeded']);
});

test('When a run is enqueued twice (a second service resuming it), then its shards still count once', async () => {
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.enqueue(run.id);
  startWorker();
  await queue.idle();
  const done = (await store.getRun(run.id))!;
  expect(done).toMatchObject({ status: 'succeeded', ...countsOf(engineGrid()) });
  expect(jobs.filter((j) => j.outcome === 'committed')).toHaveLength(Math.ceil(done.cellsTotal / SHARD_SIZE));
});

test('When Redis loses the queue mid-run, then resuming unfinished runs commits only the shards not yet stored', async () => {
  const run = await createSmallRun();
  // The worker stops right after its third commit, as a worker killed between shards would.
  let stopped: Promise<void> | undefined;
  startWorker(store, (worker) => {
    if (!stopped && jobs.filter((j) => j.outcome === 'committed').length === 3) stopped = worker.close();
  });
  await queue.enqueue(run.id);
  while (!stopped) await new Promise((resolve) => setTimeout(resolve, 5));
  await stopped;
  await redis.flush();
  const partial = (await store.getRun(run.id))!;
  expect(partial.status).toBe('running');
  expect(partial.cellsDone).toBeLessThan(partial.cellsTotal);

  await queue.close();
  queue = new RedisRunQueue(store, { redisUrl: redis.url, prefix: redis.prefix, pollMs: 50 });
  expect(await resumeUnfinishedRuns(deps())).toEqual([run.id]);
  startWorker();
  await queue.idle();
  const done = (await store.getRun(run.id))!;
  expect(done).toMatchObject({ status: 'succeeded', ...countsOf(engineGrid()), cellsDone: done.cellsTotal });
  const committed = jobs.filter((j) => j.outcome === 'committed').map((j) => j.index);
  expect(new Set(committed).size).toBe(committed.length);
  expect(committed).toHaveLength(Math.ceil(done.cellsTotal / SHARD_SIZE));
});

test('When a run is cancelled before a worker picks it up, then it stays cancelled and no result is stored', async () => {
  const run = await startRun(deps(), 'small', 'test');
  expect((await cancelRun(deps(), run.id)).status).toBe('cancelled');
  startWorker();
  await queue.idle();
  await waitFor(() => jobs.some((j) => j.name === 'finish'));
  const after = (await store.getRun(run.id))!;
  expect(after).toMatchObject({ status: 'cancelled', cellsDone: 0, ok: 0 });
  expect((await store.readVerdicts(run.id, after.cellsTotal)).every((v) => v === SKIPPED)).toBe(true);
  expect(new Set(jobs.map((j) => j.outcome))).toEqual(new Set(['skipped']));
});

test('When shard jobs carry their positions, then a worker reads its run once, not before each shard, and the run equals the engine', async () => {
  const { counting, reads } = countingReads();
  startWorker(counting);
  const run = await createSmallRun(20);
  await queue.enqueue(run.id);
  await queue.idle();
  const done = (await store.getRun(run.id))!;
  const shards = jobs.filter((j) => j.name === 'shard' && j.outcome === 'committed');
  expect(done.status).toBe('succeeded');
  expect(Buffer.from(await store.grid(done)).equals(Buffer.from(engineGrid()))).toBe(true);
  expect(shards.length).toBeGreaterThan(20);
  // One read, and one more for each RUN_STATUS_TTL_MS the run took on a slow machine.
  expect(reads()).toBeLessThan(shards.length / 4);
});

test('When shard jobs come from an earlier version without their positions, then the worker reads each shard and the run equals the engine', async () => {
  const { counting, reads } = countingReads();
  const current = engineFlow(store);
  const earlier: RunFlow = {
    ...current,
    async jobs(run) {
      const { shards, finish } = await current.jobs(run);
      return { shards: shards.map(({ runId, index }) => ({ runId, index })), finish };
    },
  };
  const service = new RedisRunQueue(store, { redisUrl: redis.url, prefix: redis.prefix, pollMs: 50 }, earlier);
  try {
    startWorker(counting);
    const run = await createSmallRun(20);
    await service.enqueue(run.id);
    await service.idle();
    const done = (await store.getRun(run.id))!;
    expect(done.status).toBe('succeeded');
    expect(Buffer.from(await store.grid(done)).equals(Buffer.from(engineGrid()))).toBe(true);
    expect(reads()).toBe(jobs.filter((j) => j.name === 'shard').length);
  } finally {
    await service.close();
  }
});

test('When a run is cancelled while a worker evaluates it, then no commit after the cancel lands and the worker soon stops evaluating', async () => {
  let cancelled = 0;
  const commits: { startedAt: number; landed: boolean }[] = [];
  const run = await createSmallRun(20);
  // Each commit waits a little, so that the run lasts several status lifetimes.
  const slow = Object.assign(Object.create(store) as RunStore, {
    async commitShard(...args: Parameters<RunStore['commitShard']>) {
      const startedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const landed = await store.commitShard(...args);
      commits.push({ startedAt, landed });
      return landed;
    },
  });
  let cancelling = false;
  startWorker(slow, () => {
    if (cancelling || jobs.filter((j) => j.outcome === 'committed').length < 2) return;
    cancelling = true;
    void cancelRun(deps(), run.id).then(() => (cancelled = Date.now()));
  });
  await queue.enqueue(run.id);
  await waitFor(() => jobs.some((j) => j.name === 'finish'));
  const after = (await store.getRun(run.id))!;
  expect(after.status).toBe('cancelled');
  expect(commits.filter((c) => c.startedAt > cancelled && c.landed)).toEqual([]);
  const done = (await store.shards(run.id)).filter((s) => s.done);
  expect(after.cellsDone).toBe(done.reduce((n, s) => n + s.to - s.from, 0));
  expect(done.length).toBe(commits.filter((c) => c.landed).length);
  // A commit that lands nothing makes the worker read the status again: the shards after it are skipped unevaluated.
  const shards = jobs.filter((j) => j.name === 'shard');
  const stopped = shards.findIndex((j) => !('evaluate' in j.phases));
  expect(stopped).toBeGreaterThan(0);
  expect(shards[stopped].startedAt - cancelled).toBeLessThanOrEqual(RUN_STATUS_TTL_MS);
  expect(shards.slice(stopped).filter((j) => 'evaluate' in j.phases)).toEqual([]);
});

test('When a shard commit fails once, then BullMQ retries it and the run still succeeds with exact counts', async () => {
  startWorker(failingStore(store, new Map([[2, 1]])));
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.idle();
  expect(await store.getRun(run.id)).toMatchObject({ status: 'succeeded', error: null, ...countsOf(engineGrid()) });
});

test('When a shard fails every attempt, then the run is failed with the reason and the rest of it is not waited for', async () => {
  startWorker(failingStore(store, new Map([[3, 99]])));
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.idle();
  const failed = (await store.getRun(run.id))!;
  expect(failed.status).toBe('failed');
  expect(failed.error).toBe('shard 3: connection lost committing shard 3');
  expect(failed.cellsDone).toBeLessThan(failed.cellsTotal);
});

test('When one worker runs four shards at once, then each shard stores its own results', async () => {
  startWorker(store, undefined, 4);
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.idle();
  const done = (await store.getRun(run.id))!;
  const expected = engineGrid();
  expect(done).toMatchObject({ status: 'succeeded', ...countsOf(expected) });
  // The grid is rebuilt from the stored rows: a batch shared between jobs in flight would leave holes.
  expect(Buffer.from(await store.readVerdicts(run.id, done.cellsTotal)).equals(Buffer.from(expected))).toBe(true);
});

test('When a worker is started without a concurrency, then it evaluates a second shard while the first one\'s commit waits', async () => {
  // The first commit is held until a second shard reaches its commit: a worker taking one job at a time never gets there.
  let release!: () => void;
  const secondArrived = new Promise<void>((resolve) => (release = resolve));
  let commits = 0;
  let waitedAlone = false;
  const held = Object.assign(Object.create(store) as RunStore, {
    async commitShard(...args: Parameters<RunStore['commitShard']>) {
      if (++commits === 1) {
        const alone = new Promise<void>((resolve) => setTimeout(() => resolve(void (waitedAlone = true)), 10_000).unref());
        await Promise.race([secondArrived, alone]);
      } else release();
      return store.commitShard(...args);
    },
  });
  workers.push(new RunWorker(held, { redisUrl: redis.url, prefix: redis.prefix }));
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.idle();
  expect(waitedAlone).toBe(false);
  expect(await store.getRun(run.id)).toMatchObject({ status: 'succeeded', error: null, ...countsOf(engineGrid()) });
});

test('When the store is down as a shard uses up its attempts, then the service fails the run from the failed flow', async () => {
  startWorker(failingStore(store, new Map([[3, 99]]), true));
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.idle();
  const failed = (await store.getRun(run.id))!;
  expect(failed.status).toBe('failed');
  expect(failed.error).toContain('connection lost committing shard 3');
}, 20_000);

test('When a worker has another database than the service, then the run fails naming the cause instead of being skipped', async () => {
  const other = await testDatabase('postgresql', 'other');
  const otherDb = await openDatabase(other.url);
  try {
    startWorker(storesOf(otherDb).runs);
    const run = await createSmallRun();
    await queue.enqueue(run.id);
    await queue.idle();
    const failed = (await store.getRun(run.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`run ${run.id} is not in this worker's store`);
  } finally {
    for (const worker of workers.splice(0)) await worker.close();
    await otherDb.close();
    await other.drop();
  }
}, 20_000);

test('When a run\'s flow failed while no service watched it, then resuming the run retries it', async () => {
  const run = await createSmallRun();
  await queue.enqueue(run.id);
  await queue.close(); // the service is gone before the flow fails
  const broken = startWorker(failingStore(store, new Map([[3, 99]]), true));
  const jobs = new Queue(RUNS_QUEUE, { connection: { url: redis.url }, prefix: redis.prefix });
  try {
    while ((await (await Job.fromId(jobs, finishJobId(run.id)))!.getState()) !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await jobs.close();
  }
  await broken.close();
  expect((await store.getRun(run.id))!.status).toBe('running');

  queue = new RedisRunQueue(store, { redisUrl: redis.url, prefix: redis.prefix, pollMs: 50 });
  expect(await resumeUnfinishedRuns(deps())).toEqual([run.id]);
  startWorker();
  await queue.idle();
  expect(await store.getRun(run.id)).toMatchObject({ status: 'succeeded', error: null, ...countsOf(engineGrid()) });
}, 30_000);
