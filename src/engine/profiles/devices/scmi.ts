import type { DeviceProfile } from '../types';

/** virtio-scmi (device ID 32): no config space; QEMU has only a vhost-user front end. */
export const scmi: DeviceProfile = {
  name: 'scmi',
  virtioId: 32,
  linuxDriver: 'scmi-virtio',
  source: 'torvalds/linux include/uapi/linux/virtio_scmi.h',
  features: [
    { name: 'VIRTIO_SCMI_F_P2A_CHANNELS', bit: 0 },
    { name: 'VIRTIO_SCMI_F_SHARED_MEMORY', bit: 1 },
  ],
  config: [],
  qemuOffers: [],
  legacyAllowed: false,
  vhostUser: { since: '8.1', config: 'none', source: 'qemu/qemu hw/virtio/vhost-user-scmi.c: a5dab090e142, MST "[PULL 08/66] hw/virtio: Add boilerplate for vhost-user-scmi device", 10 Jul 2023 (8.1 development)' },
  guestValues: [],
};
