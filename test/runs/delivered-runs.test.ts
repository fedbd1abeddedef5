/** Runs started by webhook deliveries, against a real store: a delivery id starts one run, unless its run could not be queued. */
import { BACKENDS, testDatabase, type TestDatabase } from '../support/databases';
import { openDatabase, type Database } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { storesOf } from '../../src/composition';
import { startDeliveredRun, type RunDeps } from '../../src/runs/commands';
import type { Delivery, RunQueue } from '../../src/runs/types';
import type { RunStore } from '../../src/runs/types';

const spec = {
  archs: ['x86_64'], transports: ['pci'], devices: ['blk'], modes: ['modern'],
  hypervisors: ['qemu-6.1'], kernels: ['5.14', '5.15'], strategies: ['pre-fix'], config: { blk_size: [512, 4096] },
};

const delivery: Delivery = { source: 'github', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', event: 'push', repository: 'acme/linux', ref: 'refs/heads/main', commit: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' };

/** A queue that records what it is given, or refuses while `down` (Redis unreachable). */
function queue(): RunQueue & { enqueued: string[]; down: boolean } {
  return {
    enqueued: [], down: false,
    async enqueue(id) {
      if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      this.enqueued.push(id);
    },
    async cancel() {}, onProgress: () => () => {}, async idle() {}, async close() {},
  };
}

describe.each(BACKENDS)('delivered runs on %s', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  let store: RunStore;

  beforeEach(async () => {
    testDb = await testDatabase(backend, 'deliveries');
    db = await openDatabase(testDb.url);
    store = storesOf(db).runs;
    await createMatrix(storesOf(db).matrices, { name: 'small', spec });
  });

  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  const deps = (q: RunQueue): RunDeps => ({ store, queue: q, matrixByName: (name) => storesOf(db).matrices.byName(name) });

  test('When a delivery comes again, then the first run comes back and nothing more is queued', async () => {
    const q = queue();
    const first = await startDeliveredRun(deps(q), 'small', 'github push', delivery);
    const again = await startDeliveredRun(deps(q), 'small', 'github push', delivery);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, run: { id: first.run.id } });
    expect(q.enqueued).toEqual([first.run.id]);
    expect((await store.deliveriesByRunIds([first.run.id])).get(first.run.id)).toMatchObject({ ...delivery, runId: first.run.id });
  });

  test('When the run of a delivery cannot be queued, then it fails with the reason and a redelivery starts a run', async () => {
    const q = queue();
    q.down = true;
    await expect(startDeliveredRun(deps(q), 'small', 'github push', delivery)).rejects.toThrow('ECONNREFUSED');
    const failed = await store.getRun('1');
    expect(failed).toMatchObject({ status: 'failed', error: 'could not enqueue: connect ECONNREFUSED 127.0.0.1:6379' });
    expect((await store.deliveriesByRunIds(['1'])).size).toBe(0);

    q.down = false;
    const retried = await startDeliveredRun(deps(q), 'small', 'github push', delivery);
    expect(retried.duplicate).toBe(false);
    expect(retried.run.id).not.toBe('1');
    expect(q.enqueued).toEqual([retried.run.id]);
  });
});
