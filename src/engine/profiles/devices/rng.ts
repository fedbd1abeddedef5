import type { DeviceProfile } from '../types';

/** virtio-rng (device ID 4): no config space, no device features. */
export const rng: DeviceProfile = {
  name: 'rng',
  virtioId: 4,
  linuxDriver: 'virtio_rng',
  source: 'oasis-tcs/virtio-spec content.tex "Entropy Device": no feature bits, no configuration',
  features: [],
  config: [],
  qemuOffers: [],
  legacyAllowed: true,
  qemuModelSince: '1.3',
  vhostUser: { since: '6.2', config: 'none', source: 'qemu/qemu hw/virtio/vhost-user-rng.c: 11aa9aa12887 in MST\'s pull of 19 Oct 2021 (6.2)' },
  guestValues: [],
};
