/** Proposed kernel patches and QEMU changes users store, and the ports the use cases need. */

/** `kernel`: kernel-patch schema, applied by kernel values BASE+ID; `qemu`: qemu-change schema, by hypervisor values qemu-X.Y+ID. */
export type UserPatchKind = 'kernel' | 'qemu';

export interface UserPatchRecord {
  kind: UserPatchKind;
  id: string;
  title: string;
  source: string;
  /** The whole definition (id, title and source included), as the schema accepted it. */
  definition: Record<string, unknown>;
  createdAt: Date;
}

/** The definitions a run's values apply, frozen into its profile snapshot (ProfileSet.whatIf). */
export interface WhatIf {
  kernelPatches: Record<string, unknown>[];
  qemuChanges: Record<string, unknown>[];
}

export interface UserPatchStore {
  list(kind?: UserPatchKind): Promise<UserPatchRecord[]>;
  /** Stores it; false when (kind, id) is taken (a concurrent create), and nothing changes. */
  insert(record: Omit<UserPatchRecord, 'createdAt'>): Promise<UserPatchRecord | false>;
  remove(kind: UserPatchKind, id: string): Promise<void>;
  /** Names of the stored matrices whose values apply it. */
  matricesUsing(kind: UserPatchKind, id: string): Promise<string[]>;
}
