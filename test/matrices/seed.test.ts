/** The seed matrices: stored on first start, and known by name before the store is open. */
import { storesOf } from '../../src/composition';
import { ensureSeedMatrices, SEED_MATRICES, storedSeedSpec } from '../../src/matrices/seed';
import { planKey } from '../../src/runs/plan-key';
import { planShards } from '../../src/runs/shard-plan';
import { freshStorePerTest } from '../support/store';

const fresh = freshStorePerTest('sqlite', 'seed');

test('When a seed matrix is named before the store opens, then its plan key is the one a run of the stored seed has (shard threads keep the plan they guessed)', async () => {
  const stores = storesOf(fresh.db);
  await ensureSeedMatrices(stores.matrices);
  for (const { name } of SEED_MATRICES) {
    const matrix = (await stores.matrices.byName(name))!;
    const run = await stores.runs.createRun(matrix, 'test', planShards(matrix.positions));
    expect(planKey({ spec: storedSeedSpec(name)! })).toBe(planKey(run));
  }
});

test('When a name is not a seed matrix, then there is no spec to guess', () => {
  expect(storedSeedSpec('dasd')).toBeUndefined();
});
