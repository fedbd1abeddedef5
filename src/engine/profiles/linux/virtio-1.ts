import type { Cited, TransportName } from '../types';

/**
 * When each Linux transport learned virtio 1.0 (the modern interface). Below `since` the driver
 * neither offers nor expects VIRTIO_F_VERSION_1 and drives only the legacy interface: a
 * transitional device works through it, a modern-only device gets no working driver (`noModern`
 * says what Linux does then). Releases were pinned from Linus's merge of the pull (M) or from the
 * maintainer's announcement before the merge window (A); `git tag --contains` would settle the
 * UNVERIFIED ones.
 */
export interface Virtio1Support extends Cited {
  /** First mainline tag whose transport offers VERSION_1 through the modern interface. */
  since: string;
  commit: string;
  title: string;
  /** What a kernel below `since` does with a device that has no legacy interface. */
  noModern: string;
}

const CORE_MERGE = '6b9e2cea428c "Merge tag \'for_linus\' of git://git.kernel.org/pub/scm/linux/kernel/git/mst/vhost" (Linus, 2014-12-11, ' +
  'between 3.18 and 3.19-rc1): "virtio: virtio 1.0 support, misc patches … Notable missing pieces: virtio pci, virtio balloon"';

export const LINUX_VIRTIO_1: Record<TransportName, Virtio1Support> = {
  ccw: {
    since: '3.19-rc1',
    commit: 'af9ca13b4430',
    title: 'KVM: s390: enable virtio-ccw revision 1',
    noModern: 'virtio_ccw: this kernel sends no CCW_CMD_SET_VIRTIO_REV (revision 1 arrived in 3.19), and a modern-only device ' +
      '(force_revision_1) rejects every other command before one: the channel programs fail and no driver binds',
    source: `af9ca13b4430 (Cornelia Huck, committed 2014-12-09 by MST: "Now that virtio-ccw has everything needed to support virtio 1.0 ` +
      `in place, try to enable it"), after 6bb2c835c78a "KVM: s390: Set virtio-ccw transport revision" (SET_VIRTIO_REV, VIRTIO_CCW_REV_MAX 0); ` +
      `merged by ${CORE_MERGE} (M). QEMU side: fact sheet §5 (command reject when force_revision_1 and no revision set)`,
    unverified: '3.19-rc1 from the merge date; the tag itself not checked. Which commands a 3.16 driver issues first is from ' +
      'code reading; every one of them is rejected, so the order does not change the outcome',
  },
  pci: {
    since: '4.0-rc1',
    commit: '1fcf0512c9c8',
    title: 'virtio_pci: modern driver',
    noModern: 'virtio_pci: no driver binds: the legacy driver owns only device IDs 0x1000-0x103f, and a modern-only ' +
      'device has 0x1040 + its virtio ID (virtio_pci_modern arrived in 4.0)',
    source: '1fcf0512c9c8 (MST, with Rusty Russell); 6b9e2cea428c (3.19) lists "virtio pci" as missing; Rusty Russell, "lguest learns PCI" ' +
      '(rusty.ozlabs.org, 2015-02-13): "the code which is about to go into the merge window … 3.20 will have compliant 1.0 virtio support" ' +
      '(3.20 was released as 4.0); Phoronix "Linux 3.20 To Land VirtIO 1.0 Implementation" quoting the virtio-next pull (A)',
    unverified: '4.0-rc1 from the announcement, not a tag. The legacy probe\'s "We only own devices >= 0x1000 and <= 0x103f" ' +
      'check is from code reading of pre-4.0 virtio_pci.c',
  },
  mmio: {
    since: '4.0-rc1',
    commit: '1862ee22ce2e',
    title: 'virtio-mmio: Update the device to OASIS spec version',
    noModern: 'virtio-mmio: Version 2 not supported: the probe accepts only Version 1 (Version 2 arrived in 4.0) and returns -ENXIO',
    source: '1862ee22ce2e (Pawel Moll, Signed-off-by Rusty Russell: through virtio-next, the 4.0 pull of the PCI row) (A)',
    unverified: '4.0-rc1 from the tree it went through, not a tag; the pre-4.0 "Version %ld not supported!" probe check is from code reading',
  },
};
