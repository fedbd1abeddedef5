import { planProbe, type Installed, type SourceBuiltKernel } from '../../src/probe/plan';

const built = (strategy: string): SourceBuiltKernel => ({
  id: `6.1-s390x-${strategy}-0123456789ab`, linuxVersion: '6.1.192', kernelImage: `/cache/${strategy}/image`, imageSha256: 'ab'.repeat(32), patches: strategy === 'pre-fix' ? ['revert-4fa59ede9519.patch', '82e89ea077b9.patch'] : [],
});
const installed: Installed = {
  guests: { s390x: { kernelImage: '/k/vmlinuz-s390x', initrd: '/k/initramfs-s390x.cpio.gz', kernelVersion: '6.1.176', console: 'ttysclp0', builtinInitrd: '/k/initramfs-s390x-builtin.cpio.gz' } },
  qemu: { s390x: { binary: '/usr/bin/qemu-system-s390x', hypervisor: 'qemu-7.2' } },
  // The cache holds pre-fix and as-shipped 6.1 kernels for s390x, nothing else.
  sourceBuilt: (arch, series, strategy) => (arch === 's390x' && series === '6.1' && ['pre-fix', 'as-shipped'].includes(strategy) ? built(strategy) : null),
};
const base = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-7.2', kernel: '6.1.176', config: { blk_size: 4096 } };

describe('probe plans', () => {
  test('a transitional s390x ccw disk with blk_size 4096 becomes virtio-blk-ccw with logical and physical block size 4096', () => {
    const plan = planProbe(base, installed, '/tmp/disk.img');
    expect(plan.probeable).toBe(true);
    if (!plan.probeable) return;
    expect(plan.binary).toBe('/usr/bin/qemu-system-s390x');
    expect(plan.args).toContain('virtio-blk-ccw,drive=d0,id=blk0,logical_block_size=4096,physical_block_size=4096');
    expect(plan.args).toEqual(expect.arrayContaining(['-kernel', '/k/vmlinuz-s390x', '-initrd', '/k/initramfs-s390x.cpio.gz']));
    expect(plan.sourceBuilt).toBeUndefined();
  });

  test('legacy on ccw is max_revision=0; net mtu is host_mtu on a restricted user netdev', () => {
    const plan = planProbe({ ...base, device: 'net', mode: 'legacy', config: { mtu: 9000 } }, installed, '/tmp/disk.img');
    expect(plan.probeable && plan.args).toEqual(expect.arrayContaining(['user,id=n0,restrict=on', 'virtio-net-ccw,netdev=n0,id=net0,host_mtu=9000,max_revision=0']));
  });

  test('kernel 6.1 with a strategy boots the source-built kernel with the built-in initramfs and predicts for its exact version', () => {
    const plan = planProbe({ ...base, kernel: '6.1', strategy: 'pre-fix' }, installed, '/tmp/disk.img');
    expect(plan.probeable).toBe(true);
    if (!plan.probeable) return;
    expect(plan.args).toEqual(expect.arrayContaining(['-kernel', '/cache/pre-fix/image', '-initrd', '/k/initramfs-s390x-builtin.cpio.gz']));
    expect(plan.combination).toMatchObject({ kernel: '6.1.192', strategy: 'pre-fix' });
    expect(plan.sourceBuilt?.patches).toEqual(['revert-4fa59ede9519.patch', '82e89ea077b9.patch']);
  });

  test('the exact source version works as well as the series; another 6.1 release does not', () => {
    expect(planProbe({ ...base, kernel: '6.1.192', strategy: 'pre-fix' }, installed, '/tmp/disk.img').probeable).toBe(true);
    const other = planProbe({ ...base, kernel: '6.1.100', strategy: 'pre-fix' }, installed, '/tmp/disk.img');
    expect(!other.probeable && other.reason).toMatch(/the Linux 6.1 source here is 6.1.192, not 6.1.100/);
  });

  test('a strategy not in the cache names the build command and the build it misses', () => {
    const plan = planProbe({ ...base, kernel: '6.1', strategy: 'write-back' }, installed, '/tmp/disk.img');
    expect(plan.probeable).toBe(false);
    if (plan.probeable) return;
    expect(plan.reason).toContain('npx virtio-matrix kernels build --series 6.1 --arch s390x --strategy write-back');
    expect(plan.missingBuild).toEqual({ series: '6.1', arch: 's390x', strategy: 'write-back' });
  });

  test.each([
    [{ kernel: '5.14' }, /only Linux 6.1.176 is packaged here for s390x, and 5.14 is not a series built from source/],
    [{ arch: 'ppc64', transport: 'pci' }, /no ppc64 guest kernel/],
    [{ backend: 'vhost-user' }, /vhost-user needs a backend/],
    [{ hypervisor: 'qemu-6.1' }, /QEMU here is qemu-7.2/],
    [{ mode: 'modern' }, /ccw has no modern mode/],
  ])('%j is not probeable, with the reason', (override, reason) => {
    const plan = planProbe({ ...base, ...override }, installed, '/tmp/disk.img');
    expect(plan.probeable).toBe(false);
    if (!plan.probeable) expect(plan.reason).toMatch(reason);
  });

  describe('with a kernel under test (a registered artifact)', () => {
    const underTest: Installed = { ...installed, kernelUnderTest: { arch: 's390x', image: '/artifacts/f183', linuxVersion: '6.1.192', strategy: 'write-back' } };

    test('a cell of its arch, strategy and series boots that image, not the cache, and predicts at its version', () => {
      const plan = planProbe({ ...base, kernel: '6.1', strategy: 'write-back' }, underTest, '/tmp/disk.img');
      expect(plan.probeable).toBe(true);
      if (!plan.probeable) return;
      expect(plan.args).toEqual(expect.arrayContaining(['-kernel', '/artifacts/f183', '-initrd', '/k/initramfs-s390x-builtin.cpio.gz']));
      expect(plan.combination).toMatchObject({ kernel: '6.1.192', strategy: 'write-back' });
      expect(plan.sourceBuilt).toBeUndefined();
    });

    test.each([
      [{ kernel: '6.1', strategy: 'pre-fix' }, /stands for write-back, not pre-fix/],
      [{ kernel: '6.1.176', strategy: 'write-back' }, /is Linux 6.1.192, not 6.1.176/],
      [{ kernel: '6.12', strategy: 'write-back' }, /is Linux 6.1.192, not 6.12/],
    ])('%j is another kernel: not probeable, even when the cache or the packages hold it', (override, reason) => {
      const plan = planProbe({ ...base, ...override }, underTest, '/tmp/disk.img');
      expect(!plan.probeable && plan.reason).toMatch(reason);
    });
  });
});
