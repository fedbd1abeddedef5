import type { DeviceName, LinuxDriverProfile } from '../types';

/**
 * Linux drivers: when they appeared and their feature tables as of Linux 4.10 (what the driver
 * accepts); later changes to the tables are patches in feature-tables.ts. At 6.1 these agree bit
 * for bit with the recorded probes (test/probe/fixtures.test.ts).
 */
const AS_OF_4_10 = 'the 4.10 state from version-named copies of the file (4.9, 4.14, 4.19), not a v4.10 tag';
export const LINUX_DRIVERS: Record<DeviceName, LinuxDriverProfile> = {
  blk: {
    device: 'blk', since: '2.6.24',
    featureTable: [
      'VIRTIO_BLK_F_SEG_MAX', 'VIRTIO_BLK_F_SIZE_MAX', 'VIRTIO_BLK_F_GEOMETRY', 'VIRTIO_BLK_F_RO', 'VIRTIO_BLK_F_BLK_SIZE',
      'VIRTIO_BLK_F_FLUSH', 'VIRTIO_BLK_F_TOPOLOGY', 'VIRTIO_BLK_F_CONFIG_WCE', 'VIRTIO_BLK_F_MQ',
    ],
    // SCSI passthrough: legacy only, until d1281e3a562e (5.6).
    featureTableLegacy: [
      'VIRTIO_BLK_F_SEG_MAX', 'VIRTIO_BLK_F_SIZE_MAX', 'VIRTIO_BLK_F_GEOMETRY', 'VIRTIO_BLK_F_RO', 'VIRTIO_BLK_F_BLK_SIZE',
      'VIRTIO_BLK_F_SCSI', 'VIRTIO_BLK_F_FLUSH', 'VIRTIO_BLK_F_TOPOLOGY', 'VIRTIO_BLK_F_CONFIG_WCE', 'VIRTIO_BLK_F_MQ',
    ],
    source: 'torvalds/linux drivers/block/virtio_blk.c features[], features_legacy[]: a pre-4.11 copy and 4.19',
    unverified: AS_OF_4_10,
  },
  net: {
    device: 'net', since: '2.6.24',
    featureTable: [
      'VIRTIO_NET_F_CSUM', 'VIRTIO_NET_F_GUEST_CSUM', 'VIRTIO_NET_F_MAC', 'VIRTIO_NET_F_HOST_TSO4', 'VIRTIO_NET_F_HOST_UFO',
      'VIRTIO_NET_F_HOST_TSO6', 'VIRTIO_NET_F_HOST_ECN', 'VIRTIO_NET_F_GUEST_TSO4', 'VIRTIO_NET_F_GUEST_TSO6',
      'VIRTIO_NET_F_GUEST_ECN', 'VIRTIO_NET_F_GUEST_UFO', 'VIRTIO_NET_F_MRG_RXBUF', 'VIRTIO_NET_F_STATUS',
      'VIRTIO_NET_F_CTRL_VQ', 'VIRTIO_NET_F_CTRL_RX', 'VIRTIO_NET_F_CTRL_VLAN', 'VIRTIO_NET_F_GUEST_ANNOUNCE',
      'VIRTIO_NET_F_MQ', 'VIRTIO_NET_F_CTRL_MAC_ADDR',
    ],
    featureTableLegacy: [
      'VIRTIO_NET_F_CSUM', 'VIRTIO_NET_F_GUEST_CSUM', 'VIRTIO_NET_F_GSO', 'VIRTIO_NET_F_MAC', 'VIRTIO_NET_F_HOST_TSO4',
      'VIRTIO_NET_F_HOST_UFO', 'VIRTIO_NET_F_HOST_TSO6', 'VIRTIO_NET_F_HOST_ECN', 'VIRTIO_NET_F_GUEST_TSO4',
      'VIRTIO_NET_F_GUEST_TSO6', 'VIRTIO_NET_F_GUEST_ECN', 'VIRTIO_NET_F_GUEST_UFO', 'VIRTIO_NET_F_MRG_RXBUF',
      'VIRTIO_NET_F_STATUS', 'VIRTIO_NET_F_CTRL_VQ', 'VIRTIO_NET_F_CTRL_RX', 'VIRTIO_NET_F_CTRL_VLAN',
      'VIRTIO_NET_F_GUEST_ANNOUNCE', 'VIRTIO_NET_F_MQ', 'VIRTIO_NET_F_CTRL_MAC_ADDR', 'VIRTIO_F_ANY_LAYOUT',
    ],
    source: 'torvalds/linux drivers/net/virtio_net.c features[], features_legacy[] (VIRTIO_NET_F_MTU enters with 14de9d114a82): a 4.9 copy; legacy GSO and ANY_LAYOUT also in the 6.1 probes',
    unverified: AS_OF_4_10,
  },
  balloon: {
    device: 'balloon', since: '2.6.25',
    // PAGE_POISON enters the tables with its patch (2e991629bcf5), FREE_PAGE_HINT and REPORTING with theirs.
    featureTable: ['VIRTIO_BALLOON_F_MUST_TELL_HOST', 'VIRTIO_BALLOON_F_STATS_VQ', 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM'],
    featureTableLegacy: ['VIRTIO_BALLOON_F_MUST_TELL_HOST', 'VIRTIO_BALLOON_F_STATS_VQ', 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM'],
    source: 'torvalds/linux drivers/virtio/virtio_balloon.c features[] (one table for both): 4.19',
    unverified: AS_OF_4_10,
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
    // EMERG_WRITE is defined in the uapi header but the driver never accepts it.
    featureTable: ['VIRTIO_CONSOLE_F_SIZE', 'VIRTIO_CONSOLE_F_MULTIPORT'],
    featureTableLegacy: ['VIRTIO_CONSOLE_F_SIZE', 'VIRTIO_CONSOLE_F_MULTIPORT'],
    source: 'torvalds/linux drivers/char/virtio_console.c features[] = { SIZE, MULTIPORT }',
    unverified: 'unchanged through 6.12 read in stored copies, not in a 6.12 file',
  },
  rng: { device: 'rng', since: '2.6.26', featureTable: [], featureTableLegacy: [], source: 'torvalds/linux drivers/char/hw_random/virtio-rng.c (no feature table)' },
};
