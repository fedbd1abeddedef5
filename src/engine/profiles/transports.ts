import type { ArchName, Cited, DeviceMode, TransportName } from './types';

/**
 * Which interfaces a device exposes in a mode, on a transport. The driver prefers the modern
 * interface when there is one (Linux virtio_pci_probe tries virtio_pci_modern_probe first;
 * virtio_ccw_set_transport_rev tries the highest revision first; mmio has one Version register).
 */
export interface TransportMode extends Cited {
  legacyInterface: boolean;
  modernInterface: boolean;
  /** How a user asks QEMU for this mode. */
  qemuOptions: string;
}

export interface TransportProfile extends Cited {
  name: TransportName;
  /** Architectures that have this transport at all; absent: every one. */
  archs?: readonly ArchName[];
  /** Modes the transport can express; `null`: not expressible (mmio has no transitional). */
  modes: Record<DeviceMode, TransportMode | null>;
  /** The register or command the driver sees features through, for traces. */
  featureAccess: string;
  /** Features QEMU's proxy for this transport adds to every device it plugs. */
  qemuOffers?: readonly string[];
  /** QEMU refuses a legacy interface for modern-only devices on this transport (9b3a35ec82 touches ccw and pci only). */
  enforcesLegacyAllowed: boolean;
}

const PCI = 'pbo-linaro/qemu-ci hw/virtio/virtio-pci.c @ 17ba4189c48f (virtio_pci_device_plugged, legacy I/O BAR vs modern caps)';
const CCW = 'pbo-linaro/qemu-ci hw/s390x/virtio-ccw.c @ 2e60d8feb725 (CCW_CMD_SET_VIRTIO_REV, READ_FEAT index 1 only if revision >= 1)';
const MMIO = 'oasis-tcs/virtio-spec transport-mmio.tex @ b495841a8e80; QEMU DEFINE_PROP_BOOL("force-legacy", VirtIOMMIOProxy, legacy, true)';

export const TRANSPORTS: Record<TransportName, TransportProfile> = {
  pci: {
    name: 'pci',
    source: PCI,
    enforcesLegacyAllowed: true,
    featureAccess: 'PCI feature select (modern common cfg) / HOST_FEATURES (legacy I/O BAR, 32 bits)',
    // virtio_pci_pre_plugged() adds VIRTIO_F_BAD_FEATURE (bit 30) unconditionally (QEMU 7.2
    // hw/virtio/virtio-pci.c); virtio_ccw_pre_plugged() never does. QMP decodes it as
    // VHOST_USER_F_PROTOCOL_FEATURES.
    qemuOffers: ['VIRTIO_F_BAD_FEATURE'],
    modes: {
      legacy: { legacyInterface: true, modernInterface: false, qemuOptions: 'disable-modern=on,disable-legacy=off', source: PCI },
      transitional: { legacyInterface: true, modernInterface: true, qemuOptions: 'disable-modern=off,disable-legacy=off', source: PCI },
      modern: { legacyInterface: false, modernInterface: true, qemuOptions: 'disable-legacy=on', source: PCI },
    },
  },
  ccw: {
    name: 'ccw',
    archs: ['s390x'],
    source: CCW,
    enforcesLegacyAllowed: true,
    featureAccess: 'CCW READ_FEAT / WRITE_FEAT, index 0 and (revision >= 1) index 1',
    modes: {
      legacy: { legacyInterface: true, modernInterface: false, qemuOptions: 'max_revision=0', source: CCW },
      transitional: { legacyInterface: true, modernInterface: true, qemuOptions: 'max_revision=2 (default)', source: CCW },
      modern: {
        legacyInterface: false, modernInterface: true, qemuOptions: 'modern-only device (force_revision_1)', source: CCW + '; transport-ccw.tex @ b04be31f0bf0: "A non-transitional device MUST reject revision id 0."',
      },
    },
  },
  mmio: {
    name: 'mmio',
    // Machines with virtio-mmio slots: x86 microvm and ARM virt; s390-ccw-virtio and pseries have none.
    archs: ['x86_64', 'aarch64'],
    source: MMIO,
    // force-legacy=on (the default) exposes even modern-only devices as Version 1.
    enforcesLegacyAllowed: false,
    featureAccess: 'MMIO DeviceFeaturesSel/DeviceFeatures, DriverFeaturesSel/DriverFeatures',
    modes: {
      legacy: { legacyInterface: true, modernInterface: false, qemuOptions: 'force-legacy=on (default), Version 1', source: MMIO },
      // "MMIO does not do transitional" (Cornelia Huck, Oct 2021): the Version register picks one.
      transitional: null,
      modern: { legacyInterface: false, modernInterface: true, qemuOptions: 'force-legacy=off, Version 2', source: MMIO },
    },
  },
};

/**
 * Highest virtio-ccw revision Linux asks for (drivers/s390/virtio/virtio_ccw.c VIRTIO_CCW_REV_MAX);
 * it steps down on -EOPNOTSUPP. Whether it is 1 or 2 does not change config byte order.
 */
export const LINUX_CCW_REV_MAX = 2;
