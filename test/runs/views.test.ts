/** Run views: a run's grid is loaded once however many readers ask for it at the same time. */
import { MatrixPlan, SKIPPED } from '../../src/engine';
import type { RunRecord, StoredResult } from '../../src/runs/types';
import { planOf } from '../../src/runs/plan';
import { RunViews, type RunReader } from '../../src/runs/views';

const spec = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], backends: ['qemu'], hypervisors: ['qemu-6.1'], kernels: ['5.14', '5.15'], strategies: ['pre-fix', 'write-back'], config: {} };

function unfinishedRun(): RunRecord {
  const size = new MatrixPlan(spec).size;
  return {
    id: '7', matrixId: '1', matrixName: 'm', spec, status: 'running', trigger: 'test', profileHash: 'x', cellsTotal: size, cellsDone: 0,
    ok: 0, degraded: 0, broken: 0, probeFailed: 0, skipped: 0, createdAt: new Date(), startedAt: new Date(), finishedAt: null, error: null,
  } as RunRecord;
}

/** A reader whose grid reads take a while, as rebuilding an unfinished run's grid from its results does. */
function slowReader(run: RunRecord) {
  const calls = { grid: 0 };
  const reader: RunReader = {
    getRun: async (id) => (id === run.id ? run : null),
    grid: async (r) => {
      calls.grid++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return new Uint8Array(r.cellsTotal).fill(SKIPPED);
    },
    resultsAt: async () => new Map<number, StoredResult>(),
  };
  return { reader, calls };
}

test('When twenty readers ask for an unfinished run at once, then its grid is read once and all of them get it', async () => {
  const run = unfinishedRun();
  const { reader, calls } = slowReader(run);
  const views = new RunViews(reader);
  const pages = await Promise.all(Array.from({ length: 20 }, () => views.cells(run.id, {}, 1, -1)));
  expect(calls.grid).toBe(1);
  expect(new Set(pages.map((p) => p.view.grid)).size).toBe(1);
});

test('When an unfinished run is read again after the first read is done, then it is read afresh (its results are still growing)', async () => {
  const run = unfinishedRun();
  const { reader, calls } = slowReader(run);
  const views = new RunViews(reader);
  await views.view(run.id);
  await views.view(run.id);
  expect(calls.grid).toBe(2);
});

test('When readers ask at once for a run that does not exist, then each gets NOT_FOUND and a later read asks again', async () => {
  const { reader } = slowReader(unfinishedRun());
  const getRun = jest.spyOn(reader, 'getRun');
  const views = new RunViews(reader);
  const results = await Promise.allSettled([views.view('99'), views.view('99')]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(getRun).toHaveBeenCalledTimes(1);
  await expect(views.view('99')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(getRun).toHaveBeenCalledTimes(2);
});

test('When one filter pages through an unfinished run twice while its results grow, then the second read sees the new cells and its count', async () => {
  // The filter is kept per run as coordinates; which cells match comes from the grid of the moment.
  const run = unfinishedRun();
  let grid = new Uint8Array(run.cellsTotal).fill(SKIPPED);
  const reader: RunReader = { getRun: async (id) => (id === run.id ? run : null), grid: async () => grid, resultsAt: async () => new Map<number, StoredResult>() };
  const views = new RunViews(reader);
  const filter = { kernel: ['5.15'], verdict: ['BROKEN'] };
  const before = await views.cells(run.id, filter, 10, -1);
  expect(before.positions).toEqual([]);
  expect(before.total()).toBe(0);
  const plan = new MatrixPlan(spec);
  grid = Uint8Array.from({ length: run.cellsTotal }, (_, p) => (p % 2 === 0 ? 2 : 0));
  const after = await views.cells(run.id, filter, 10, -1);
  const expected = Array.from({ length: run.cellsTotal }, (_, p) => p).filter((p) => p % 2 === 0 && plan.combinationAt(p).kernel === '5.15');
  expect(expected.length).toBeGreaterThan(0);
  expect(after.positions).toEqual(expected.slice(0, 10));
  expect(after.total()).toBe(expected.length);
});

test('When two runs of one matrix are viewed, then they share one plan; a run of another matrix has its own', async () => {
  const runs = [unfinishedRun(), { ...unfinishedRun(), id: '8' }, { ...unfinishedRun(), id: '9', spec: { ...spec, kernels: ['5.14'] } }] as RunRecord[];
  const reader: RunReader = {
    getRun: async (id) => runs.find((r) => r.id === id) ?? null,
    grid: async (r) => new Uint8Array(r.cellsTotal).fill(SKIPPED),
    resultsAt: async () => new Map<number, StoredResult>(),
  };
  const views = new RunViews(reader);
  const [a, b, c] = await Promise.all(runs.map((r) => views.view(r.id)));
  expect(b.plan).toBe(a.plan);
  expect(c.plan).not.toBe(a.plan);
  expect(c.plan.labels()[6]).toEqual(['5.14']);
  expect(a.plan.labels()[6]).toEqual(['5.14', '5.15']);
});

test('When a succeeded run is deleted by another process, then its cached view is served until the next re-check and refused from then on', async () => {
  let stored: RunRecord | null = { ...unfinishedRun(), status: 'succeeded', finishedAt: new Date() } as RunRecord;
  const { reader } = slowReader(stored);
  reader.getRun = async (id) => (stored && id === stored.id ? stored : null);
  const getRun = jest.spyOn(reader, 'getRun');
  const cachedLong = new RunViews(reader, 60_000);
  const checkedEachTime = new RunViews(reader, 0);
  await cachedLong.cells(stored.id, {}, 1, -1);
  await checkedEachTime.cells(stored.id, {}, 1, -1);
  const readsBefore = getRun.mock.calls.length;
  stored = null; // `runs prune` in another process: this one's forget() is never called
  // Within recheckMs: no store read, the run is served as it was.
  await expect(cachedLong.view('7')).resolves.toMatchObject({ run: { id: '7' } });
  expect(getRun.mock.calls.length).toBe(readsBefore);
  // Past it: the store is asked, and the deleted run is NOT_FOUND, now and on the next read.
  await expect(checkedEachTime.view('7')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  await expect(checkedEachTime.cells('7', {}, 1, -1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

describe('a view prepared as its run succeeds in this process', () => {
  // The queue plans a run through planOf, so the plan it hands over is the run's cached one.
  const plan = planOf(unfinishedRun());
  /** Two strategies innermost: pre-fix OK everywhere, write-back BROKEN at position 3 only. */
  const grid = Uint8Array.from({ length: plan.size }, (_, p) => (p === 3 ? 2 : 0));
  let stored: RunRecord | null;
  const reader: RunReader = {
    getRun: async (id) => (stored && id === stored.id ? stored : null),
    grid: async () => {
      throw new Error('the stored grid was read');
    },
    resultsAt: async () => new Map<number, StoredResult>(),
  };
  beforeEach(() => {
    stored = { ...unfinishedRun(), status: 'succeeded', finishedAt: new Date() } as RunRecord;
  });

  test('When a run is prepared with its grid and plan, then diffs and cell pages are answered from them without reading the stored grid', async () => {
    const views = new RunViews(reader);
    await views.prepare('7', grid, plan);
    const diff = await views.diff('7', 'STRATEGY', 'pre-fix', 'write-back', null, 10, -1);
    expect(diff.pairs).toEqual([{ base: 2, head: 3, transition: 'REGRESSION' }]);
    expect(diff.view.plan).toBe(plan);
    expect((await views.cells('7', { verdict: ['BROKEN'] }, 10, -1)).positions).toEqual([3]);
  });

  test('When the prepared run is deleted here, then it is NOT_FOUND at once; when another process prunes it, from the next re-check on', async () => {
    const views = new RunViews(reader, 0);
    await views.prepare('7', grid, plan);
    views.forget('7');
    stored = null;
    await expect(views.view('7')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    stored = { ...unfinishedRun(), status: 'succeeded', finishedAt: new Date() } as RunRecord;
    const pruned = new RunViews(reader, 0);
    await pruned.prepare('7', grid, plan);
    stored = null; // `runs prune` elsewhere: forget() is never called here
    await expect(pruned.diff('7', 'STRATEGY', 'pre-fix', 'write-back', null, 10, -1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('When the run is deleted here while it is being prepared, then the prepared view is not kept (the store is asked again)', async () => {
    const views = new RunViews(reader, 60_000);
    let release: () => void = () => undefined;
    const read = jest.spyOn(reader, 'getRun').mockImplementationOnce(async (id) => {
      const found = stored && id === stored.id ? stored : null; // read before the deletion
      await new Promise<void>((resolve) => (release = resolve));
      return found;
    });
    const preparing = views.prepare('7', grid, plan);
    await Promise.resolve();
    views.forget('7'); // deleteRun here, while prepare's read of the run is in flight
    stored = null;
    release();
    await preparing;
    await expect(views.view('7')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    read.mockRestore();
  });

  test('When a view is prepared while a load of the same run is in flight, then both give one view (one grid, one chunk summary)', async () => {
    // The load reads the stored grid slowly: the prepare lands while it is in flight.
    const loads = { ...reader, grid: () => new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(grid), 20)) };
    const views = new RunViews(loads);
    const loading = views.view('7');
    await views.prepare('7', grid.slice(), plan);
    const prepared = await views.view('7');
    expect(await loading).toBe(prepared);
    expect(await views.view('7')).toBe(prepared);
  });

  test('When the run is no longer succeeded or no longer there as it is prepared, then nothing is kept and reads go to the store', async () => {
    const views = new RunViews(reader);
    stored = null;
    await views.prepare('7', grid, plan);
    await expect(views.view('7')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    stored = { ...unfinishedRun(), status: 'failed' } as RunRecord;
    await views.prepare('7', grid, plan);
    await expect(views.view('7')).rejects.toThrow('the stored grid was read');
  });
});
