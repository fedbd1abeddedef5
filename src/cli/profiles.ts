/** What `virtio-matrix profiles` prints: the axis values and the cited patch data. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AXES, HYPERVISORS, KERNEL_PATCHES } from '../engine';
import { patchDir } from '../kernels/patches';
import { SERIES } from '../kernels/targets';

/** The source files that apply or undo a patch on the series built from source (kernels/patches/SERIES/). */
function sourcePatches(id: string): string[] {
  return Object.keys(SERIES).flatMap((series) => [`${id}.patch`, `revert-${id}.patch`]
    .filter((file) => existsSync(join(patchDir(series), file)))
    .map((file) => `kernels/patches/${series}/${file}`));
}

export function profilesSummary() {
  // The closed value lists from the axis table; hypervisors are listed with their changes below.
  const closed = AXES.filter((a) => a.values && a.field !== 'hypervisor').map((a) => [a.specField, a.values]);
  return {
    ...Object.fromEntries(closed),
    hypervisors: HYPERVISORS.map((h) => ({ name: h.name, changes: h.changes.map((c) => c.id) })),
    kernelPatches: KERNEL_PATCHES.map((p) => ({ id: p.id, title: p.title, mainline: p.mainline, stable: p.stable, role: p.role, sourcePatches: sourcePatches(p.id) })),
  };
}
