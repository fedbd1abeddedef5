/** Runs against a real SQLite file: shards commit with their counters, a restart resumes, cancel stops. */
import { BACKENDS, pgClient, testDatabase, type TestDatabase } from '../support/databases';
import { InvalidCombinationError, MatrixPlan, SKIPPED, Simulator, VERDICTS, evaluate } from '../../src/engine';
import { featureNames } from '../../src/engine/outcome';
import type { DeviceName } from '../../src/engine/profiles/types';
import { openDatabase, type Database } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { createServices, storesOf } from '../../src/composition';
import { startRun, cancelRun, resumeUnfinishedRuns, type RunDeps } from '../../src/runs/commands';
import { InProcessRunQueue } from '../../src/runs/in-process-queue';
import { ShardThreads } from '../../src/runs/shard-threads';
import { evaluateShard } from '../../src/runs/shard-step';
import { ResultBatch } from '../../src/runs/types';
import type { RunStore } from '../../src/runs/types';
import { planShards } from '../../src/runs/shard-plan';
import { deleteRun } from '../../src/runs/retention';

const spec = {
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk', 'net'], modes: ['legacy', 'transitional', 'modern'],
  hypervisors: ['qemu-6.1', 'qemu-7.2'], kernels: ['5.14', '5.15', '5.17'], strategies: ['pre-fix', 'write-back', 'ack-all'],
  config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};

describe.each(BACKENDS)('runs on %s', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  let store: RunStore;

  function deps(queue: InProcessRunQueue): RunDeps {
    return { store, queue, matrixByName: (name) => storesOf(db).matrices.byName(name) };
  }

  beforeEach(async () => {
    testDb = await testDatabase(backend, 'runs');
    db = await openDatabase(testDb.url);
    store = storesOf(db).runs;
    await createMatrix(storesOf(db).matrices, { name: 'small', spec });
  });

  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  /**
   * What the engine says position by position through the single-combination path (resolve and
   * evaluate, as `virtio-matrix evaluate` does), not the plan's cell stream and shard step the run
   * uses: SKIPPED where the combination does not exist.
   */
  function expectedOutcomes() {
    const plan = new MatrixPlan(spec);
    return Array.from({ length: plan.size }, (_, p) => {
      try {
        return evaluate(plan.combinationAt(p), { trace: false });
      } catch (err) {
        if (err instanceof InvalidCombinationError) return null;
        throw err;
      }
    });
  }

  function expectedCounts() {
    const counts = { OK: 0, DEGRADED: 0, BROKEN: 0, PROBE_FAILED: 0, skipped: 0 };
    for (const o of expectedOutcomes()) {
      if (o) counts[o.verdict]++;
      else counts.skipped++;
    }
    return counts;
  }

  describe.each([
    ['in line', () => null],
    ['on two shard threads', () => new ShardThreads(2)],
  ])('evaluated %s', (_mode, threads) => {
    test('When a run finishes, then its counters, grid and stored results agree with the engine evaluating each combination alone', async () => {
      const queue = new InProcessRunQueue(store, { threads: threads() });
      const run = await startRun(deps(queue), 'small', 'test');
      await queue.idle();
      await queue.close();
      const done = (await store.getRun(run.id))!;
      const outcomes = expectedOutcomes();
      const expected = expectedCounts();
      expect(done.status).toBe('succeeded');
      expect(expected.BROKEN).toBeGreaterThan(0); // the matrix holds the 2021 bug, so a run that found nothing would fail here
      expect(done).toMatchObject({ ok: expected.OK, degraded: expected.DEGRADED, broken: expected.BROKEN, probeFailed: expected.PROBE_FAILED, skipped: expected.skipped });
      expect(done.cellsDone).toBe(done.cellsTotal);
      const grid = await store.grid(done);
      expect(Array.from(grid)).toEqual(outcomes.map((o) => (o ? VERDICTS.indexOf(o.verdict) : SKIPPED)));
      const rebuilt = await store.readVerdicts(done.id, done.cellsTotal);
      expect(Buffer.from(rebuilt).equals(Buffer.from(grid))).toBe(true);
      const evaluated = outcomes.flatMap((o, p) => (o ? [p] : []));
      const stored = await store.resultsAt(done.id, evaluated);
      for (const p of evaluated) {
        const o = outcomes[p]!;
        const r = stored.get(p)!;
        expect(featureNames(o.combination.device as DeviceName, r.negotiated)).toEqual(o.negotiated);
        expect(featureNames(o.combination.device as DeviceName, r.cleared)).toEqual(o.clearedInValidate);
      }
      expect(done.finishedAt).toBeInstanceOf(Date);
    });

    test('When a run is interrupted after some shards, then a restart finishes it without counting a shard twice', async () => {
      const matrix = (await storesOf(db).matrices.byName('small'))!;
      // Shards small enough that the ones in flight when it stops (committed: up to four per thread) leave some undone.
      const run = await store.createRun(matrix, 'test', planShards(matrix.positions, 20));
      const first = new InProcessRunQueue(store, { threads: threads() });
      let progressed = 0;
      first.onProgress(() => {
        if (++progressed === 4) void first.close(); // stop mid-run, as a crash would between shards
      });
      await first.enqueue(run.id);
      await first.idle();
      await first.close();
      const partial = (await store.getRun(run.id))!;
      expect(partial.status).toBe('running');
      expect(partial.cellsDone).toBeGreaterThan(0);
      expect(partial.cellsDone).toBeLessThan(partial.cellsTotal);

      const second = new InProcessRunQueue(store, { threads: threads() });
      expect(await resumeUnfinishedRuns(deps(second))).toEqual([run.id]);
      await second.idle();
      await second.close();
      const done = (await store.getRun(run.id))!;
      const expected = expectedCounts();
      expect(done.status).toBe('succeeded');
      expect(done).toMatchObject({ ok: expected.OK, broken: expected.BROKEN, skipped: expected.skipped, cellsDone: done.cellsTotal });
    });
  });

  test('When a run succeeds, then its grid and plan are handed over before the run is reported done; a hand-over that throws leaves the run succeeded', async () => {
    const events: string[] = [];
    const handed: { runId: string; grid: Uint8Array; plan: MatrixPlan }[] = [];
    const queue = new InProcessRunQueue(store, {
      threads: null,
      succeeded: async (runId, grid, plan) => {
        events.push(`handed ${(await store.getRun(runId))!.status}`);
        handed.push({ runId, grid, plan });
      },
    });
    queue.onProgress((p) => {
      if (p.status === 'succeeded') events.push('reported');
    });
    const run = await startRun(deps(queue), 'small', 'test');
    await queue.idle();
    expect(events).toEqual(['handed succeeded', 'reported']);
    expect(handed[0].runId).toBe(run.id);
    expect(Buffer.from(handed[0].grid).equals(Buffer.from(await store.grid((await store.getRun(run.id))!)))).toBe(true);
    expect(handed[0].plan.size).toBe(handed[0].grid.length);

    const errors: unknown[] = [];
    const failing = new InProcessRunQueue(store, { threads: null, onError: (err) => errors.push(err), succeeded: async () => Promise.reject(new Error('no room')) });
    const second = await startRun(deps(failing), 'small', 'test');
    await failing.idle();
    expect((await store.getRun(second.id))!.status).toBe('succeeded');
    expect(errors).toEqual([new Error('no room')]);
    await queue.close();
    await failing.close();
  });

  test('When a service runs a matrix in process, then the first diff of the run is answered from the view kept at its end, without reading the stored grid', async () => {
    const { services, queue, probeQueue } = createServices(db, { threads: null });
    try {
      const run = await startRun(services.runDeps, 'small', 'test');
      await queue.idle();
      const gridReads = jest.spyOn(services.store, 'grid');
      const diff = await services.views.diff(run.id, 'STRATEGY', 'pre-fix', 'write-back', null, 10, -1);
      expect(diff.totals.FIX).toBeGreaterThan(0); // write-back mends the 2021 bug: a diff that read nothing would find no fix
      expect(gridReads).not.toHaveBeenCalled();
      // Deleted through the API's path: forgotten, and refused from then on.
      await deleteRun(services.retention, run.id);
      services.views.forget(run.id);
      await expect(services.views.diff(run.id, 'STRATEGY', 'pre-fix', 'write-back', null, 10, -1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await queue.close();
      await probeQueue.close();
    }
  });

  test('When a process that reads nothing back (the CLI) runs a matrix, then no view is kept and a later read loads the stored grid', async () => {
    const { services, queue, probeQueue } = createServices(db, { threads: null, keepViews: false });
    try {
      const run = await startRun(services.runDeps, 'small', 'test');
      await queue.idle();
      const gridReads = jest.spyOn(services.store, 'grid');
      await services.views.diff(run.id, 'STRATEGY', 'pre-fix', 'write-back', null, 10, -1);
      expect(gridReads).toHaveBeenCalledTimes(1);
    } finally {
      await queue.close();
      await probeQueue.close();
    }
  });

  /** A run of the small matrix in one shard, evaluated but not committed. */
  async function evaluatedWholeRun() {
    const matrix = (await storesOf(db).matrices.byName('small'))!;
    const run = await store.createRun(matrix, 'test', planShards(matrix.positions, 100_000));
    const [shard] = await store.shards(run.id);
    const batch = new ResultBatch(shard.to - shard.from);
    const counts = evaluateShard(new MatrixPlan(spec), shard, new Simulator(), batch);
    return { run, shard, batch, counts };
  }

  test('When a shard is committed twice, then results and counters are stored once', async () => {
    const { run, shard, batch, counts } = await evaluatedWholeRun();
    expect(await store.commitShard(run.id, shard, batch, counts)).toBe(true);
    expect(await store.commitShard(run.id, shard, batch, counts)).toBe(false);
    const after = (await store.getRun(run.id))!;
    expect(after.ok + after.degraded + after.broken + after.probeFailed).toBe(batch.length);
    expect(after.cellsDone).toBe(shard.to - shard.from);
  });

  test('When a queued run is cancelled, then it never runs; cancelling a finished run changes nothing', async () => {
    const queue = new InProcessRunQueue(store);
    const matrix = (await storesOf(db).matrices.byName('small'))!;
    const a = await store.createRun(matrix, 'test', planShards(matrix.positions));
    const b = await store.createRun(matrix, 'test', planShards(matrix.positions));
    await queue.enqueue(a.id);
    await queue.enqueue(b.id);
    const cancelled = await cancelRun(deps(queue), b.id);
    expect(cancelled.status).toBe('cancelled');
    await queue.idle();
    expect((await store.getRun(a.id))!.status).toBe('succeeded');
    expect((await store.getRun(b.id))!.cellsDone).toBe(0);
    expect((await cancelRun(deps(queue), a.id)).status).toBe('succeeded');
  });

  (backend === 'postgresql' ? test : test.skip)('When a run is cancelled while its shard\'s commit waits for the run\'s row, then nothing of the shard lands', async () => {
    const { run, shard, batch, counts } = await evaluatedWholeRun();
    await store.markRunning(run.id);
    const canceller = pgClient();
    await canceller.connect();
    try {
      await canceller.query(`SET search_path TO "${new URL(testDb.url).searchParams.get('schema')}"`);
      await canceller.query('BEGIN');
      await canceller.query('UPDATE "Run" SET "status" = \'cancelled\' WHERE "id" = $1', [Number(run.id)]);
      const commit = store.commitShard(run.id, shard, batch, counts);
      // The commit has reached PostgreSQL and waits on the run's row before the cancel commits
      // (activity is read afresh each time: inside a transaction PostgreSQL keeps its first read).
      const waiting = async () => (await canceller.query('SELECT pg_stat_clear_snapshot(); SELECT count(*)::int AS n FROM pg_stat_activity WHERE "wait_event_type" = \'Lock\' AND "query" LIKE \'WITH live%\'')) as unknown as { rows: { n: number }[] }[];
      for (let polls = 0; (await waiting())[1].rows[0].n === 0; polls++) {
        if (polls > 500) throw new Error('the shard commit never waited on the run\'s row');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await canceller.query('COMMIT');
      expect(await commit).toBe(false);
    } finally {
      await canceller.end();
    }
    expect(await store.getRun(run.id)).toMatchObject({ status: 'cancelled', cellsDone: 0, ok: 0, broken: 0 });
    expect((await store.shards(run.id))[0].done).toBe(false);
    expect((await store.resultsAt(run.id, [0, 1, 2])).size).toBe(0);
  });

  test('When a shard in flight commits after its run was cancelled, then neither its results nor its counts land', async () => {
    const { run, shard, batch, counts } = await evaluatedWholeRun();
    await store.finishRun(run.id, 'cancelled', null);
    expect(await store.commitShard(run.id, shard, batch, counts)).toBe(false);
    expect(await store.getRun(run.id)).toMatchObject({ status: 'cancelled', cellsDone: 0, ok: 0, broken: 0 });
    expect((await store.shards(run.id))[0].done).toBe(false);
    expect((await store.resultsAt(run.id, [0, 1, 2])).size).toBe(0);
  });

  test('When results are read between two shard commits, then the cells of the shard committed later are found too', async () => {
    const matrix = (await storesOf(db).matrices.byName('small'))!;
    const run = await store.createRun(matrix, 'test', planShards(matrix.positions, Math.ceil(matrix.positions / 2)));
    const [first, second] = await store.shards(run.id);
    const plan = new MatrixPlan(spec);
    const evaluated = (shard: typeof first) => {
      const batch = new ResultBatch(shard.to - shard.from);
      return { batch, counts: evaluateShard(plan, shard, new Simulator(), batch) };
    };
    const a = evaluated(first);
    await store.commitShard(run.id, first, a.batch, a.counts);
    const early = await store.resultsAt(run.id, [a.batch.positions[0]]);
    expect(early.get(a.batch.positions[0])?.verdict).toBe(a.batch.verdicts[0]);
    const b = evaluated(second);
    expect(b.batch.length).toBeGreaterThan(0);
    expect((await store.resultsAt(run.id, [b.batch.positions[0]])).size).toBe(0);
    await store.commitShard(run.id, second, b.batch, b.counts);
    const later = await store.resultsAt(run.id, [a.batch.positions[0], b.batch.positions[0]]);
    expect(later.get(b.batch.positions[0])?.verdict).toBe(b.batch.verdicts[0]);
    expect(later.get(a.batch.positions[0])?.verdict).toBe(a.batch.verdicts[0]);
  });

  test('When a run cannot be enqueued, then startRun fails and the run says why instead of staying queued', async () => {
    const broken = { ...new InProcessRunQueue(store), enqueue: async () => { throw new Error('Redis is down'); } } as unknown as InProcessRunQueue;
    await expect(startRun(deps(broken), 'small', 'test')).rejects.toThrow('Redis is down');
    const { items } = await store.listRuns(null, 1, null);
    expect(items[0]).toMatchObject({ status: 'failed', error: 'could not enqueue: Redis is down' });
  });
});
