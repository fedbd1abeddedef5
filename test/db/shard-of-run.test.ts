/** `shardOfRun`: the one read a worker makes before each shard, on both backends. */
import { MatrixPlan, Simulator } from '../../src/engine';
import { storesOf } from '../../src/composition';
import { createMatrix } from '../../src/matrices/create-matrix';
import { planShards } from '../../src/runs/shard-plan';
import { evaluateShard } from '../../src/runs/shard-step';
import { ResultBatch, type RunRecord, type RunStore } from '../../src/runs/types';
import { BACKENDS } from '../support/databases';
import { freshStorePerTest } from '../support/store';

const spec = { archs: ['s390x'], transports: ['ccw'], devices: ['blk', 'net'], modes: ['transitional', 'modern'], hypervisors: ['qemu-7.2'], kernels: ['5.14', '5.15'], strategies: ['pre-fix', 'write-back'] };

describe.each(BACKENDS)('on %s', (backend) => {
  const fresh = freshStorePerTest(backend, 'shard_of_run');
  let store: RunStore;
  let run: RunRecord;

  beforeEach(async () => {
    store = storesOf(fresh.db).runs;
    const matrix = await createMatrix(storesOf(fresh.db).matrices, { name: 'small', spec });
    run = await store.createRun(matrix, 'test', planShards(matrix.positions, 5));
  });

  test('When a worker asks for a shard of a queued run, then it gets the run\'s status and the shard as stored', async () => {
    const shards = await store.shards(run.id);
    expect(await store.shardOfRun(run.id, 1)).toEqual({ status: 'queued', shard: shards[1] });
    expect(shards[1]).toMatchObject({ from: 5, to: 10, done: false });
  });

  test('When the shard is committed and the run cancelled, then the read says both', async () => {
    const [, shard] = await store.shards(run.id);
    const batch = new ResultBatch(shard.to - shard.from);
    await store.markRunning(run.id);
    await store.commitShard(run.id, shard, batch, evaluateShard(new MatrixPlan(spec), shard, new Simulator(), batch));
    expect(await store.shardOfRun(run.id, 1)).toEqual({ status: 'running', shard: { ...shard, done: true } });
    expect((await store.shardOfRun(run.id, 0))!.shard!.done).toBe(false);
    await store.finishRun(run.id, 'cancelled', null);
    expect((await store.shardOfRun(run.id, 1))!.status).toBe('cancelled');
  });

  test('When the shard or the run does not exist, then the shard is null, or the whole answer', async () => {
    const count = (await store.shards(run.id)).length;
    expect(await store.shardOfRun(run.id, count)).toEqual({ status: 'queued', shard: null });
    expect(await store.shardOfRun(String(Number(run.id) + 1), 0)).toBeNull();
    expect(await store.shardOfRun('not-a-run', 0)).toBeNull();
  });
});
