/** User patch use cases against the real store (SQLite and PostgreSQL): "When …, then …". */
import { readFileSync } from 'node:fs';
import { createMatrix } from '../../src/matrices/create-matrix';
import { SqlMatrixStore } from '../../src/db/matrices';
import { SqlRunStore } from '../../src/db/runs';
import { planShards } from '../../src/runs/shard-plan';
import { SqlUserPatchStore } from '../../src/db/user-patches';
import { NotFoundError } from '../../src/runs/errors';
import { planOf } from '../../src/runs/plan';
import { PatchInUseError, createUserPatch, deleteUserPatch, storedRegistry, whatIfFor } from '../../src/what-if/commands';
import { BACKENDS } from '../support/databases';
import { freshStorePerTest } from '../support/store';

const [BLK_SIZE_CHECK] = JSON.parse(readFileSync('examples/what-if/patches.json', 'utf8')) as Record<string, unknown>[];

function input(definition: Record<string, unknown>, id: string) {
  const { title, source, ...rest } = definition;
  delete rest.id;
  return { id, title: title as string, source: source as string, definition: rest };
}

/** A proposed revert of another proposed patch: it needs what it removes. */
const REVERT = { id: 'revert-check', title: 'Revert the check', definition: { mainline: '5.15-rc6', stable: [], role: 'fix', remedy: 'revert', removes: ['blk-size-check'] }, source: 'test' };
const MATRIX = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1'], config: { blk_size: [4096] } };

describe.each(BACKENDS)('user patches on %s', (backend) => {
  const opened = freshStorePerTest(backend, 'what-if');
  const store = () => new SqlUserPatchStore(opened.db);

  test('When a patch removes another stored patch, then the removed one cannot be deleted first, and a run snapshot holds both', async () => {
    await createUserPatch(store(), 'kernel', input(BLK_SIZE_CHECK, 'blk-size-check'));
    await createUserPatch(store(), 'kernel', REVERT);
    await expect(deleteUserPatch(store(), 'kernel', 'blk-size-check')).rejects.toMatchObject({ users: ['kernel patch "revert-check" (removes it)'] });
    expect(whatIfFor({ ...MATRIX, backends: ['qemu'], strategies: ['as-shipped'], kernels: ['5.13+revert-check'] }, await store().list())?.kernelPatches.map((p) => p.id))
      .toEqual(['blk-size-check', 'revert-check']);
    expect((await deleteUserPatch(store(), 'kernel', 'revert-check')).id).toBe('revert-check');
    expect((await deleteUserPatch(store(), 'kernel', 'blk-size-check')).id).toBe('blk-size-check');
    await expect(deleteUserPatch(store(), 'kernel', 'blk-size-check')).rejects.toBeInstanceOf(NotFoundError);
  });

  test('When a stored patch removes itself (accepted before that was refused), then it can still be deleted', async () => {
    const definition = { ...REVERT.definition, id: 'self', title: 't', source: 'test', removes: ['self'] };
    await store().insert({ kind: 'kernel', id: 'self', title: 't', source: 'test', definition });
    expect((await deleteUserPatch(store(), 'kernel', 'self')).id).toBe('self');
    expect(await store().list()).toEqual([]);
  });

  test('When a removes list names nothing known, then the patch is refused at definition.removes and nothing is stored', async () => {
    await expect(createUserPatch(store(), 'kernel', { ...REVERT, definition: { ...REVERT.definition, removes: ['nothing-here'] } }))
      .rejects.toMatchObject({ field: 'definition.removes.0' });
    expect(await store().list()).toEqual([]);
  });

  test('When a matrix applies a QEMU change, then deleting it is refused naming the matrix; its runs share one snapshot per content', async () => {
    await createUserPatch(store(), 'qemu', { id: 'le', title: 'LE config on modern', source: 'test', definition: { configByteOrder: 'modernInterface' } });
    const spec = { ...MATRIX, hypervisors: ['qemu-6.1', 'qemu-6.1+le'], kernels: ['5.14'] };
    const matrix = await createMatrix(new SqlMatrixStore(opened.db), { name: 'le', spec }, undefined, await storedRegistry(store()));
    await expect(deleteUserPatch(store(), 'qemu', 'le')).rejects.toEqual(new PatchInUseError('qemu', 'le', ['matrix "le"']));
    const runs = new SqlRunStore(opened.db);
    const [first, second] = [await runs.createRun(matrix, 'test', planShards(matrix.positions)), await runs.createRun(matrix, 'test', planShards(matrix.positions))];
    expect(first.profileHash).toBe(second.profileHash);
    expect(first.profileHash).not.toBe(opened.db.profileHash);
    expect(first.whatIf).toEqual({ kernelPatches: [], qemuChanges: [{ id: 'le', title: 'LE config on modern', source: 'test', configByteOrder: 'modernInterface' }] });
    // The plan comes from the snapshot: the store's rows are not read.
    await opened.db.prisma.userPatch.deleteMany({});
    expect(planOf((await runs.getRun(first.id))!).hypervisors.map((h) => h.name)).toEqual(['qemu-6.1', 'qemu-6.1+le']);
  });

  test('When a matrix applies no user patch, then its runs record the engine profile hash as before', async () => {
    const matrix = await createMatrix(new SqlMatrixStore(opened.db), { name: 'plain', spec: { ...MATRIX, kernels: ['5.14'] } });
    const run = await new SqlRunStore(opened.db).createRun(matrix, 'test', planShards(matrix.positions));
    expect(run).toMatchObject({ profileHash: opened.db.profileHash, whatIf: null });
  });

  test('When a matrix names a patch nobody stored, then it is refused on kernels', async () => {
    await expect(createMatrix(new SqlMatrixStore(opened.db), { name: 'ghost', spec: { ...MATRIX, kernels: ['5.13+ghost'] } }, undefined, await storedRegistry(store())))
      .rejects.toMatchObject({ field: 'kernels', reason: expect.stringMatching(/unknown patch "ghost"/) });
  });
});
