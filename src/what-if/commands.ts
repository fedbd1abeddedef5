/**
 * Use cases for user patches: create one (checked through the schema the built-ins load
 * through, beside the ones stored), delete one nothing depends on, and the snapshot of the
 * ones a matrix applies. Stored definitions are never edited, so a snapshot stays true.
 */
import { createPatchRegistry, isBuiltInId, PatchDefinitionError, splitApplied, type MatrixSpec, type PatchRegistry } from '../engine';
import { BadInputError, NotFoundError } from '../runs/errors';
import type { UserPatchKind, UserPatchRecord, UserPatchStore, WhatIf } from './types';

export interface UserPatchInput {
  id: string;
  title: string;
  source: string;
  /** The rest of the definition (kernel-patch or qemu-change schema v1) as a JSON object. */
  definition: unknown;
}

const WHAT: Record<UserPatchKind, string> = { kernel: 'kernel patch', qemu: 'QEMU change' };

/**
 * A patch that a stored matrix or another stored patch applies: deleting it is refused (CONFLICT)
 * and nothing changes, since the matrix's next run could no longer be planned.
 */
export class PatchInUseError extends Error {
  readonly code = 'PATCH_IN_USE';
  constructor(readonly kind: UserPatchKind, readonly patchId: string, readonly users: string[]) {
    super(`${WHAT[kind]} "${patchId}" is applied by ${users.join(', ')}, which must keep meaning what they say, so it stays (runs made already hold their own copy)`);
  }
}

/** All stored definitions as a registry, for values that name them. */
export function registryOf(whatIf: WhatIf | null | undefined): PatchRegistry {
  return createPatchRegistry(whatIf?.kernelPatches ?? [], whatIf?.qemuChanges ?? []);
}

function split(records: readonly UserPatchRecord[]): WhatIf {
  return {
    kernelPatches: records.filter((r) => r.kind === 'kernel').map((r) => r.definition),
    qemuChanges: records.filter((r) => r.kind === 'qemu').map((r) => r.definition),
  };
}

export async function storedRegistry(store: UserPatchStore): Promise<PatchRegistry> {
  return registryOf(split(await store.list()));
}

/** The definition as stored: the input's id, title and source over whatever the definition says. */
function fullDefinition(input: UserPatchInput): Record<string, unknown> {
  const d = input.definition;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new BadInputError('definition', 'expected a JSON object with the rest of the definition (see docs/patch-schema.md)');
  return { ...(d as Record<string, unknown>), id: input.id, title: input.title, source: input.source };
}

/** A schema path in terms of the input: id, title and source are fields of their own, the rest sits under definition. */
function inputPath(path: string): string {
  return ['id', 'title', 'source'].includes(path) ? path : `definition.${path}`;
}

export async function createUserPatch(store: UserPatchStore, kind: UserPatchKind, input: UserPatchInput): Promise<UserPatchRecord> {
  const definition = fullDefinition(input);
  if (isBuiltInId(kind === 'kernel' ? 'patch' : 'qemu change', input.id)) throw new BadInputError('id', `"${input.id}" is a built-in ${WHAT[kind]}; give the proposed one another id`);
  const existing = await store.list(kind);
  if (existing.some((r) => r.id === input.id)) throw new BadInputError('id', `a ${WHAT[kind]} "${input.id}" exists already; delete it first or choose another id`);
  const definitions = [...existing.map((r) => r.definition), definition];
  try {
    if (kind === 'kernel') createPatchRegistry(definitions);
    else createPatchRegistry([], definitions);
  } catch (err) {
    if (err instanceof PatchDefinitionError) throw new BadInputError(inputPath(err.path), err.reason);
    throw err;
  }
  const stored = await store.insert({ kind, id: input.id, title: input.title, source: input.source, definition });
  if (!stored) throw new BadInputError('id', `a ${WHAT[kind]} "${input.id}" exists already; delete it first or choose another id`);
  return stored;
}

/**
 * Refused while a stored matrix applies it (its next run would not plan) or another stored patch
 * removes it. Runs made already are unaffected either way: their snapshot holds the definition.
 */
export async function deleteUserPatch(store: UserPatchStore, kind: UserPatchKind, id: string): Promise<UserPatchRecord> {
  const all = await store.list();
  const record = all.find((r) => r.kind === kind && r.id === id);
  if (!record) throw new NotFoundError(kind === 'kernel' ? 'kernel patch' : 'qemu change', id);
  const users = (await store.matricesUsing(kind, id)).map((name) => `matrix "${name}"`);
  if (kind === 'kernel') {
    // Not itself: a store may hold a patch from before self-removal was refused, and it must stay deletable.
    users.push(...all.filter((r) => r.kind === 'kernel' && r.id !== id && ((r.definition.removes as string[] | undefined) ?? []).includes(id)).map((r) => `kernel patch "${r.id}" (removes it)`));
  }
  if (users.length > 0) throw new PatchInUseError(kind, id, users);
  await store.remove(kind, id);
  return record;
}

/** Ids a value applies: `5.13+a+b` → a, b. */
export function appliedIds(value: string): string[] {
  return splitApplied(value).ids;
}

/** Whether any of a spec's values apply this user patch. */
export function specApplies(spec: MatrixSpec, kind: UserPatchKind, id: string): boolean {
  return (kind === 'kernel' ? spec.kernels : spec.hypervisors).some((v) => appliedIds(v).includes(id));
}

/**
 * The stored definitions a spec's values apply, with the kernel patches those remove (a proposed
 * revert needs what it reverts): what a run of it snapshots. Null when it applies none.
 */
export function whatIfFor(spec: MatrixSpec, records: readonly UserPatchRecord[]): WhatIf | null {
  const kernel = new Set(spec.kernels.flatMap(appliedIds));
  const qemu = new Set(spec.hypervisors.flatMap(appliedIds));
  if (kernel.size === 0 && qemu.size === 0) return null;
  const kernelRecords = records.filter((r) => r.kind === 'kernel');
  for (let grew = true; grew;) {
    grew = false;
    for (const r of kernelRecords) {
      if (!kernel.has(r.id)) continue;
      for (const removed of (r.definition.removes as string[] | undefined) ?? []) {
        if (!kernel.has(removed) && kernelRecords.some((k) => k.id === removed)) {
          kernel.add(removed);
          grew = true;
        }
      }
    }
  }
  return split(records.filter((r) => (r.kind === 'kernel' ? kernel : qemu).has(r.id)));
}
