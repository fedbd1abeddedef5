/** Matrices present on first start. */
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, HYPERVISORS, MODES, NOTABLE_KERNELS, STRATEGIES, TRANSPORT_NAMES, matrixSpecSchema, type MatrixSpec, type MatrixSpecInput } from '../engine';
import { compareKernelVersions, parseKernelVersion } from '../engine/profiles/linux/versions';
import { createMatrix } from './create-matrix';
import type { MatrixStore } from './types';

/** Every mainline release from 4.10 to 6.12, with the -rc and stable releases around the 2021 fixes, in order. */
function kernels2021(): string[] {
  const mainline = [
    ...Array.from({ length: 11 }, (_, i) => `4.${10 + i}`),
    ...Array.from({ length: 20 }, (_, i) => `5.${i}`),
    ...Array.from({ length: 13 }, (_, i) => `6.${i}`),
  ];
  const all = [...new Set([...mainline, ...NOTABLE_KERNELS])].map((k) => parseKernelVersion(k)!);
  return all.sort(compareKernelVersions).map((k) => k.text);
}

/** `be-config-2021`: every arch, transport, device, mode and backend; QEMU 5.2 .. 9.2 and the RFC; kernels 4.10 .. 6.12. */
export const BE_CONFIG_2021: MatrixSpecInput = {
  archs: [...ARCH_NAMES],
  transports: [...TRANSPORT_NAMES],
  devices: [...DEVICE_NAMES],
  modes: [...MODES],
  backends: [...BACKENDS],
  hypervisors: HYPERVISORS.map((h) => h.name).filter((name) => name !== 'qemu-5.0' && name !== 'qemu-5.1'),
  kernels: kernels2021(),
  strategies: [...STRATEGIES],
  config: { blk_size: [512, 1024, 4096, 65536], mtu: [1280, 1500, 9000, 9216] },
};

export const SEED_MATRICES = [
  {
    name: 'be-config-2021',
    description: 'The 2021 config-space endianness regression: every arch, transport, device, mode and backend; QEMU 5.2-9.2 and the early-detect RFC; kernels 4.10-6.12 with the stable releases the fact sheet names; all five strategies.',
    spec: BE_CONFIG_2021,
  },
];

/** A seed matrix's spec as the store holds it (parsed, defaults filled in); undefined for any other name. */
export function storedSeedSpec(name: string): MatrixSpec | undefined {
  const seed = SEED_MATRICES.find((m) => m.name === name);
  return seed && matrixSpecSchema.parse(seed.spec);
}

export async function ensureSeedMatrices(matrices: MatrixStore): Promise<void> {
  for (const seed of SEED_MATRICES) {
    if (!(await matrices.byName(seed.name))) await createMatrix(matrices, seed);
  }
}
