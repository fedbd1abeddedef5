import type { DeviceProfile } from '../types';

const UAPI = 'torvalds/linux include/uapi/linux/virtio_blk.h (struct virtio_blk_config, VIRTIO_BLK_F_*)';

/** virtio-blk (device ID 2). */
export const blk: DeviceProfile = {
  name: 'blk',
  virtioId: 2,
  linuxDriver: 'virtio_blk',
  source: UAPI,
  features: [
    { name: 'VIRTIO_BLK_F_BARRIER', bit: 0 },
    { name: 'VIRTIO_BLK_F_SIZE_MAX', bit: 1 },
    { name: 'VIRTIO_BLK_F_SEG_MAX', bit: 2 },
    { name: 'VIRTIO_BLK_F_GEOMETRY', bit: 4 },
    { name: 'VIRTIO_BLK_F_RO', bit: 5 },
    { name: 'VIRTIO_BLK_F_BLK_SIZE', bit: 6 },
    { name: 'VIRTIO_BLK_F_SCSI', bit: 7 },
    { name: 'VIRTIO_BLK_F_FLUSH', bit: 9 },
    { name: 'VIRTIO_BLK_F_TOPOLOGY', bit: 10 },
    { name: 'VIRTIO_BLK_F_CONFIG_WCE', bit: 11 },
    { name: 'VIRTIO_BLK_F_MQ', bit: 12 },
    { name: 'VIRTIO_BLK_F_DISCARD', bit: 13 },
    { name: 'VIRTIO_BLK_F_WRITE_ZEROES', bit: 14 },
    { name: 'VIRTIO_BLK_F_LIFETIME', bit: 15 },
    { name: 'VIRTIO_BLK_F_SECURE_ERASE', bit: 16 },
    { name: 'VIRTIO_BLK_F_ZONED', bit: 17 },
  ],
  config: [
    { name: 'capacity', offset: 0, width: 8, type: 'uint', qemuDefault: 2097152, doc: 'Size in 512-byte sectors.' },
    { name: 'size_max', offset: 8, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_SIZE_MAX', qemuDefault: 0, doc: 'Largest segment size.' },
    { name: 'seg_max', offset: 12, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_SEG_MAX', qemuDefault: 254, doc: 'Most segments in a request (queue size - 2 with seg-max-adjust).' },
    { name: 'geometry.cylinders', offset: 16, width: 2, type: 'uint', feature: 'VIRTIO_BLK_F_GEOMETRY', qemuDefault: 2080, doc: 'Legacy CHS geometry.' },
    { name: 'geometry.heads', offset: 18, width: 1, type: 'uint', feature: 'VIRTIO_BLK_F_GEOMETRY', qemuDefault: 16, doc: 'Legacy CHS geometry.' },
    { name: 'geometry.sectors', offset: 19, width: 1, type: 'uint', feature: 'VIRTIO_BLK_F_GEOMETRY', qemuDefault: 63, doc: 'Legacy CHS geometry.' },
    {
      name: 'blk_size', offset: 20, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_BLK_SIZE', qemuDefault: 512,
      qemuAccepts: { min: 512, max: 2097152, powerOf2: true, source: 'qemu/qemu hw/core/qdev-properties-system.c set_blocksize (power of 2, 512 .. 2 MiB)' },
      doc: 'Logical block size. QEMU fills it from logical_block_size (DASD backing: 4096).',
    },
    { name: 'topology.physical_block_exp', offset: 24, width: 1, type: 'uint', feature: 'VIRTIO_BLK_F_TOPOLOGY', qemuDefault: 0, doc: 'log2(physical / logical block size).' },
    { name: 'topology.alignment_offset', offset: 25, width: 1, type: 'uint', feature: 'VIRTIO_BLK_F_TOPOLOGY', qemuDefault: 0, doc: 'Offset of the first aligned logical block.' },
    { name: 'topology.min_io_size', offset: 26, width: 2, type: 'uint', feature: 'VIRTIO_BLK_F_TOPOLOGY', qemuDefault: 0, doc: 'Suggested minimum I/O size in blocks.' },
    { name: 'topology.opt_io_size', offset: 28, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_TOPOLOGY', qemuDefault: 0, doc: 'Optimal sustained I/O size in blocks.' },
    { name: 'wce', offset: 32, width: 1, type: 'uint', feature: 'VIRTIO_BLK_F_CONFIG_WCE', qemuDefault: 1, doc: 'Writeback cache enabled.' },
    { name: 'num_queues', offset: 34, width: 2, type: 'uint', feature: 'VIRTIO_BLK_F_MQ', qemuDefault: 1, doc: 'Number of request queues.' },
    { name: 'max_discard_sectors', offset: 36, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_DISCARD', qemuDefault: 4194303, doc: 'Largest discard in sectors.' },
    { name: 'max_discard_seg', offset: 40, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_DISCARD', qemuDefault: 1, doc: 'Most discard segments.' },
    { name: 'discard_sector_alignment', offset: 44, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_DISCARD', qemuDefault: 1, doc: 'Discard alignment in sectors.' },
    { name: 'max_write_zeroes_sectors', offset: 48, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_WRITE_ZEROES', qemuDefault: 4194303, doc: 'Largest write-zeroes in sectors.' },
    { name: 'max_write_zeroes_seg', offset: 52, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_WRITE_ZEROES', qemuDefault: 1, doc: 'Most write-zeroes segments.' },
    { name: 'write_zeroes_may_unmap', offset: 56, width: 1, type: 'uint', feature: 'VIRTIO_BLK_F_WRITE_ZEROES', qemuDefault: 1, doc: 'Write zeroes may deallocate.' },
    { name: 'max_secure_erase_sectors', offset: 60, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_SECURE_ERASE', qemuDefault: 0, doc: 'Largest secure erase in sectors.' },
    { name: 'max_secure_erase_seg', offset: 64, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_SECURE_ERASE', qemuDefault: 0, doc: 'Most secure erase segments.' },
    { name: 'secure_erase_sector_alignment', offset: 68, width: 4, type: 'uint', feature: 'VIRTIO_BLK_F_SECURE_ERASE', qemuDefault: 0, doc: 'Secure erase alignment in sectors.' },
  ],
  qemuOffers: [
    'VIRTIO_BLK_F_SEG_MAX', 'VIRTIO_BLK_F_GEOMETRY', 'VIRTIO_BLK_F_BLK_SIZE', 'VIRTIO_BLK_F_TOPOLOGY',
    'VIRTIO_BLK_F_FLUSH', 'VIRTIO_BLK_F_CONFIG_WCE', 'VIRTIO_BLK_F_DISCARD', 'VIRTIO_BLK_F_WRITE_ZEROES',
  ],
  qemuLegacyOnlyOffers: {
    add: ['VIRTIO_BLK_F_SCSI'],
    remove: ['VIRTIO_F_ANY_LAYOUT'],
    source: 'qemu/qemu hw/block/virtio-blk.c virtio_blk_get_features: without VERSION_1, clear ANY_LAYOUT and offer SCSI; QEMU 7.2 probes (max_revision=0, disable-modern=on)',
  },
  // QEMU 7.2.0 hw/block/virtio-blk.c virtio_blk_get_features() (SEG_MAX, GEOMETRY, TOPOLOGY,
  // BLK_SIZE always; FLUSH with the default writeback cache; config-wce, discard, write-zeroes
  // properties default on; MQ only with num-queues > 1, which virtio-blk-pci sets to the vCPU count).
  unverified: 'checked in the QEMU 7.2.0 source and the 7.2 probes with 1 vCPU; other releases by code reading',
  legacyAllowed: true,
  qemuModelSince: '0.10',
  vhostUser: {
    since: '2.12',
    config: 'backend-native',
    source: 'qemu/qemu contrib/vhost-user-blk/vhost-user-blk.c @ 0342cb34a4bb: config->blk_size = vub_get_blocksize(fd), no cpu_to_le32; vub_get_config is a memcpy',
    unverified: 'host order is shown for the contrib backend only; other vhost-user-blk backends (SPDK, qemu-storage-daemon) may fill little-endian',
  },
  guestValues: [
    {
      name: 'logical_block_size', field: 'blk_size', feature: 'VIRTIO_BLK_F_BLK_SIZE', linuxDefault: 512,
      breaksWhen: 'differs', bindsWithoutFeature: true,
      source: 'virtblk_probe: blk_queue_logical_block_size(q, blk_size) if VIRTIO_BLK_F_BLK_SIZE, else queue default 512 (fact sheet §2)',
    },
  ],
};
