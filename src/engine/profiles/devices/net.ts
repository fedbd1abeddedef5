import type { DeviceProfile } from '../types';

const UAPI = 'torvalds/linux include/uapi/linux/virtio_net.h (struct virtio_net_config, VIRTIO_NET_F_*)';

/** virtio-net (device ID 1). */
export const net: DeviceProfile = {
  name: 'net',
  virtioId: 1,
  linuxDriver: 'virtio_net',
  source: UAPI,
  features: [
    { name: 'VIRTIO_NET_F_CSUM', bit: 0 },
    { name: 'VIRTIO_NET_F_GUEST_CSUM', bit: 1 },
    { name: 'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS', bit: 2 },
    { name: 'VIRTIO_NET_F_MTU', bit: 3 },
    { name: 'VIRTIO_NET_F_MAC', bit: 5 },
    { name: 'VIRTIO_NET_F_GSO', bit: 6 },
    { name: 'VIRTIO_NET_F_GUEST_TSO4', bit: 7 },
    { name: 'VIRTIO_NET_F_GUEST_TSO6', bit: 8 },
    { name: 'VIRTIO_NET_F_GUEST_ECN', bit: 9 },
    { name: 'VIRTIO_NET_F_GUEST_UFO', bit: 10 },
    { name: 'VIRTIO_NET_F_HOST_TSO4', bit: 11 },
    { name: 'VIRTIO_NET_F_HOST_TSO6', bit: 12 },
    { name: 'VIRTIO_NET_F_HOST_ECN', bit: 13 },
    { name: 'VIRTIO_NET_F_HOST_UFO', bit: 14 },
    { name: 'VIRTIO_NET_F_MRG_RXBUF', bit: 15 },
    { name: 'VIRTIO_NET_F_STATUS', bit: 16 },
    { name: 'VIRTIO_NET_F_CTRL_VQ', bit: 17 },
    { name: 'VIRTIO_NET_F_CTRL_RX', bit: 18 },
    { name: 'VIRTIO_NET_F_CTRL_VLAN', bit: 19 },
    { name: 'VIRTIO_NET_F_CTRL_RX_EXTRA', bit: 20 },
    { name: 'VIRTIO_NET_F_GUEST_ANNOUNCE', bit: 21 },
    { name: 'VIRTIO_NET_F_MQ', bit: 22 },
    { name: 'VIRTIO_NET_F_CTRL_MAC_ADDR', bit: 23 },
    { name: 'VIRTIO_NET_F_DEVICE_STATS', bit: 50 },
    { name: 'VIRTIO_NET_F_VQ_NOTF_COAL', bit: 52 },
    { name: 'VIRTIO_NET_F_NOTF_COAL', bit: 53 },
    { name: 'VIRTIO_NET_F_GUEST_USO4', bit: 54 },
    { name: 'VIRTIO_NET_F_GUEST_USO6', bit: 55 },
    { name: 'VIRTIO_NET_F_HOST_USO', bit: 56 },
    { name: 'VIRTIO_NET_F_HASH_REPORT', bit: 57 },
    { name: 'VIRTIO_NET_F_GUEST_HDRLEN', bit: 59 },
    { name: 'VIRTIO_NET_F_RSS', bit: 60 },
    { name: 'VIRTIO_NET_F_RSC_EXT', bit: 61 },
    { name: 'VIRTIO_NET_F_STANDBY', bit: 62 },
    { name: 'VIRTIO_NET_F_SPEED_DUPLEX', bit: 63 },
  ],
  config: [
    { name: 'mac', offset: 0, width: 6, type: 'mac', feature: 'VIRTIO_NET_F_MAC', qemuDefault: '52:54:00:12:34:56', doc: 'MAC address (bytes, no byte order).' },
    { name: 'status', offset: 6, width: 2, type: 'uint', feature: 'VIRTIO_NET_F_STATUS', qemuDefault: 1, doc: 'VIRTIO_NET_S_LINK_UP / ANNOUNCE.' },
    { name: 'max_virtqueue_pairs', offset: 8, width: 2, type: 'uint', feature: 'VIRTIO_NET_F_MQ', qemuDefault: 1, doc: 'Most RX/TX queue pairs.' },
    {
      name: 'mtu', offset: 10, width: 2, type: 'uint', feature: 'VIRTIO_NET_F_MTU', qemuDefault: 1500,
      doc: 'Advertised MTU. QEMU offers VIRTIO_NET_F_MTU only when host_mtu is set.',
    },
    { name: 'speed', offset: 12, width: 4, type: 'uint', feature: 'VIRTIO_NET_F_SPEED_DUPLEX', qemuDefault: 0xffffffff, doc: 'Link speed in Mb/s (SPEED_UNKNOWN = -1).' },
    { name: 'duplex', offset: 16, width: 1, type: 'uint', feature: 'VIRTIO_NET_F_SPEED_DUPLEX', qemuDefault: 0xff, doc: 'DUPLEX_UNKNOWN = 0xff.' },
    { name: 'rss_max_key_size', offset: 17, width: 1, type: 'uint', feature: 'VIRTIO_NET_F_RSS', qemuDefault: 40, doc: 'Largest RSS key.' },
    { name: 'rss_max_indirection_table_length', offset: 18, width: 2, type: 'uint', feature: 'VIRTIO_NET_F_RSS', qemuDefault: 128, doc: 'Largest RSS indirection table.' },
    { name: 'supported_hash_types', offset: 20, width: 4, type: 'uint', feature: 'VIRTIO_NET_F_RSS', qemuDefault: 0, doc: 'Hash types supported.' },
  ],
  // No VIRTIO_NET_F_MTU: `if (n->net_conf.mtu) n->host_features |= (1ULL << VIRTIO_NET_F_MTU)` (fact sheet §3).
  // With a user-mode netdev (no vnet header) QEMU offers no checksum or segmentation offloads and
  // no MQ; a tap backend adds them (pass `features` to model one).
  qemuOffers: [
    'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS', 'VIRTIO_NET_F_MAC', 'VIRTIO_NET_F_GSO', 'VIRTIO_NET_F_MRG_RXBUF', 'VIRTIO_NET_F_STATUS',
    'VIRTIO_NET_F_CTRL_VQ', 'VIRTIO_NET_F_CTRL_RX', 'VIRTIO_NET_F_CTRL_VLAN', 'VIRTIO_NET_F_CTRL_RX_EXTRA',
    'VIRTIO_NET_F_GUEST_ANNOUNCE', 'VIRTIO_NET_F_CTRL_MAC_ADDR',
  ],
  qemuLegacyFeatures: ['VIRTIO_NET_F_GSO'],
  // QEMU 7.2.0 hw/net/virtio-net.c: property defaults, then virtio_net_get_features() adds MAC and
  // clears the offloads when the peer has no vnet header (slirp/user has none).
  unverified: 'checked in the QEMU 7.2.0 source and the 7.2 probes; other releases by code reading',
  legacyAllowed: true,
  qemuModelSince: '0.10',
  vhostUser: {
    since: '2.1',
    config: 'qemu',
    source: 'qemu/qemu hw/net/virtio-net.c virtio_net_get_config: config comes from QEMU (virtio_stw_p for mtu); only a vhost-vdpa peer supplies its own',
  },
  guestValues: [
    {
      name: 'mtu', field: 'mtu', feature: 'VIRTIO_NET_F_MTU', linuxDefault: 1500,
      breaksWhen: 'exceeds', bindsWithoutFeature: false,
      source: 'virtnet_probe: dev->mtu = mtu if VIRTIO_NET_F_MTU, else ETH_DATA_LEN 1500 (fact sheet §3)',
    },
  ],
};
