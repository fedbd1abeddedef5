import type { DeviceProfile } from '../types';

/** virtio-snd (device ID 25). Modern-only. */
export const sound: DeviceProfile = {
  name: 'sound',
  virtioId: 25,
  linuxDriver: 'virtio_snd',
  source: 'torvalds/linux include/uapi/linux/virtio_snd.h (struct virtio_snd_config)',
  features: [],
  config: [
    { name: 'jacks', offset: 0, width: 4, type: 'uint', qemuDefault: 0, doc: 'Number of jacks.' },
    { name: 'streams', offset: 4, width: 4, type: 'uint', qemuDefault: 2, doc: 'Number of PCM streams.' },
    { name: 'chmaps', offset: 8, width: 4, type: 'uint', qemuDefault: 0, doc: 'Number of channel maps.' },
  ],
  qemuOffers: [],
  legacyAllowed: false,
  qemuModelSince: '8.2',
  unverified: 'first QEMU release with the virtio-sound device model',
  guestValues: [],
};
