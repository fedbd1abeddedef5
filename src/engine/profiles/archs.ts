import type { ArchName, ArchProfile } from './types';

const QEMU_ACCESS = 'qemu/qemu include/hw/virtio/virtio-access.h @ 1be5a765c08c (LEGACY_VIRTIO_IS_BIENDIAN for TARGET_PPC64 || TARGET_ARM)';

/** Guest architectures: byte order, page size, and how QEMU picks legacy config byte order. */
export const ARCHS: Record<ArchName, ArchProfile> = {
  x86_64: {
    name: 'x86_64', endian: 'little', defaultPageSize: 4096, pageSizes: [4096],
    qemuLegacyByteOrder: 'target', source: QEMU_ACCESS,
  },
  aarch64: {
    name: 'aarch64', endian: 'little', defaultPageSize: 4096, pageSizes: [4096, 16384, 65536],
    qemuLegacyByteOrder: 'bi-endian', source: QEMU_ACCESS,
  },
  ppc64le: {
    name: 'ppc64le', endian: 'little', defaultPageSize: 65536, pageSizes: [4096, 65536],
    qemuLegacyByteOrder: 'bi-endian', source: QEMU_ACCESS,
    unverified: 'ppc64 PAGE_SIZE default of 64K is not confirmed by the fact sheet (§10)',
  },
  ppc64: {
    name: 'ppc64', endian: 'big', defaultPageSize: 65536, pageSizes: [4096, 65536],
    qemuLegacyByteOrder: 'bi-endian', source: QEMU_ACCESS,
    unverified: 'ppc64 PAGE_SIZE default of 64K is not confirmed by the fact sheet (§10)',
  },
  s390x: {
    name: 's390x', endian: 'big', defaultPageSize: 4096, pageSizes: [4096],
    qemuLegacyByteOrder: 'target', source: QEMU_ACCESS,
  },
};
