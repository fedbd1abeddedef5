import { InvalidCombinationError, resolveCombination } from '../../src/engine';
import { s390xBlk } from './helpers';

function rejection(input: unknown): { field: string; reason: string } {
  try {
    resolveCombination(input);
  } catch (err) {
    if (err instanceof InvalidCombinationError) return { field: err.field, reason: err.reason };
    throw err;
  }
  throw new Error('expected the combination to be rejected');
}

describe('resolving combinations', () => {
  test('defaults: backend qemu, strategy as-shipped, the arch page size', () => {
    const cell = resolveCombination({ arch: 'ppc64', transport: 'pci', device: 'net', mode: 'transitional', hypervisor: 'qemu-7.2', kernel: '6.1' });
    expect(cell.backend).toBe('qemu');
    expect(cell.driver.strategy).toBe('as-shipped');
    expect(cell.pageSize).toBe(65536);
  });

  test('a config field implies that the device offers its feature', () => {
    const withMtu = resolveCombination({ ...s390xBlk(), device: 'net', config: { mtu: 1500 } });
    const withoutMtu = resolveCombination({ ...s390xBlk(), device: 'net', config: {} });
    expect(withMtu.hostFeatures.lo & (1 << 3)).not.toBe(0);
    expect(withoutMtu.hostFeatures.lo & (1 << 3)).toBe(0);
  });

  test.each([
    [{ arch: 'sparc' }, 'arch', /unknown arch "sparc"/],
    [{ device: 'gpu' }, 'device', /unknown device/],
    [{ hypervisor: 'qemu-1.0' }, 'hypervisor', /unknown hypervisor/],
    [{ kernel: 'five' }, 'kernel', /not a Linux version/],
    [{ strategy: 'hope' }, 'strategy', /unknown strategy/],
    [{ arch: 'x86_64', transport: 'ccw' }, 'transport', /ccw exists only on s390x/],
    [{ arch: 'aarch64', transport: 'mmio' }, 'mode', /mmio has no transitional mode/],
    [{ transport: 'mmio', mode: 'legacy' }, 'transport', /mmio exists only on x86_64, aarch64/],
    [{ config: { blk_size: 'big' } }, 'config.blk_size', /expected an integer/],
    [{ config: { blk_size: 2 ** 32 } }, 'config.blk_size', /expected an integer from 0 to 4294967295/],
    [{ config: { blk_size: 1000 } }, 'config.blk_size', /QEMU refuses 1000/],
    [{ config: { mtu: 1500 } }, 'config.mtu', /blk has no config field "mtu"/],
    [{ features: ['VIRTIO_NET_F_MTU'] }, 'features', /unknown feature/],
    [{ features: ['VIRTIO_F_VERSION_1'] }, 'features', /follows from mode/],
    [{ pageSize: 65536 }, 'pageSize', /s390x supports page sizes 4096/],
    [{ kernel: '2.6' }, 'kernel', /no virtio_blk driver/],
    [{ colour: 'blue' }, 'colour', /unknown field; the fields are: arch, transport, .*hostArch/],
  ])('%j is rejected on field %s', (override, field, reason) => {
    const r = rejection({ ...s390xBlk(), ...override });
    expect(r.field).toBe(field);
    expect(r.reason).toMatch(reason);
  });

  test('QEMU 5.1+ refuses a transitional virtio-crypto (not legacy-capable); QEMU 5.0 did not check', () => {
    const crypto = { arch: 'x86_64', transport: 'pci', device: 'crypto', mode: 'transitional', kernel: '6.1' };
    expect(rejection({ ...crypto, hypervisor: 'qemu-5.1' })).toMatchObject({ field: 'mode', reason: expect.stringMatching(/modern-only/) });
    expect(() => resolveCombination({ ...crypto, hypervisor: 'qemu-5.0' })).not.toThrow();
  });

  test('devices without a QEMU model of their own need vhost-user, from the release that has it', () => {
    const scmi = { arch: 'aarch64', transport: 'mmio', device: 'scmi', mode: 'modern', kernel: '6.1' };
    expect(rejection({ ...scmi, hypervisor: 'qemu-8.1' }).field).toBe('backend');
    expect(rejection({ ...scmi, hypervisor: 'qemu-8.0', backend: 'vhost-user' }).field).toBe('hypervisor');
    expect(() => resolveCombination({ ...scmi, hypervisor: 'qemu-8.1', backend: 'vhost-user' })).not.toThrow();
  });

  test('a missing required key is named, with what it takes', () => {
    const { kernel: _kernel, arch: _arch, ...rest } = s390xBlk();
    expect(rejection({ ...rest, arch: 's390x' })).toEqual({ field: 'kernel', reason: 'missing; expected a Linux version (e.g. 4.10, 5.15-rc5, 5.14.14), or BASE+ID to apply a proposed patch' });
    expect(rejection({ ...rest, kernel: '6.1' })).toEqual({ field: 'arch', reason: 'missing; expected one of: x86_64, aarch64, ppc64le, ppc64, s390x' });
    expect(rejection({ ...s390xBlk(), mode: 3 })).toEqual({ field: 'mode', reason: '3 is not a string; expected one of: legacy, transitional, modern' });
    expect(rejection('s390x')).toEqual({ field: '(combination)', reason: expect.stringMatching(/^"s390x" is not an object; expected one with the fields arch, transport, device, mode, backend, hypervisor, kernel, strategy, config, pageSize, features, hostArch$/) });
  });
});
