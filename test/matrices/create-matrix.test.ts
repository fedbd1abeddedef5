/** createMatrix against the real store on both backends: what is refused stores nothing, a name is taken once. */
import { BACKENDS, testDatabase, type TestDatabase } from '../support/databases';
import { openDatabase, type Database } from '../../src/db/database';
import { storesOf } from '../../src/composition';
import { createMatrix } from '../../src/matrices/create-matrix';
import { ensureSeedMatrices } from '../../src/matrices/seed';
import { MatrixExistsError, type MatrixStore } from '../../src/matrices/types';
import { InvalidCombinationError } from '../../src/engine';

const spec = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1'], kernels: ['5.14', '5.15'], config: { blk_size: [512, 4096] } };

describe.each(BACKENDS)('matrices on %s', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  let matrices: MatrixStore;

  beforeEach(async () => {
    testDb = await testDatabase(backend, 'matrices');
    db = await openDatabase(testDb.url);
    matrices = storesOf(db).matrices;
  });

  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  test('When a matrix is created, then it is stored with its positions counted and the defaults filled in', async () => {
    const created = await createMatrix(matrices, { name: 'dasd', spec });
    // 2 kernels x 2 blk_size variants; backend and strategy default to one value each.
    expect(created).toMatchObject({ name: 'dasd', description: null, positions: 4, spec: { ...spec, backends: ['qemu'], strategies: ['as-shipped'] } });
    expect(await matrices.byName('dasd')).toEqual(created);
  });

  test('When the same name is created twice at once, then exactly one is stored and the other is a MatrixExistsError', async () => {
    const results = await Promise.allSettled([createMatrix(matrices, { name: 'twice', spec }), createMatrix(matrices, { name: 'twice', spec })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MatrixExistsError);
    expect((await matrices.list(10, null)).total).toBe(1);
  });

  test('When the value sets are bad, then nothing is stored', async () => {
    await expect(createMatrix(matrices, { name: 'bad', spec: { ...spec, archs: ['vax'] } })).rejects.toThrow(InvalidCombinationError);
    expect(await matrices.byName('bad')).toBeNull();
  });

  test('When the seed runs twice, then be-config-2021 is stored once', async () => {
    await ensureSeedMatrices(matrices);
    await ensureSeedMatrices(matrices);
    const page = await matrices.list(10, null);
    expect(page.items.map((m) => m.name)).toEqual(['be-config-2021']);
    expect(page.items[0].positions).toBe(6_085_800);
  });
});
