/** Matrix value sets the benchmarks (and the service's seed) use. */
import type { MatrixSpecInput } from '../engine';
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, HYPERVISORS, MODES, NOTABLE_KERNELS, STRATEGIES, TRANSPORT_NAMES } from '../engine';

export const BE_CONFIG_2021_KERNELS: string[] = [...NOTABLE_KERNELS];

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
