/** The UserPatch store and run snapshots on SQLite: which matrices apply a patch, and snapshot hashes. */
import { openDatabase, type Database } from '../../src/db/database';
import { createMatrix } from '../../src/db/matrices';
import { SqlUserPatchStore, snapshotHash, snapshotProfiles } from '../../src/db/user-patches';
import { createUserPatch, storedRegistry } from '../../src/what-if/commands';
import { testDatabase, type TestDatabase } from '../support/databases';

const CHANGE = (id: string) => ({ id, title: id, source: 'test', definition: { configByteOrder: 'modernInterface' } });
const SPEC = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], kernels: ['5.14'] };

let handle: TestDatabase;
let db: Database;
let store: SqlUserPatchStore;
beforeEach(async () => {
  handle = await testDatabase('sqlite', 'user-patches');
  db = await openDatabase(handle.url);
  store = new SqlUserPatchStore(db);
});
afterEach(async () => {
  await db.close();
  await handle.drop();
});

test('When one id is a prefix of another, then only the matrices applying that exact id use it', async () => {
  for (const id of ['le', 'le-2']) await createUserPatch(store, 'qemu', CHANGE(id));
  const patches = await storedRegistry(store);
  await createMatrix(db, { name: 'uses-le-2', spec: { ...SPEC, hypervisors: ['qemu-6.1+le-2'] } }, undefined, patches);
  await createMatrix(db, { name: 'uses-both', spec: { ...SPEC, hypervisors: ['qemu-6.1+le-2+le'] } }, undefined, patches);
  expect(await store.matricesUsing('qemu', 'le')).toEqual(['uses-both']);
  expect(await store.matricesUsing('qemu', 'le-2')).toEqual(['uses-le-2', 'uses-both']);
  // The same id as a kernel patch is another thing: no kernel value names it.
  expect(await store.matricesUsing('kernel', 'le')).toEqual([]);
});

test('When two specs apply the same definitions, then they share one snapshot; a spec applying none records the engine hash', async () => {
  await createUserPatch(store, 'qemu', CHANGE('le'));
  const a = await snapshotProfiles(db, { ...SPEC, backends: ['qemu'], strategies: ['as-shipped'], config: {}, hypervisors: ['qemu-6.1+le'] });
  const b = await snapshotProfiles(db, { ...SPEC, backends: ['qemu'], strategies: ['pre-fix'], config: {}, hypervisors: ['qemu-7.2+le', 'qemu-7.2'] });
  expect(a).toBe(b);
  expect(a).not.toBe(db.profileHash);
  expect(await snapshotProfiles(db, { ...SPEC, backends: ['qemu'], strategies: ['as-shipped'], config: {}, hypervisors: ['qemu-6.1'] })).toBe(db.profileHash);
  const stored = await db.prisma.profileSet.findUnique({ where: { hash: a } });
  expect(JSON.parse(stored!.whatIf!)).toEqual({ kernelPatches: [], qemuChanges: [{ id: 'le', title: 'le', source: 'test', configByteOrder: 'modernInterface' }] });
  expect(snapshotHash(db.profileHash, JSON.parse(stored!.whatIf!))).toBe(a);
});
