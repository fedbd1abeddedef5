import type { FeatureBit } from './types';

/**
 * Transport-range feature bits (include/uapi/linux/virtio_config.h, virtio_ring.h; spec
 * "Reserved Feature Bits"). Linux keeps bits VIRTIO_TRANSPORT_F_START..END in `dev->features`
 * whatever the driver's table says (drivers/virtio/virtio.c, virtio_dev_probe), and the
 * transport's `finalize_features` then drops the ones the ring code does not support.
 */
export const TRANSPORT_FEATURES: readonly FeatureBit[] = [
  { name: 'VIRTIO_F_NOTIFY_ON_EMPTY', bit: 24 },
  { name: 'VIRTIO_F_ANY_LAYOUT', bit: 27 },
  { name: 'VIRTIO_RING_F_INDIRECT_DESC', bit: 28 },
  { name: 'VIRTIO_RING_F_EVENT_IDX', bit: 29 },
  // QEMU's name (hw/virtio/virtio.h); Linux has none: a legacy "bad feature" canary bit.
  { name: 'VIRTIO_F_BAD_FEATURE', bit: 30 },
  { name: 'VIRTIO_F_VERSION_1', bit: 32 },
  { name: 'VIRTIO_F_ACCESS_PLATFORM', bit: 33 },
  { name: 'VIRTIO_F_RING_PACKED', bit: 34 },
  { name: 'VIRTIO_F_IN_ORDER', bit: 35 },
  { name: 'VIRTIO_F_ORDER_PLATFORM', bit: 36 },
  { name: 'VIRTIO_F_SR_IOV', bit: 37 },
  { name: 'VIRTIO_F_NOTIFICATION_DATA', bit: 38 },
  { name: 'VIRTIO_F_NOTIF_CONFIG_DATA', bit: 39 },
  { name: 'VIRTIO_F_RING_RESET', bit: 40 },
];

export const VIRTIO_F_VERSION_1 = 32;
export const VIRTIO_F_ACCESS_PLATFORM = 33;

/** VIRTIO_TRANSPORT_F_START / _END in include/uapi/linux/virtio_config.h (END grew over time; 41 covers all above). */
export const TRANSPORT_F_START = 28;
export const TRANSPORT_F_END = 41;

/** Device status bits (spec §2.1, include/uapi/linux/virtio_config.h). */
export const STATUS = {
  ACKNOWLEDGE: 1,
  DRIVER: 2,
  DRIVER_OK: 4,
  FEATURES_OK: 8,
  NEEDS_RESET: 64,
  FAILED: 128,
} as const;

export function statusNames(status: number): string[] {
  return (Object.keys(STATUS) as (keyof typeof STATUS)[]).filter((k) => (status & STATUS[k]) !== 0);
}
