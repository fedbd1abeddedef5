import type { DeviceProfile } from '../types';

/** virtio-console / virtio-serial (device ID 3). */
export const console: DeviceProfile = {
  name: 'console',
  virtioId: 3,
  linuxDriver: 'virtio_console',
  source: 'torvalds/linux include/uapi/linux/virtio_console.h',
  features: [
    { name: 'VIRTIO_CONSOLE_F_SIZE', bit: 0 },
    { name: 'VIRTIO_CONSOLE_F_MULTIPORT', bit: 1 },
    { name: 'VIRTIO_CONSOLE_F_EMERG_WRITE', bit: 2 },
  ],
  config: [
    { name: 'cols', offset: 0, width: 2, type: 'uint', feature: 'VIRTIO_CONSOLE_F_SIZE', qemuDefault: 80, doc: 'Console columns.' },
    { name: 'rows', offset: 2, width: 2, type: 'uint', feature: 'VIRTIO_CONSOLE_F_SIZE', qemuDefault: 25, doc: 'Console rows.' },
    { name: 'max_nr_ports', offset: 4, width: 4, type: 'uint', feature: 'VIRTIO_CONSOLE_F_MULTIPORT', qemuDefault: 31, doc: 'Most ports.' },
    { name: 'emerg_wr', offset: 8, width: 4, type: 'uint', feature: 'VIRTIO_CONSOLE_F_EMERG_WRITE', qemuDefault: 0, doc: 'Emergency write register.' },
  ],
  qemuOffers: ['VIRTIO_CONSOLE_F_MULTIPORT'],
  unverified: 'qemuOffers by code reading of hw/char/virtio-serial-bus.c (max_ports > 1 offers MULTIPORT)',
  legacyAllowed: true,
  qemuModelSince: '0.12',
  guestValues: [],
};
