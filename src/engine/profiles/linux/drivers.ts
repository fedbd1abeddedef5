import type { DeviceName, LinuxDriverProfile } from '../types';

const CALIBRATION = 'feature tables by code reading of current drivers; per-version calibration against probes is pending (issue 4)';

/** Linux drivers: when they appeared and their feature tables (what `id_table` drivers accept). */
export const LINUX_DRIVERS: Record<DeviceName, LinuxDriverProfile> = {
  blk: {
    device: 'blk', since: '2.6.24',
    featureTable: [
      'VIRTIO_BLK_F_SEG_MAX', 'VIRTIO_BLK_F_SIZE_MAX', 'VIRTIO_BLK_F_GEOMETRY', 'VIRTIO_BLK_F_RO', 'VIRTIO_BLK_F_BLK_SIZE',
      'VIRTIO_BLK_F_FLUSH', 'VIRTIO_BLK_F_TOPOLOGY', 'VIRTIO_BLK_F_CONFIG_WCE', 'VIRTIO_BLK_F_MQ', 'VIRTIO_BLK_F_DISCARD',
      'VIRTIO_BLK_F_WRITE_ZEROES',
    ],
    featureTableLegacy: [
      'VIRTIO_BLK_F_SEG_MAX', 'VIRTIO_BLK_F_SIZE_MAX', 'VIRTIO_BLK_F_GEOMETRY', 'VIRTIO_BLK_F_RO', 'VIRTIO_BLK_F_BLK_SIZE',
      'VIRTIO_BLK_F_FLUSH', 'VIRTIO_BLK_F_TOPOLOGY', 'VIRTIO_BLK_F_CONFIG_WCE', 'VIRTIO_BLK_F_MQ', 'VIRTIO_BLK_F_DISCARD',
      'VIRTIO_BLK_F_WRITE_ZEROES',
    ],
    source: 'torvalds/linux drivers/block/virtio_blk.c features[], features_legacy[]',
    unverified: CALIBRATION,
  },
  net: {
    device: 'net', since: '2.6.24',
    featureTable: [
      'VIRTIO_NET_F_CSUM', 'VIRTIO_NET_F_GUEST_CSUM', 'VIRTIO_NET_F_MAC', 'VIRTIO_NET_F_HOST_TSO4', 'VIRTIO_NET_F_HOST_UFO',
      'VIRTIO_NET_F_HOST_TSO6', 'VIRTIO_NET_F_HOST_ECN', 'VIRTIO_NET_F_GUEST_TSO4', 'VIRTIO_NET_F_GUEST_TSO6',
      'VIRTIO_NET_F_GUEST_ECN', 'VIRTIO_NET_F_GUEST_UFO', 'VIRTIO_NET_F_MRG_RXBUF', 'VIRTIO_NET_F_STATUS',
      'VIRTIO_NET_F_CTRL_VQ', 'VIRTIO_NET_F_CTRL_RX', 'VIRTIO_NET_F_CTRL_VLAN', 'VIRTIO_NET_F_GUEST_ANNOUNCE',
      'VIRTIO_NET_F_MQ', 'VIRTIO_NET_F_CTRL_MAC_ADDR', 'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS', 'VIRTIO_NET_F_SPEED_DUPLEX',
      'VIRTIO_NET_F_STANDBY',
    ],
    featureTableLegacy: [
      'VIRTIO_NET_F_CSUM', 'VIRTIO_NET_F_GUEST_CSUM', 'VIRTIO_NET_F_GSO', 'VIRTIO_NET_F_MAC', 'VIRTIO_NET_F_HOST_TSO4',
      'VIRTIO_NET_F_HOST_UFO', 'VIRTIO_NET_F_HOST_TSO6', 'VIRTIO_NET_F_HOST_ECN', 'VIRTIO_NET_F_GUEST_TSO4',
      'VIRTIO_NET_F_GUEST_TSO6', 'VIRTIO_NET_F_GUEST_ECN', 'VIRTIO_NET_F_GUEST_UFO', 'VIRTIO_NET_F_MRG_RXBUF',
      'VIRTIO_NET_F_STATUS', 'VIRTIO_NET_F_CTRL_VQ', 'VIRTIO_NET_F_CTRL_RX', 'VIRTIO_NET_F_CTRL_VLAN',
      'VIRTIO_NET_F_GUEST_ANNOUNCE', 'VIRTIO_NET_F_MQ', 'VIRTIO_NET_F_CTRL_MAC_ADDR', 'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS',
      'VIRTIO_NET_F_SPEED_DUPLEX', 'VIRTIO_NET_F_STANDBY', 'VIRTIO_F_ANY_LAYOUT',
    ],
    source: 'torvalds/linux drivers/net/virtio_net.c features[], features_legacy[] (VIRTIO_NET_F_MTU enters with 14de9d114a82); legacy ANY_LAYOUT seen in the 6.1 probes',
    unverified: CALIBRATION,
  },
  balloon: {
    device: 'balloon', since: '2.6.25',
    // PAGE_POISON enters the tables with its patch (balloon-page-poison).
    featureTable: [
      'VIRTIO_BALLOON_F_MUST_TELL_HOST', 'VIRTIO_BALLOON_F_STATS_VQ', 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM',
      'VIRTIO_BALLOON_F_FREE_PAGE_HINT', 'VIRTIO_BALLOON_F_REPORTING',
    ],
    featureTableLegacy: [
      'VIRTIO_BALLOON_F_MUST_TELL_HOST', 'VIRTIO_BALLOON_F_STATS_VQ', 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM',
      'VIRTIO_BALLOON_F_FREE_PAGE_HINT', 'VIRTIO_BALLOON_F_REPORTING',
    ],
    source: 'torvalds/linux drivers/virtio/virtio_balloon.c features[]',
    unverified: CALIBRATION,
  },
  crypto: {
    device: 'crypto', since: '4.10', featureTable: [], featureTableLegacy: [],
    source: 'torvalds/linux drivers/crypto/virtio/virtio_crypto_core.c (driver added for v4.10)',
  },
  scmi: {
    device: 'scmi', since: '5.15', featureTable: ['VIRTIO_SCMI_F_P2A_CHANNELS'], featureTableLegacy: [],
    // scmi_vio_validate: CONFIG_ARM_SCMI_TRANSPORT_VIRTIO_VERSION1_COMPLIANCE (default y). No config read (fact sheet §9).
    rules: [{ kind: 'requireVersion1', device: 'scmi', message: 'scmi_vio_validate: device does not comply with spec version 1.x' }],
    source: 'torvalds/linux drivers/firmware/arm_scmi/virtio.c (virtio transport added for v5.15)',
    unverified: 'first mainline release of the SCMI virtio transport',
  },
  sound: {
    device: 'sound', since: '5.13', featureTable: [], featureTableLegacy: [],
    // virtsnd_validate: VERSION_1 and module-parameter checks; no config read (fact sheet §9, UNVERIFIED there).
    rules: [{ kind: 'requireVersion1', device: 'sound', message: 'virtsnd_validate: virtio version 1.0 is required' }],
    source: 'torvalds/linux sound/virtio/virtio_card.c (driver added for v5.13)',
    unverified: 'first mainline release of virtio-snd',
  },
  console: {
    device: 'console', since: '2.6.26',
    featureTable: ['VIRTIO_CONSOLE_F_SIZE', 'VIRTIO_CONSOLE_F_MULTIPORT', 'VIRTIO_CONSOLE_F_EMERG_WRITE'],
    featureTableLegacy: ['VIRTIO_CONSOLE_F_SIZE', 'VIRTIO_CONSOLE_F_MULTIPORT', 'VIRTIO_CONSOLE_F_EMERG_WRITE'],
    source: 'torvalds/linux drivers/char/virtio_console.c features[]',
  },
  rng: { device: 'rng', since: '2.6.26', featureTable: [], featureTableLegacy: [], source: 'torvalds/linux drivers/char/hw_random/virtio-rng.c' },
};
