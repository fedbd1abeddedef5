import type { CombinationInput } from '../../src/engine';

/** The 2021 report's setup: s390x guest, transitional virtio-blk-ccw on QEMU 6.1, DASD-backed (4096). */
export function s390xBlk(overrides: Partial<CombinationInput> = {}): CombinationInput {
  return {
    arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1',
    kernel: '5.14', strategy: 'as-shipped', config: { blk_size: 4096 }, ...overrides,
  };
}

export function s390xNet(mtu: number, overrides: Partial<CombinationInput> = {}): CombinationInput {
  return {
    arch: 's390x', transport: 'ccw', device: 'net', mode: 'transitional', hypervisor: 'qemu-6.1',
    kernel: '5.14', strategy: 'as-shipped', config: { mtu }, ...overrides,
  };
}
