/** All profile data in one object: what the store snapshots and hashes, what `profiles` serves. */
import { ARCHS } from './archs';
import { TRANSPORT_FEATURES } from './common-features';
import { DEVICES } from './devices';
import { LINUX_DRIVERS } from './linux/drivers';
import { NOTABLE_KERNELS } from './linux/notable';
import { KERNEL_PATCHES } from './linux/patches';
import { RING_FEATURES } from './linux/ring';
import { HYPERVISORS } from './qemu/hypervisors';
import { QEMU_COMMON_OFFERS } from './qemu/changes';
import { LINUX_CCW_REV_MAX, TRANSPORTS } from './transports';

export const ALL_PROFILES = {
  archs: ARCHS,
  transports: TRANSPORTS,
  transportFeatures: TRANSPORT_FEATURES,
  devices: DEVICES,
  linuxDrivers: LINUX_DRIVERS,
  kernelPatches: KERNEL_PATCHES,
  ringFeatures: RING_FEATURES,
  notableKernels: NOTABLE_KERNELS,
  linuxCcwRevMax: LINUX_CCW_REV_MAX,
  hypervisors: HYPERVISORS,
  qemuCommonOffers: QEMU_COMMON_OFFERS,
} as const;
