import type { HypervisorProfile } from '../types';
import { EARLY_DETECT_RFC, LEGACY_CHECK } from './changes';

const RELEASES = ['5.0', '5.1', '5.2', '6.0', '6.1', '6.2', '7.0', '7.1', '7.2', '8.0', '8.1', '8.2', '9.0', '9.1', '9.2'];

export function compareQemuVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

const MERGED_CHANGES = [LEGACY_CHECK];

function release(version: string, order: number): HypervisorProfile {
  return {
    name: `qemu-${version}`,
    version,
    order,
    changes: MERGED_CHANGES.filter((c) => c.release !== undefined && compareQemuVersions(version, c.release) >= 0),
    mmioForceLegacy: true,
    // No QEMU release chooses config byte order other than from guest_features & VERSION_1 (fact sheet §6).
    source: 'qemu/qemu include/hw/virtio/virtio-access.h @ 1be5a765c08c; hw/virtio/virtio-mmio.c force-legacy default true',
  };
}

/** QEMU releases modelled, oldest first, then the unmerged RFC as a what-if on top of 6.2. */
export const HYPERVISORS: readonly HypervisorProfile[] = [
  ...RELEASES.map((v, i) => release(v, i)),
  {
    ...release('6.2', RELEASES.length),
    name: 'qemu-early-detect-rfc',
    changes: [LEGACY_CHECK, EARLY_DETECT_RFC],
    source: EARLY_DETECT_RFC.source,
    unverified: 'what-if: the RFC was posted against 6.2 development and never merged',
  },
];

export const HYPERVISORS_BY_NAME: ReadonlyMap<string, HypervisorProfile> = new Map(HYPERVISORS.map((h) => [h.name, h]));
