import type { Cited } from '../types';

/**
 * The Linux releases the profiles speak for. A version outside is still evaluated, with the
 * patches of the nearest end (nothing added after the newest, the pre-virtio-1.0 core before the
 * oldest), and its outcome says it is extrapolated.
 */
export const MODELLED_KERNELS: { oldest: string; newest: string } & Cited = {
  oldest: '3.16',
  newest: '6.12',
  source: 'oldest: the fact sheet §12 (3.16 drives a transitional device through its legacy interface); newest: the real boots of ' +
    'Linux 6.12 (probe/table-2021-6.12.json) and the newest patch in the profiles (941168f8b40e, 6.10)',
  unverified: 'releases between the patches are assumed to carry nothing else that changes negotiation',
};
