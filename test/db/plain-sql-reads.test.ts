/**
 * Matrices and runs are read and written in plain SQL (a CLI run never loads Prisma's client),
 * beside rows Prisma's client wrote (delivered and probe runs, stores of earlier versions): on both
 * backends, each reads as the other wrote it.
 */
import { storesOf } from '../../src/composition';
import { SELECT_RUN, toRecord } from '../../src/db/runs';
import { dateOf } from '../../src/db/sql-values';
import { createMatrix } from '../../src/matrices/create-matrix';
import { MatrixPlan, Simulator } from '../../src/engine';
import { planShards } from '../../src/runs/shard-plan';
import { evaluateShard } from '../../src/runs/shard-step';
import { ResultBatch } from '../../src/runs/types';
import { BACKENDS } from '../support/databases';
import { freshStorePerTest } from '../support/store';

const spec = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1'], kernels: ['5.14', '5.15'], strategies: ['pre-fix', 'write-back'] };

describe.each(BACKENDS)('on %s', (backend) => {
  const fresh = freshStorePerTest(backend, 'plain_sql_reads');

  test('When a matrix is stored in plain SQL, then Prisma\'s client reads the same row, and a matrix Prisma wrote reads back in plain SQL', async () => {
    const { matrices } = storesOf(fresh.db);
    const stored = await createMatrix(matrices, { name: 'dasd', description: 'two kernels', spec });
    const row = await fresh.db.prisma.matrix.findUniqueOrThrow({ where: { name: 'dasd' } });
    expect({ id: row.id, name: row.name, description: row.description, positions: Number(row.positions), createdAt: row.createdAt, spec: JSON.parse(row.spec) })
      .toEqual({ id: stored.id, name: 'dasd', description: 'two kernels', positions: 4, createdAt: stored.createdAt, spec: stored.spec });
    // Positions past 2^31 (a BIGINT) and a timestamp written by Prisma.
    const big = await fresh.db.prisma.matrix.create({ data: { name: 'big', spec: JSON.stringify(stored.spec), positions: 3_000_000_000n } });
    expect(await matrices.byName('big')).toEqual({ id: big.id, name: 'big', description: null, spec: stored.spec, positions: 3_000_000_000, createdAt: big.createdAt });
    expect(await matrices.list(10, null)).toMatchObject({ total: 2, hasNext: false, items: [{ name: 'dasd' }, { name: 'big' }] });
    expect([...(await matrices.byIds([big.id])).keys()]).toEqual([big.id]);
  });

  test('When a run is created in plain SQL, then its record is the one Prisma\'s client reads, shards and all, and its timestamps are the instants written', async () => {
    const { matrices, runs } = storesOf(fresh.db);
    const matrix = await createMatrix(matrices, { name: 'dasd', spec });
    const before = Date.now();
    const run = await runs.createRun(matrix, 'cli', planShards(matrix.positions, 3));
    await runs.markRunning(run.id);
    // One shard done, one not: both of the backend's boolean forms are read.
    const [first] = await runs.shards(run.id);
    const batch = new ResultBatch(3);
    await runs.commitShard(run.id, first, batch, evaluateShard(new MatrixPlan(matrix.spec), first, new Simulator(), batch));
    await runs.finishRun(run.id, 'failed', null, 'stopped by the test');
    const after = Date.now();
    const read = (await runs.getRun(run.id))!;
    const viaPrisma = toRecord(await fresh.db.prisma.run.findUniqueOrThrow({ where: { id: Number(run.id) }, ...SELECT_RUN }));
    expect(read).toEqual(viaPrisma);
    expect(read).toMatchObject({ matrixName: 'dasd', trigger: 'cli', status: 'failed', error: 'stopped by the test', kind: 'engine', cellsTotal: 4, whatIf: null });
    for (const at of [read.createdAt, read.startedAt!, read.finishedAt!]) expect(at.getTime()).toBeGreaterThanOrEqual(before - 1);
    for (const at of [read.createdAt, read.startedAt!, read.finishedAt!]) expect(at.getTime()).toBeLessThanOrEqual(after);
    const shards = await fresh.db.prisma.runShard.findMany({ where: { runId: Number(run.id) }, orderBy: { index: 'asc' } });
    expect(await runs.shards(run.id)).toEqual(shards.map((s) => ({ runId: run.id, index: s.index, from: s.from, to: s.to, done: s.done })));
    expect(shards.map((s) => [s.from, s.to, s.done])).toEqual([[0, 3, true], [3, 4, false]]);
  });

  test('When runs were written by Prisma\'s client (a delivered run), then the plain-SQL reads list, find and order them with the rest', async () => {
    const { matrices, runs } = storesOf(fresh.db);
    const matrix = await createMatrix(matrices, { name: 'dasd', spec });
    const first = await runs.createRun(matrix, 'cli', planShards(matrix.positions));
    const delivered = await runs.createDeliveredRun(matrix, 'github', { source: 'github', deliveryId: 'd-1', event: 'push', repository: 'o/r', ref: 'main', commit: 'abc' }, planShards(matrix.positions));
    await runs.finishRun(first.id, 'succeeded', null);
    // Another matrix's run: counted and listed only without a matrix.
    const other = await createMatrix(matrices, { name: 'other', spec: { ...spec, kernels: ['6.1'] } });
    const elsewhere = await runs.createRun(other, 'cli', planShards(other.positions));
    expect(await runs.getRun(delivered.run.id)).toEqual(delivered.run);
    expect(await runs.unfinishedRunIds()).toEqual([delivered.run.id, elsewhere.id]);
    expect(await runs.unfinishedRunOf(matrix.id, 'github')).toEqual(delivered.run);
    expect(await runs.unfinishedRunOf(matrix.id, 'cli')).toBeNull();
    expect(await runs.latestSucceededBefore(String(matrix.id), delivered.run.id)).toMatchObject({ id: first.id, status: 'succeeded' });
    const page = await runs.listRuns(String(matrix.id), 1, null);
    expect(page).toMatchObject({ total: 2, hasNext: true, items: [{ id: delivered.run.id }] });
    expect((await runs.listRuns(null, 5, Number(delivered.run.id))).items.map((r) => r.id)).toEqual([first.id]);
    expect(await runs.listRuns(null, 5, null)).toMatchObject({ total: 3, hasNext: false, items: [{ id: elsewhere.id }, { id: delivered.run.id }, { id: first.id }] });
  });
});

test('A timestamp stored without an offset (plain SQL before this version wrote UTC so) is the same instant as Prisma\'s form', () => {
  expect(dateOf('2026-11-30 19:45:20.942').toISOString()).toBe('2026-11-30T19:45:20.942Z');
  expect(dateOf('2026-11-30T19:45:20.942+00:00').toISOString()).toBe('2026-11-30T19:45:20.942Z');
  expect(dateOf('2026-11-30T20:45:20.942+01:00').toISOString()).toBe('2026-11-30T19:45:20.942Z');
});
