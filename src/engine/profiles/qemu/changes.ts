import { parseQemuChange } from '../schema';
import type { QemuChange } from '../types';

const FACTS = '../shared/domain/virtio-config-endianness.md';

/** QEMU changes that alter which devices and modes exist, or when config turns little endian. */
export const LEGACY_CHECK: QemuChange = parseQemuChange({
  id: '9b3a35ec82',
  title: 'virtio: verify that legacy support is not accidentally on',
  release: '5.1',
  effect: 'enforceLegacyAllowed',
  source: `${FACTS} §6: "virtio: list legacy-capable devices" (MST [PULL 6/9] 22 Jul 2020) and 9b3a35ec82, QEMU 5.1. d55f518248f (5.2) relaxes it only for machine types < 5.1, which combinations here do not use`,
});

export const EARLY_DETECT_RFC: QemuChange = parseQemuChange({
  id: 'rfc-v2-20211112145749',
  title: "virtio: early detect 'modern' virtio (RFC v2, never merged)",
  effect: 'earlyModernDetect',
  source: `${FACTS} §6: <20211112145749.618157-1-pasic@linux.ibm.com>; ccw: virtio_force_modern() in virtio_ccw_reset_virtio() if revision > 0; pci: after the modern STATUS reset; vhost (4/5) but no vhost-user`,
});

/** Every QEMU change the engine knows, merged or not. */
export const QEMU_CHANGES: readonly QemuChange[] = [LEGACY_CHECK, EARLY_DETECT_RFC];

/**
 * Features QEMU's virtio core offers every device (DEFINE_VIRTIO_COMMON_FEATURES: indirect_desc,
 * event_idx, notify_on_empty, any_layout; queue_reset from 7.2). VERSION_1 is added by the
 * transport when the device has a modern interface (virtio_pci_device_plugged,
 * virtio_ccw_pre_plugged, virtio-mmio pre_plugged). Observed in the QEMU 7.2 probe fixtures
 * (test/fixtures/probes): bit 40 is offered by every device there.
 */
/**
 * `VIRTIO_LEGACY_FEATURES` (include/hw/virtio/virtio.h): bits a modern interface hides
 * (virtio-pci common cfg `host_features & ~legacy_features`, ccw READ_FEAT at revision >= 1).
 * Devices add their own (`DeviceProfile.qemuLegacyFeatures`, e.g. net's GSO).
 */
export const QEMU_LEGACY_FEATURES: readonly string[] = ['VIRTIO_F_NOTIFY_ON_EMPTY', 'VIRTIO_F_ANY_LAYOUT', 'VIRTIO_F_BAD_FEATURE'];

export const QEMU_COMMON_OFFERS: readonly { feature: string; since: string; source: string }[] = [
  { feature: 'VIRTIO_F_NOTIFY_ON_EMPTY', since: '0.10', source: 'qemu/qemu include/hw/virtio/virtio.h DEFINE_VIRTIO_COMMON_FEATURES' },
  { feature: 'VIRTIO_F_ANY_LAYOUT', since: '2.0', source: 'qemu/qemu include/hw/virtio/virtio.h DEFINE_VIRTIO_COMMON_FEATURES' },
  { feature: 'VIRTIO_RING_F_INDIRECT_DESC', since: '0.10', source: 'qemu/qemu include/hw/virtio/virtio.h DEFINE_VIRTIO_COMMON_FEATURES' },
  { feature: 'VIRTIO_RING_F_EVENT_IDX', since: '1.0', source: 'qemu/qemu include/hw/virtio/virtio.h DEFINE_VIRTIO_COMMON_FEATURES' },
  { feature: 'VIRTIO_F_RING_RESET', since: '7.2', source: 'qemu/qemu "virtio: support queue reset" (queue_reset property, default on); bit 40 offered in the QEMU 7.2 probes' },
];
