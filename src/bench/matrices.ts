/** Matrix value sets the benchmarks (and the service's seed) use. */
import type { MatrixSpecInput } from '../engine';
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, HYPERVISORS, MODES, STRATEGIES, TRANSPORT_NAMES } from '../engine';

/** Kernels around the 2021 regression: mainline tags, the -rc that matter, the stable releases the fact sheet names. */
export const BE_CONFIG_2021_KERNELS = [
  '4.10', '4.11', '4.14', '4.14.251', '4.14.252', '4.19', '4.19.212', '4.19.213', '5.4', '5.4.154', '5.4.155',
  '5.10', '5.13', '5.14-rc6', '5.14-rc7', '5.14', '5.14.13', '5.14.14', '5.15-rc5', '5.15-rc6', '5.15', '5.16',
  '5.16.14', '5.16.15', '5.17-rc7', '5.17', '5.19', '6.1', '6.6', '6.12',
];

/** `be-config-2021`: every arch, transport, device, mode and backend; QEMU 5.2 .. 9.2 and the RFC. */
export const BE_CONFIG_2021: MatrixSpecInput = {
  archs: [...ARCH_NAMES],
  transports: [...TRANSPORT_NAMES],
  devices: [...DEVICE_NAMES],
  modes: [...MODES],
  backends: [...BACKENDS],
  hypervisors: HYPERVISORS.map((h) => h.name).filter((name) => name !== 'qemu-5.0' && name !== 'qemu-5.1'),
  kernels: BE_CONFIG_2021_KERNELS,
  strategies: [...STRATEGIES],
  config: { blk_size: [512, 1024, 4096, 65536], mtu: [1280, 1500, 9000, 9216] },
};
