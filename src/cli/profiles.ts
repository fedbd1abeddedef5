/** What `virtio-matrix profiles` prints: the axis values and the cited patch data. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, HYPERVISORS, KERNEL_PATCHES, MODES, STRATEGIES, TRANSPORT_NAMES } from '../engine';
import { patchDir } from '../kernels/patches';
import { SERIES } from '../kernels/targets';

/** The source files that apply or undo a patch on the series built from source (kernels/patches/SERIES/). */
function sourcePatches(id: string): string[] {
  return Object.keys(SERIES).flatMap((series) => [`${id}.patch`, `revert-${id}.patch`]
    .filter((file) => existsSync(join(patchDir(series), file)))
    .map((file) => `kernels/patches/${series}/${file}`));
}

export function profilesSummary() {
  return {
    archs: ARCH_NAMES,
    transports: TRANSPORT_NAMES,
    devices: DEVICE_NAMES,
    modes: MODES,
    backends: BACKENDS,
    strategies: STRATEGIES,
    hypervisors: HYPERVISORS.map((h) => ({ name: h.name, changes: h.changes.map((c) => c.id) })),
    kernelPatches: KERNEL_PATCHES.map((p) => ({ id: p.id, title: p.title, mainline: p.mainline, stable: p.stable, role: p.role, sourcePatches: sourcePatches(p.id) })),
  };
}
