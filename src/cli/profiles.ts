/**
 * What `virtio-matrix profiles` prints: the axis values and the cited patch data; with a store
 * (--db or DATABASE_URL), the user patches and QEMU changes stored there after the built-in ones,
 * as the server's `profiles` query lists them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AXES, HYPERVISORS, KERNEL_PATCHES, QEMU_CHANGES } from '../engine';
import { patchDir } from '../kernels/patches';
import { SERIES } from '../kernels/targets';
import type { UserPatchRecord } from '../what-if/types';
import { openDatabase } from '../db/database';
import { SqlUserPatchStore } from '../db/user-patches';
import { databaseUrl } from '../db/url';

/** The source files that apply or undo a patch on the series built from source (kernels/patches/SERIES/). */
function sourcePatches(id: string): string[] {
  return Object.keys(SERIES).flatMap((series) => [`${id}.patch`, `revert-${id}.patch`]
    .filter((file) => existsSync(join(patchDir(series), file)))
    .map((file) => `kernels/patches/${series}/${file}`));
}

/** A stored definition as listed: what a built-in entry shows, marked as the user's. */
const userEntry = (r: UserPatchRecord) => ({ id: r.id, title: r.title, source: r.source, builtIn: false, createdAt: r.createdAt.toISOString() });

/** `stored`: the store's user definitions, or null when no store was named (built-ins only, said in the output). */
export function profilesSummary(stored: UserPatchRecord[] | null = null) {
  const user = (kind: UserPatchRecord['kind']) => (stored ?? []).filter((r) => r.kind === kind).map(userEntry);
  // The closed value lists from the axis table; hypervisors are listed with their changes below.
  const closed = AXES.filter((a) => a.values && a.field !== 'hypervisor').map((a) => [a.specField, a.values]);
  return {
    userPatches: stored ? 'listed after the built-in ones (builtIn: false)' : 'not listed: built-in patches only; pass --db FILE|URL (or set DATABASE_URL) to list a store\'s user patches too',
    ...Object.fromEntries(closed),
    hypervisors: HYPERVISORS.map((h) => ({ name: h.name, changes: h.changes.map((c) => c.id) })),
    kernelPatches: [
      ...KERNEL_PATCHES.map((p) => ({ id: p.id, title: p.title, mainline: p.mainline, stable: p.stable, role: p.role, sourcePatches: sourcePatches(p.id), builtIn: true })),
      ...user('kernel'),
    ],
    qemuChanges: [...QEMU_CHANGES.map((c) => ({ id: c.id, title: c.title, builtIn: true })), ...user('qemu')],
  };
}

/** `profiles [--db]`: the store is read only when one is named, so a bare call creates no file. */
export async function profilesCommand(opts: { db?: string }) {
  if (!opts.db && !process.env.DATABASE_URL) return profilesSummary();
  const db = await openDatabase(databaseUrl(opts.db));
  try {
    return profilesSummary(await new SqlUserPatchStore(db).list());
  } finally {
    await db.close();
  }
}
