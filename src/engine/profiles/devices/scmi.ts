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
  vhostUser: { since: '8.0', config: 'none', source: 'qemu/qemu hw/virtio/vhost-user-scmi.c', unverified: 'first QEMU release with vhost-user-scmi' },
  guestValues: [],
};
