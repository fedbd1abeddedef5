/** What `virtio-matrix profiles` prints: the axis values and the cited patch data. */
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, HYPERVISORS, KERNEL_PATCHES, MODES, STRATEGIES, TRANSPORT_NAMES } from '../engine';

export function profilesSummary() {
  return {
    archs: ARCH_NAMES,
    transports: TRANSPORT_NAMES,
    devices: DEVICE_NAMES,
    modes: MODES,
    backends: BACKENDS,
    strategies: STRATEGIES,
    hypervisors: HYPERVISORS.map((h) => ({ name: h.name, changes: h.changes.map((c) => c.id) })),
    kernelPatches: KERNEL_PATCHES.map((p) => ({ id: p.id, title: p.title, mainline: p.mainline, stable: p.stable, role: p.role })),
  };
}
