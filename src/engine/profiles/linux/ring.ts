import type { Cited, TransportName } from '../types';

/**
 * Transport features Linux's ring code keeps in `vring_transport_features()`
 * (drivers/virtio/virtio_ring.c); every other bit in the transport range is cleared by the
 * transport's `finalize_features` before it writes the features.
 */
export interface RingFeature extends Cited {
  feature: string;
  since: string;
  /** Kept only by these transports' own `finalize_features` (e.g. virtio-pci's vp_transport_features). */
  transports?: readonly TransportName[];
}

const RING = 'torvalds/linux drivers/virtio/virtio_ring.c vring_transport_features()';
const CALIBRATION = 'first kernel keeping this bit by code reading; calibration against probes is pending (issue 4)';

export const RING_FEATURES: readonly RingFeature[] = [
  { feature: 'VIRTIO_RING_F_INDIRECT_DESC', since: '2.6.24', source: RING },
  { feature: 'VIRTIO_RING_F_EVENT_IDX', since: '3.0', source: RING },
  {
    // The core keeps VERSION_1 from the virtio 1.0 merge (profiles/linux/virtio-1.ts); before it no
    // transport could offer it, so the exact commit matters only for ccw, the first to use it.
    feature: 'VIRTIO_F_VERSION_1', since: '3.19-rc1',
    source: `${RING}; "virtio: make VIRTIO_F_VERSION_1 a transport bit" (MST, 2014-12-09), merged by 6b9e2cea428c (Linus, 2014-12-11, before 3.19-rc1)`,
    unverified: '3.19-rc1 from the merge date; that the ring code (rather than each driver table) keeps the bit from that commit on is from its title',
  },
  { feature: 'VIRTIO_F_ACCESS_PLATFORM', since: '4.8', source: RING, unverified: CALIBRATION },
  { feature: 'VIRTIO_F_RING_PACKED', since: '5.0', source: RING, unverified: CALIBRATION },
  { feature: 'VIRTIO_F_ORDER_PLATFORM', since: '5.1', source: RING, unverified: CALIBRATION },
  {
    feature: 'VIRTIO_F_SR_IOV', since: '5.1', transports: ['pci'], unverified: CALIBRATION,
    source: 'torvalds/linux drivers/virtio/virtio_pci_modern.c vp_transport_features()',
  },
  {
    feature: 'VIRTIO_F_RING_RESET', since: '6.0', transports: ['pci'],
    source: 'torvalds/linux drivers/virtio/virtio_pci_modern.c vp_transport_features(); the 6.1 probes: accepted over PCI, not over ccw',
  },
];
