/** User patches: list beside the built-ins, create, delete; and the registry the engine resolvers apply. */
import { KERNEL_PATCHES, QEMU_CHANGES, type PatchRegistry } from '../../engine';
import { createUserPatch, deleteUserPatch, storedRegistry, type UserPatchInput } from '../../what-if/commands';
import type { UserPatchKind, UserPatchRecord } from '../../what-if/types';
import type { RunRecord } from '../../runs/types';
import type { Context } from '../context';

const storeOf = (ctx: Context) => ctx.userPatches;

/** Every stored definition, for values that name them (evaluate, createMatrix, firstRegression). */
export function registryFor(ctx: Context): Promise<PatchRegistry> {
  return storedRegistry(storeOf(ctx));
}

type Listed = Record<string, unknown> & { builtIn: boolean; definition: object };

function builtIn(definition: object): Listed {
  return { ...definition, removes: (definition as { removes?: string[] }).removes ?? [], builtIn: true, definition };
}

function stored(record: Pick<UserPatchRecord, 'definition'>): Listed {
  const d = record.definition;
  return { ...d, removes: (d.removes as string[] | undefined) ?? [], builtIn: false, definition: d };
}

/** Run { kernelPatches qemuChanges }: the definitions its snapshot holds, never the stored ones. */
export const runPatches = {
  kernelPatches: (r: RunRecord) => (r.whatIf?.kernelPatches ?? []).map((definition) => stored({ definition })),
  qemuChanges: (r: RunRecord) => (r.whatIf?.qemuChanges ?? []).map((definition) => stored({ definition })),
};

/** profiles { kernelPatches qemuChanges }: the built-in ones, then the stored ones in creation order. */
export async function listedPatches(ctx: Context): Promise<{ kernelPatches: Listed[]; qemuChanges: Listed[] }> {
  const records = await storeOf(ctx).list();
  const of = (kind: UserPatchKind) => records.filter((r) => r.kind === kind).map(stored);
  return { kernelPatches: [...KERNEL_PATCHES.map(builtIn), ...of('kernel')], qemuChanges: [...QEMU_CHANGES.map(builtIn), ...of('qemu')] };
}

const create = (kind: UserPatchKind) => async (_: unknown, args: { input: UserPatchInput }, ctx: Context) => stored(await createUserPatch(storeOf(ctx), kind, args.input));
const remove = (kind: UserPatchKind) => async (_: unknown, args: { id: string }, ctx: Context) => stored(await deleteUserPatch(storeOf(ctx), kind, args.id));

export const resolvers = {
  Mutation: {
    createKernelPatch: create('kernel'),
    deleteKernelPatch: remove('kernel'),
    createQemuChange: create('qemu'),
    deleteQemuChange: remove('qemu'),
  },
  // Hypervisor profiles carry the built-in changes as they are: listed or not, they answer the same.
  QemuChange: {
    builtIn: (c: Partial<Listed>) => c.builtIn ?? true,
    definition: (c: Partial<Listed>) => c.definition ?? c,
  },
};
