import type { DeviceProfile } from '../types';

/** virtio-balloon (device ID 5). Its `validate()` drops features by guest policy, reading no config. */
export const balloon: DeviceProfile = {
  name: 'balloon',
  virtioId: 5,
  linuxDriver: 'virtio_balloon',
  source: 'torvalds/linux include/uapi/linux/virtio_balloon.h',
  features: [
    { name: 'VIRTIO_BALLOON_F_MUST_TELL_HOST', bit: 0 },
    { name: 'VIRTIO_BALLOON_F_STATS_VQ', bit: 1 },
    { name: 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM', bit: 2 },
    { name: 'VIRTIO_BALLOON_F_FREE_PAGE_HINT', bit: 3 },
    { name: 'VIRTIO_BALLOON_F_PAGE_POISON', bit: 4 },
    { name: 'VIRTIO_BALLOON_F_REPORTING', bit: 5 },
  ],
  config: [
    { name: 'num_pages', offset: 0, width: 4, type: 'uint', qemuDefault: 0, doc: 'Pages the host wants the guest to give up.' },
    { name: 'actual', offset: 4, width: 4, type: 'uint', qemuDefault: 0, doc: 'Pages the guest has given up.' },
    { name: 'free_page_hint_cmd_id', offset: 8, width: 4, type: 'uint', feature: 'VIRTIO_BALLOON_F_FREE_PAGE_HINT', qemuDefault: 0, doc: 'Free page hinting command id.' },
    { name: 'poison_val', offset: 12, width: 4, type: 'uint', feature: 'VIRTIO_BALLOON_F_PAGE_POISON', qemuDefault: 0, doc: 'Page poison value.' },
  ],
  qemuOffers: ['VIRTIO_BALLOON_F_STATS_VQ', { feature: 'VIRTIO_BALLOON_F_PAGE_POISON', since: '5.1' }],
  unverified: 'qemuOffers by code reading of hw/virtio/virtio-balloon.c property defaults (DEFINE_PROP_BIT("page-poison", ..., true) from 5.1)',
  legacyAllowed: true,
  qemuModelSince: '0.10',
  guestValues: [],
};
