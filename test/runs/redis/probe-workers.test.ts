/**
 * Probe runs through Redis, without booting: the service side plans and enqueues shards of cells,
 * ProbeRunWorkers (as `virtio-matrix worker` runs them) take them and commit each cell to one
 * PostgreSQL store. Boots are replaced by a function that answers from the engine's prediction,
 * with one disagreement and one guest failure planted, and counts what it was asked to boot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobDirectory } from '../../../src/artifacts/blob-dir';
import { openDatabase, type Database } from '../../../src/db/database';
import { MatrixPlan } from '../../../src/engine';
import { createMatrix } from '../../../src/matrices/create-matrix';
import { storesOf } from '../../../src/composition';
import type { CellBoot } from '../../../src/probe/boot-cell';
import { predict } from '../../../src/probe/compare';
import type { ProbeInstall } from '../../../src/probe/installed';
import { executeProbeRun, type BootCell, type ProbeRunnerDeps } from '../../../src/runs/probe/execute';
import type { ProbeRunStore } from '../../../src/runs/probe/types';
import { probeFlow } from '../../../src/runs/redis/probe-flow';
import { ProbeRunWorker } from '../../../src/runs/redis/probe-worker';
import { RedisRunQueue } from '../../../src/runs/redis/queue';
import type { JobOutcome } from '../../../src/runs/redis/worker';
import type { RunRecord } from '../../../src/runs/types';
import { testDatabase, type TestDatabase } from '../../support/databases';
import { testRedis, type TestRedis } from '../../support/redis';
import type { ArtifactStore } from '../../../src/artifacts/types';

jest.setTimeout(30_000);

// 16 positions: the 8 pre-fix cells boot on the pre-fix kernel, the 8 write-back cells are skipped.
const SPEC = {
  archs: ['s390x'], transports: ['ccw'], devices: ['net'], modes: ['transitional', 'legacy'],
  hypervisors: ['qemu-7.2'], kernels: ['6.1'], strategies: ['pre-fix', 'write-back'], config: { mtu: [68, 1280, 4096, 9000] },
};
const BOOTS = 8;

/** What planning needs of an installation; nothing here is ever started. */
const INSTALLED: ProbeInstall = {
  dir: '/nonexistent/probe', diskImage: '/nonexistent/probe/out/disk.raw', packages: {},
  guests: { s390x: { kernelImage: '/nonexistent/vmlinuz', initrd: '/nonexistent/initrd', kernelVersion: '6.1.176', console: 'ttysclp0', builtinInitrd: '/nonexistent/builtin.cpio.gz' } },
  qemu: { s390x: { binary: 'qemu-system-s390x', hypervisor: 'qemu-7.2' } },
};

type Combination = Parameters<BootCell>[0]['combination'];
const cellKey = (c: Combination) => `${c.mode}/${c.config?.mtu}`;

/** The engine's prediction as the guest's observation, except: legacy mtu 68 reports no device, mtu 9000 runs at 1500. */
function fakeBoots() {
  const booted = new Map<string, number>();
  const boot: BootCell = async (plan) => {
    const c = plan.combination;
    booted.set(cellKey(c), (booted.get(cellKey(c)) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const predicted = predict(c).observation;
    const base = { attempts: 1, seconds: 0.5, console: `booted ${cellKey(c)}\n===VPROBE-END===\n` };
    if (c.mode === 'legacy' && c.config?.mtu === 68) return { ...base, result: { failure: 'guest', reason: 'the guest reported no virtio net device' } } satisfies CellBoot;
    if (c.config?.mtu === 9000) {
      const observed = { ...predicted, guestValue: 1500 };
      return { ...base, result: { observed, predicted, agree: false, differences: [`guest value: guest 1500, engine ${predicted.guestValue}`] } };
    }
    return { ...base, result: { observed: predicted, predicted, agree: true, differences: [] } };
  };
  return { boot, booted };
}

let testDb: TestDatabase;
let redis: TestRedis;
let db: Database;
let store: ProbeRunStore;
let artifacts: ArtifactStore;
let artifactDir: string;
let blobs: BlobDirectory;
let kernelId: string;
let queue: RedisRunQueue;
const workers: ProbeRunWorker[] = [];
const jobs: { worker: number; name: string; index?: number; outcome: JobOutcome }[] = [];

function deps(boot: BootCell, overrides: Partial<ProbeRunnerDeps> = {}): ProbeRunnerDeps {
  return { store, artifacts, blobs, installed: () => INSTALLED, concurrency: 2, bootTimeoutSeconds: 10, bootCell: boot, ...overrides };
}

function startWorker(boot: BootCell, overrides: Partial<ProbeRunnerDeps> = {}): ProbeRunWorker {
  const id = workers.length;
  const worker = new ProbeRunWorker(deps(boot, overrides), { redisUrl: redis.url, prefix: redis.prefix, onJob: (e) => jobs.push({ worker: id, ...e }) });
  workers.push(worker);
  return worker;
}

async function createRun(): Promise<RunRecord> {
  const matrix = await createMatrix(storesOf(db).matrices, { name: `tiny-${Math.random().toString(36).slice(2)}`, spec: SPEC });
  return store.createProbeRun(matrix, 'test', kernelId);
}

/** A run as the summary shows it, and its cells as the API reads them. */
async function outcomeOf(runId: string) {
  const run = (await store.getRun(runId))!;
  const positions = [...Array(run.cellsTotal).keys()];
  const cells = [...(await store.probeResultsAt(runId, positions)).values()].sort((a, b) => a.position - b.position);
  const { status, error, ok, degraded, broken, probeFailed, skipped, cellsDone, cellsTotal, disagreements, infraFailures, guestFailures, skipReasons } = run;
  return {
    summary: { status, error, ok, degraded, broken, probeFailed, skipped, cellsDone, cellsTotal, disagreements, infraFailures, guestFailures, skipReasons },
    cells,
    grid: [...(await store.readVerdicts(runId, run.cellsTotal))],
    consoles: await Promise.all(cells.map((c) => store.consoleOf(runId, c.position))),
  };
}

beforeEach(async () => {
  testDb = await testDatabase('postgresql', 'probe-workers');
  redis = testRedis('probe');
  db = await openDatabase(testDb.url);
  store = storesOf(db).runs;
  artifacts = storesOf(db).artifacts;
  artifactDir = mkdtempSync(join(tmpdir(), 'virtio-matrix-artifacts-'));
  blobs = new BlobDirectory(artifactDir);
  const { sha256, bytes } = await blobs.put((async function* () { yield Buffer.from('not a kernel: these tests boot nothing'); })(), 1024);
  kernelId = (await artifacts.putKernel({ id: sha256, bytes, arch: 's390x', linux: '6.1.192', strategy: 'pre-fix' })).id;
  queue = new RedisRunQueue(store, { redisUrl: redis.url, prefix: redis.prefix, pollMs: 50 }, probeFlow(deps(fakeBoots().boot), 2));
  jobs.length = 0;
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  await queue.close();
  await redis.flush();
  await db.close();
  await testDb.drop();
  rmSync(artifactDir, { recursive: true, force: true });
});

test('When two workers serve a probe run, then each cell is booted once and the run stores the cells and summary the in-process path stores', async () => {
  const inProcess = fakeBoots();
  const local = await createRun();
  const noStop = { cancelled: () => false, stopping: () => false, progress: () => undefined };
  expect(await executeProbeRun(deps(inProcess.boot), local.id, noStop)).toBe('succeeded');

  const distributed = fakeBoots();
  startWorker(distributed.boot);
  startWorker(distributed.boot);
  const run = await createRun();
  const progress: number[] = [];
  queue.onProgress((p) => progress.push(p.cellsDone));
  await queue.enqueue(run.id);
  await queue.idle();

  const expected = await outcomeOf(local.id);
  const got = await outcomeOf(run.id);
  expect(got).toEqual(expected);
  expect(got.summary).toMatchObject({
    status: 'succeeded', error: null, skipped: 8, cellsDone: 16, cellsTotal: 16, disagreements: 2, guestFailures: 1, infraFailures: 0,
    skipReasons: { 'the kernel under test stands for pre-fix, not write-back': 8 },
  });
  expect(got.summary.ok + got.summary.degraded + got.summary.broken + got.summary.probeFailed).toBe(BOOTS - 1);
  expect(got.cells).toHaveLength(BOOTS);
  expect([...distributed.booted.values()]).toEqual(Array(BOOTS).fill(1));
  // Shards of two cells: four shard jobs, each committed once, and one finish.
  expect(jobs.filter((j) => j.name === 'shard').map((j) => [j.index, j.outcome]).sort()).toEqual([[0, 'committed'], [1, 'committed'], [2, 'committed'], [3, 'committed']]);
  expect(jobs.filter((j) => j.name === 'finish')).toEqual([expect.objectContaining({ outcome: 'succeeded' })]);
  expect(new Set(jobs.map((j) => j.worker)).size).toBe(2);
  expect(progress[progress.length - 1]).toBe(16);
});

test('When a shard is redelivered after a commit that landed, or retried after one that did not, then no cell is stored twice or lost and only the lost boot is repeated', async () => {
  const fake = fakeBoots();
  // 1280 transitional: the commit lands, then the worker's connection drops before it can say so
  // (a crash between commit and ack). 4096 legacy: the connection drops before the commit lands.
  const failOnce = new Set(['transitional/1280', 'legacy/4096']);
  const matrix = new MatrixPlan(SPEC);
  const flaky: ProbeRunStore = Object.assign(Object.create(store) as ProbeRunStore, {
    async commitProbeCell(runId: string, position: number, boot: CellBoot) {
      const key = cellKey(matrix.combinationAt(position) as Combination);
      if (!failOnce.delete(key)) return store.commitProbeCell(runId, position, boot);
      if (key === 'transitional/1280') await store.commitProbeCell(runId, position, boot);
      throw new Error(`connection lost committing ${key}`);
    },
  });
  startWorker(fake.boot, { store: flaky, concurrency: 1 });
  const run = await createRun();
  await queue.enqueue(run.id);
  await queue.idle();

  const got = await outcomeOf(run.id);
  expect(got.summary).toMatchObject({ status: 'succeeded', cellsDone: 16, disagreements: 2, guestFailures: 1 });
  expect(got.summary.ok + got.summary.degraded + got.summary.broken + got.summary.probeFailed).toBe(BOOTS - 1);
  expect(got.cells).toHaveLength(BOOTS);
  expect(fake.booted.get('transitional/1280')).toBe(1);
  expect(fake.booted.get('legacy/4096')).toBe(2);
  expect([...fake.booted.values()].reduce((a, b) => a + b)).toBe(BOOTS + 1);
  const retried = jobs.filter((j) => j.name === 'shard' && j.outcome === 'committed');
  expect(retried).toHaveLength(4);
});

test('When one cell is committed twice at once (two workers holding the same shard), then it is stored and counted once', async () => {
  const { boot } = fakeBoots();
  const run = await createRun();
  await store.markRunning(run.id);
  const position = 0; // transitional, mtu 68, pre-fix
  const result = await boot({ combination: new MatrixPlan(SPEC).combinationAt(position) } as Parameters<BootCell>[0], { timeoutSeconds: 1 });
  await Promise.all([store.commitProbeCell(run.id, position, result), store.commitProbeCell(run.id, position, result), store.commitProbeCell(run.id, position, result)]);
  const stored = (await store.getRun(run.id))!;
  expect(stored.cellsDone).toBe(1);
  expect(stored.ok + stored.degraded + stored.broken + stored.probeFailed).toBe(1);
  expect([...(await store.probedPositions(run.id))]).toEqual([position]);
});

test('When a worker cannot find the kernel artifact\'s file, then it boots nothing and the run fails naming the path', async () => {
  const fake = fakeBoots();
  const elsewhere = mkdtempSync(join(tmpdir(), 'virtio-matrix-unshared-'));
  try {
    startWorker(fake.boot, { blobs: new BlobDirectory(elsewhere) });
    const run = await createRun();
    await queue.enqueue(run.id);
    await queue.idle();
    const done = (await store.getRun(run.id))!;
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^shard \d: kernel artifact [0-9a-f]{64} has no file at /);
    expect(done.error).toContain(join(elsewhere, kernelId));
    expect(done.error).toContain('ARTIFACT_DIR');
    expect(fake.booted.size).toBe(0);
    expect(await store.probedPositions(run.id)).toEqual(new Set());
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('When a probe run is cancelled while a worker boots, then the boot in flight is dropped and no other cell is booted', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let started!: () => void;
  const firstBoot = new Promise<void>((resolve) => { started = resolve; });
  const fake = fakeBoots();
  const slow: BootCell = async (plan, options) => {
    started();
    await released;
    return fake.boot(plan, options);
  };
  startWorker(slow, { concurrency: 1 });
  const run = await createRun();
  await queue.enqueue(run.id);
  await firstBoot;
  await queue.cancel(run.id);
  release();
  // Every shard job ends: the one in hand after its boot, the others at once.
  while (jobs.filter((j) => j.name === 'shard').length < 4) await new Promise((resolve) => setTimeout(resolve, 20));
  const done = (await store.getRun(run.id))!;
  expect(done.status).toBe('cancelled');
  expect(fake.booted.size).toBe(1);
  expect(await store.probedPositions(run.id)).toEqual(new Set());
  expect(jobs.filter((j) => j.name === 'shard').every((j) => j.outcome === 'skipped')).toBe(true);
});
