import { DefinitionError, parseKernelPatch } from '../schema';
import type { KernelPatch } from '../types';
import { FEATURE_TABLE_PATCHES } from './feature-tables';

const FACTS = '../shared/domain/virtio-config-endianness.md';

/**
 * Linux patches that change what a driver reads before FEATURES_OK, how it checks config values,
 * or how the core orders feature writes. A kernel version contains a patch when it is at or past
 * `mainline`, or on a stable branch at or past the listed release.
 */
const CONFIG_PATCHES: readonly KernelPatch[] = [
  {
    id: '14de9d114a82',
    title: 'virtio-net: Add initial MTU advice feature',
    mainline: '4.8-rc1',
    stable: [],
    role: 'change',
    driver: [
      { kind: 'acceptFeature', device: 'net', feature: 'VIRTIO_NET_F_MTU' },
      {
        kind: 'configCheck', id: 'net-probe-mtu-clear', device: 'net', phase: 'probe', field: 'mtu', whenFeature: 'VIRTIO_NET_F_MTU',
        reject: { min: 68, max: 65535 }, action: 'clearFeature', message: 'virtnet_probe: mtu below min_mtu, VIRTIO_NET_F_MTU cleared after FEATURES_OK',
      },
    ],
    source: '14de9d114a82a564b94388c95af79a701dc93134 (Aaron Conole, 2016-06-03), committed by David S. Miller to net-next on 2016-06-06 ' +
      '(git.zx2c4.com/linux-dev commit page), after 4.7-rc1 (2016-05-29), so it waited for the 4.8 merge window: v4.8-rc1. Agrees with the ' +
      'struct data (virtio_net_config.mtu in 4.8, not in 4.4). Its feature bit 25 became 3 three days later (4fd3fa1e1172 "virtio_net: ' +
      'Update the feature bit to comply with spec", same window). The Oct 2021 v3 thread of 2f9a174f918e confirms it cleared ' +
      'VIRTIO_NET_F_MTU in probe when the value was invalid (the bug fe36cbe0671e fixed)',
    unverified: '4.8-rc1 from the net-next commit date and the 4.4/4.8 struct data, not from a tag',
  },
  {
    id: '404123c2db79',
    title: 'virtio: allow drivers to validate features',
    mainline: '4.11-rc1',
    stable: [],
    role: 'change',
    core: [{ kind: 'validateHook' }],
    source: `${FACTS} §0; 2f9a174f918e "Cc: <stable@vger.kernel.org> #v4.11"`,
    unverified: 'v4.11 inferred from the #v4.11 stable tag of 2f9a174f918e (fact sheet §10)',
  },
  {
    id: 'fe36cbe0671e',
    title: 'virtio_net: clear MTU when out of range',
    mainline: '4.11-rc1',
    stable: [],
    role: 'change',
    removes: ['net-probe-mtu-clear'],
    driver: [
      {
        kind: 'configCheck', device: 'net', phase: 'validate', field: 'mtu', whenFeature: 'VIRTIO_NET_F_MTU',
        reject: { min: 68, max: 65535 }, action: 'clearFeature', message: 'virtnet_validate: mtu < MIN_MTU (68), VIRTIO_NET_F_MTU cleared',
      },
      {
        kind: 'configCheck', device: 'net', phase: 'probe', field: 'mtu', whenFeature: 'VIRTIO_NET_F_MTU',
        reject: { min: 68, max: 65535 }, action: 'failProbe', message: 'virtnet_probe: device MTU appears to have changed (< min_mtu)',
      },
    ],
    source: `${FACTS} §3: virtnet_validate reads mtu with virtio_cread16, clears VIRTIO_NET_F_MTU below ETH_MIN_MTU = 68; no upper bound`,
    unverified: 'v4.11 inferred (fact sheet §10). The probe-time check gives up on the device either way; until 411ea23a7652 "virtio_net: Fix error code in probe()" (5.11-rc1, stable 5.4.y and 5.10.y) it returned 0 without registering the netdev, which the engine also counts as PROBE_FAILED',
  },
  {
    id: 'e41b1355508d',
    title: 'virtio_balloon: disable VIOMMU support',
    mainline: '4.13-rc1',
    stable: [],
    role: 'change',
    driver: [{ kind: 'policyClear', device: 'balloon', feature: 'VIRTIO_F_ACCESS_PLATFORM', message: 'virtballoon_validate: the balloon does not use the DMA API, VIRTIO_F_ACCESS_PLATFORM cleared' }],
    source: 'torvalds/linux drivers/virtio/virtio_balloon.c virtballoon_validate(): __virtio_clear_bit(vdev, VIRTIO_F_ACCESS_PLATFORM); backported beside "virtio-net: serialize tx routine during reset" (4.13)',
    unverified: 'commit id and 4.13 placement from code history, not confirmed against a tag',
  },
  {
    id: '2e991629bcf5',
    title: 'virtio-balloon: VIRTIO_BALLOON_F_PAGE_POISON',
    mainline: '4.20-rc1',
    stable: [],
    role: 'change',
    driver: [
      { kind: 'acceptFeature', device: 'balloon', feature: 'VIRTIO_BALLOON_F_PAGE_POISON' },
      {
        kind: 'policyClear', device: 'balloon', feature: 'VIRTIO_BALLOON_F_PAGE_POISON',
        message: 'virtballoon_validate: page poisoning is off in this guest (distribution default), VIRTIO_BALLOON_F_PAGE_POISON cleared',
      },
    ],
    source: 'Wei Wang, "[PATCH v37 3/3] virtio-balloon: VIRTIO_BALLOON_F_PAGE_POISON" <1535333539-32420-4-git-send-email-wei.w.wang@intel.com>, 27 Aug 2018: virtballoon_validate clears the bit when !page_poisoning_enabled()',
    unverified: 'commit id from stored mailing-list commit lists, not a git tree; 4.20-rc1 from the series (absent in 4.19, present in 5.2); assumes a guest with page poisoning off',
  },
  {
    id: '82e89ea077b9',
    title: 'virtio-blk: Add validation for block size in config space',
    mainline: '5.14-rc7',
    stable: [],
    role: 'change',
    driver: [
      {
        kind: 'configCheck', device: 'blk', phase: 'validate', field: 'blk_size', whenFeature: 'VIRTIO_BLK_F_BLK_SIZE',
        reject: { min: 512, max: 'PAGE_SIZE' }, action: 'clearFeature', message: 'virtblk_validate: blk_size < SECTOR_SIZE || > PAGE_SIZE, VIRTIO_BLK_F_BLK_SIZE cleared',
      },
      {
        kind: 'configCheck', device: 'blk', phase: 'probe', field: 'blk_size', whenFeature: 'VIRTIO_BLK_F_BLK_SIZE',
        reject: { min: 512, max: 'PAGE_SIZE' }, action: 'failProbe', afterFindVqs: true, message: 'virtblk_probe: block size is changed unexpectedly',
      },
    ],
    source: `${FACTS} §0, §2: merged 16 Aug 2021 after 5.14-rc6 via 94e95d58997f, so in v5.14-rc7 and v5.14`,
  },
  {
    id: 'ff63198850f3',
    title: 'Revert "virtio-blk: Add validation for block size in config space"',
    mainline: '5.15-rc6',
    stable: ['5.14.14'],
    role: 'fix',
    remedy: 'revert',
    removes: ['82e89ea077b9'],
    source: `${FACTS} §2: ff63198850f33eab54b2da6905380fd4d4fc0739, "[GIT PULL] virtio,vdpa: fixes" 17 Oct 2021`,
  },
  {
    id: '2f9a174f918e',
    title: 'virtio: write back F_VERSION_1 before validate',
    mainline: '5.15-rc6',
    stable: ['4.14.252', '4.19.213', '5.4.155', '5.10.75', '5.14.14'],
    role: 'fix',
    remedy: 'write-back',
    core: [{ kind: 'writeBackVersion1BeforeValidate' }],
    source: `${FACTS} §1: 2f9a174f918e29608564c7a4e8329893ab604fb4; stable 4.14.252, 5.4.155, 5.14.14; 4.19.213 (ecbbc70f1bbc between Linux 4.19.212 and 4.19.213) and 5.10.75 (7966227bae54 before Linux 5.10.75-rc1) from the linux-stable revision lists`,
  },
  {
    id: '57a13a5b8157',
    title: 'virtio-blk: Use blk_validate_block_size() to validate block size',
    mainline: '5.16-rc1',
    stable: [],
    role: 'change',
    driver: [
      {
        kind: 'configCheck', device: 'blk', phase: 'probe', field: 'blk_size', whenFeature: 'VIRTIO_BLK_F_BLK_SIZE',
        reject: { min: 512, max: 'PAGE_SIZE', powerOf2: true }, action: 'failProbe', afterFindVqs: true, message: 'virtio_blk: invalid block size (blk_validate_block_size)',
      },
    ],
    source: `${FACTS} §2: 57a13a5b8157d9a8606490aaa1b805bafe6c37e1 with helper 570b1cac4776, for-5.16/block`,
    unverified: 'backported to stable (e.g. 94621399878f in the 4.19.y push of 6 Apr 2022); the release numbers are not confirmed, so no stable release carries it here',
  },
  {
    id: '4fa59ede9519',
    title: 'virtio: acknowledge all features before access',
    mainline: '5.17-rc8',
    stable: ['4.19.235', '5.4.185', '5.10.106', '5.15.29', '5.16.15'],
    role: 'fix',
    remedy: 'ack-all',
    removes: ['2f9a174f918e'],
    core: [{ kind: 'finalizeBeforeValidate' }],
    source: `${FACTS} §1, §0: 4fa59ede95195f267101a1b8916992cf3f245cdb via 06be3029703f; "[PATCH 5.16 102/121]"; the 4.19.235-rc1, 5.10.106-rc1 and 5.15.29-rc1 review mails and the 5.4.y push (155082f3d3a7 before 5.4.185-rc1) of 14 Mar 2022`,
    unverified: 'whether 4.14.y received it is not confirmed',
  },
];

/** Built-in data goes through the schema users' definitions go through; a bad entry stops the load. */
export function checkedPatch(patch: KernelPatch): KernelPatch {
  try {
    parseKernelPatch(patch);
  } catch (err) {
    if (err instanceof DefinitionError) throw new Error(`built-in kernel patch ${patch.id}: ${err.message}`);
    throw err;
  }
  return patch;
}

/** Every patch the engine knows: the config-space and ordering changes above, and the feature-table changes. */
export const KERNEL_PATCHES: readonly KernelPatch[] = [...CONFIG_PATCHES, ...FEATURE_TABLE_PATCHES].map(checkedPatch);
