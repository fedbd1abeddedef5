/** The UserPatch store and run snapshots on SQLite: which matrices apply a patch, and snapshot hashes. */
import { createMatrix } from '../../src/matrices/create-matrix';
import { SqlMatrixStore } from '../../src/db/matrices';
import { SqlUserPatchStore, snapshotHash, snapshotProfiles } from '../../src/db/user-patches';
import { createUserPatch, storedRegistry } from '../../src/what-if/commands';
import { freshStorePerTest } from '../support/store';

const CHANGE = (id: string) => ({ id, title: id, source: 'test', definition: { configByteOrder: 'modernInterface' } });
const SPEC = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], kernels: ['5.14'] };

const opened = freshStorePerTest('sqlite', 'user-patches');
const userPatches = () => new SqlUserPatchStore(opened.db);

test('When one id is a prefix of another, then only the matrices applying that exact id use it', async () => {
  for (const id of ['le', 'le-2']) await createUserPatch(userPatches(), 'qemu', CHANGE(id));
  const patches = await storedRegistry(userPatches());
  await createMatrix(new SqlMatrixStore(opened.db), { name: 'uses-le-2', spec: { ...SPEC, hypervisors: ['qemu-6.1+le-2'] } }, undefined, patches);
  await createMatrix(new SqlMatrixStore(opened.db), { name: 'uses-both', spec: { ...SPEC, hypervisors: ['qemu-6.1+le-2+le'] } }, undefined, patches);
  expect(await userPatches().matricesUsing('qemu', 'le')).toEqual(['uses-both']);
  expect(await userPatches().matricesUsing('qemu', 'le-2')).toEqual(['uses-le-2', 'uses-both']);
  // The same id as a kernel patch is another thing: no kernel value names it.
  expect(await userPatches().matricesUsing('kernel', 'le')).toEqual([]);
});

test('When two specs apply the same definitions, then they share one snapshot; a spec applying none records the engine hash', async () => {
  await createUserPatch(userPatches(), 'qemu', CHANGE('le'));
  const a = await snapshotProfiles(opened.db, { ...SPEC, backends: ['qemu'], strategies: ['as-shipped'], config: {}, hypervisors: ['qemu-6.1+le'] });
  const b = await snapshotProfiles(opened.db, { ...SPEC, backends: ['qemu'], strategies: ['pre-fix'], config: {}, hypervisors: ['qemu-7.2+le', 'qemu-7.2'] });
  expect(a).toBe(b);
  expect(a).not.toBe(opened.db.profileHash);
  expect(await snapshotProfiles(opened.db, { ...SPEC, backends: ['qemu'], strategies: ['as-shipped'], config: {}, hypervisors: ['qemu-6.1'] })).toBe(opened.db.profileHash);
  const stored = await opened.db.prisma.profileSet.findUnique({ where: { hash: a } });
  expect(JSON.parse(stored!.whatIf!)).toEqual({ kernelPatches: [], qemuChanges: [{ id: 'le', title: 'le', source: 'test', configByteOrder: 'modernInterface' }] });
  expect(snapshotHash(opened.db.profileHash, JSON.parse(stored!.whatIf!))).toBe(a);
});
