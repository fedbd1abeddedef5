import type { DeviceName, KernelPatch } from '../types';

/**
 * Commits that change a driver's `features[]` / `features_legacy[]` after Linux 4.10, the state
 * the tables in drivers.ts describe. They decide what a kernel can negotiate, never a config read.
 * Releases were pinned from pull requests naming their base release (P) or from version-named
 * copies of the file before and after (B); commit ids from Fixes: tags and stable mails, not
 * checked against a git tree (`git tag --contains` would settle the UNVERIFIED ones).
 */
function tableChange(
  device: DeviceName, id: string, title: string, mainline: string, features: readonly string[],
  cite: { source: string; unverified?: string; modernOnly?: boolean; drop?: boolean },
): KernelPatch {
  return {
    id, title, mainline, stable: [], role: 'change',
    driver: features.map((feature) => (cite.drop
      ? { kind: 'dropFeature' as const, device, feature }
      : { kind: 'acceptFeature' as const, device, feature, modernOnly: cite.modernOnly })),
    source: cite.source,
    ...(cite.unverified ? { unverified: cite.unverified } : {}),
  };
}

const NET_FEATURES = 'drivers/net/virtio_net.c VIRTNET_FEATURES (both tables expand it)';

export const FEATURE_TABLE_PATCHES: readonly KernelPatch[] = [
  tableChange('net', '3f93522ffab2', 'virtio-net: switch off offloads on demand if possible on XDP set', '4.11-rc1', ['VIRTIO_NET_F_CTRL_GUEST_OFFLOADS'], {
    source: `${NET_FEATURES}: absent in a 4.9 copy, present in 4.14 (B)`,
    unverified: 'that this commit adds the bit, and 4.11',
  }),
  tableChange('net', 'faa9b39f0e9d', 'virtio_net: propagate linkspeed/duplex settings from the hypervisor', '4.16-rc1', ['VIRTIO_NET_F_SPEED_DUPLEX'], {
    source: `${NET_FEATURES}: absent in 4.14, present in 4.19 (B); id from the 4.14 stable FAILED list`,
    unverified: '4.16 placement',
  }),
  tableChange('net', '9805069d14c1', 'virtio_net: Introduce VIRTIO_NET_F_STANDBY feature bit', '4.18-rc1', ['VIRTIO_NET_F_STANDBY'], {
    source: `${NET_FEATURES}: posted 2018-05-07 after the 4.17 merge window; present in 4.19 (B)`,
    unverified: '4.18 placement',
  }),
  tableChange('balloon', '86a559787e6f', 'virtio-balloon: VIRTIO_BALLOON_F_FREE_PAGE_HINT', '4.20-rc1', ['VIRTIO_BALLOON_F_FREE_PAGE_HINT'], {
    source: 'drivers/virtio/virtio_balloon.c features[]: absent in 4.19, present in 5.2 (B); committed 2018-10-25',
  }),
  tableChange('blk', '1f23816b8eb8', 'virtio_blk: add discard and write zeroes support', '5.0-rc1', ['VIRTIO_BLK_F_DISCARD', 'VIRTIO_BLK_F_WRITE_ZEROES'], {
    source: 'drivers/block/virtio_blk.c features[] and features_legacy[]: absent in 4.19, present in 5.4 (B); merged through linux-block for 5.0',
  }),
  tableChange('blk', 'd1281e3a562e', 'virtio-blk: remove VIRTIO_BLK_F_SCSI support', '5.6-rc1', ['VIRTIO_BLK_F_SCSI'], {
    drop: true,
    source: 'virtio pull for 5.6 ("Deprecated scsi passthrough for blk removed", based on 5.5) (P); absent in 5.15',
    unverified: 'mainline commit id (this is the vhost tree one); from 4.11 the entry sat under CONFIG_VIRTIO_BLK_SCSI, modelled as built with it',
  }),
  tableChange('balloon', 'b0c504f15471', 'virtio-balloon: add support for providing free page reports to host', '5.7-rc1', ['VIRTIO_BALLOON_F_REPORTING'], {
    source: 'drivers/virtio/virtio_balloon.c features[]: absent in 5.2, present in 5.8.18 (B); merged through -mm',
    unverified: '5.7 placement',
  }),
  tableChange('net', 'c7114b1249fa', 'drivers/net/virtio_net: Added basic RSS support.', '5.18-rc1', ['VIRTIO_NET_F_RSS'], {
    source: `${NET_FEATURES}: v5 posted 2022-03-28, in linux-next 2022-03-29 (P); absent in 5.15, present in 6.1`,
  }),
  tableChange('net', '91f41f01d219', 'drivers/net/virtio_net: Added RSS hash report.', '5.18-rc1', ['VIRTIO_NET_F_HASH_REPORT'], {
    source: `${NET_FEATURES}: same series as c7114b1249fa (P)`,
  }),
  tableChange('blk', 'e60d64074214', 'virtio_blk: add SECURE ERASE command support', '6.1-rc1', ['VIRTIO_BLK_F_SECURE_ERASE'], {
    source: 'virtio pull "fixes, features" based on 6.0, sent 2022-10-10 (P); drivers/block/virtio_blk.c both tables',
  }),
  tableChange('net', '699b045a8e43', 'net: virtio_net: notifications coalescing support', '6.1-rc1', ['VIRTIO_NET_F_NOTF_COAL'], {
    source: `${NET_FEATURES}: committed to net-next 2022-08-17, after 6.0-rc1; present in 6.1 (P)`,
  }),
  tableChange('net', '418044e1de30', 'drivers/net/virtio_net.c: Added USO support.', '6.2-rc1', ['VIRTIO_NET_F_HOST_USO', 'VIRTIO_NET_F_GUEST_USO4', 'VIRTIO_NET_F_GUEST_USO6'], {
    source: `${NET_FEATURES}: in linux-next 2022-12-13, the 6.2 merge window; absent in 6.1 (P)`,
  }),
  tableChange('blk', '95bfec41bd3d', 'virtio-blk: add support for zoned block devices', '6.3-rc1', ['VIRTIO_BLK_F_ZONED'], {
    modernOnly: true,
    source: 'drivers/block/virtio_blk.c features[] only: pull based on 6.2-rc8 (P); unconditional from 10805eb5d6d1 (6.3-rc5 base)',
  }),
  tableChange('net', 'be50da3e9d4a', 'net: virtio_net: implement exact header length guest feature', '6.4-rc1', ['VIRTIO_NET_F_GUEST_HDRLEN'], {
    source: `${NET_FEATURES}: in net-next 2023-03-14 (P)`,
  }),
  tableChange('net', '8af3bf668382', 'virtio_net: enable per queue interrupt coalesce feature', '6.6-rc1', ['VIRTIO_NET_F_VQ_NOTF_COAL'], {
    source: `${NET_FEATURES}: in net-next 2023-08-03 (P); the logic is 394bd87764b6`,
    unverified: 'which of the two commits adds the table entry',
  }),
  tableChange('net', '941168f8b40e', 'virtio_net: support device stats', '6.10-rc1', ['VIRTIO_NET_F_DEVICE_STATS'], {
    source: `${NET_FEATURES}`,
    unverified: '6.10 from a reviewer\'s note, not a pull request',
  }),
];
