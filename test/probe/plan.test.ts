import { planProbe, type Installed } from '../../src/probe/plan';

const installed: Installed = {
  guests: { s390x: { kernelImage: '/k/vmlinuz-s390x', initrd: '/k/initramfs-s390x.cpio.gz', kernelVersion: '6.1', console: 'ttysclp0' } },
  qemu: { s390x: { binary: '/usr/bin/qemu-system-s390x', hypervisor: 'qemu-7.2' } },
};
const base = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-7.2', kernel: '6.1', config: { blk_size: 4096 } };

describe('probe plans', () => {
  test('a transitional s390x ccw disk with blk_size 4096 becomes virtio-blk-ccw with logical and physical block size 4096', () => {
    const plan = planProbe(base, installed, '/tmp/disk.img');
    expect(plan.probeable).toBe(true);
    if (!plan.probeable) return;
    expect(plan.binary).toBe('/usr/bin/qemu-system-s390x');
    expect(plan.args).toContain('virtio-blk-ccw,drive=d0,id=blk0,logical_block_size=4096,physical_block_size=4096');
  });

  test('legacy on ccw is max_revision=0; net mtu is host_mtu on a restricted user netdev', () => {
    const plan = planProbe({ ...base, device: 'net', mode: 'legacy', config: { mtu: 9000 } }, installed, '/tmp/disk.img');
    expect(plan.probeable && plan.args).toEqual(expect.arrayContaining(['user,id=n0,restrict=on', 'virtio-net-ccw,netdev=n0,id=net0,host_mtu=9000,max_revision=0']));
  });

  test.each([
    [{ kernel: '5.14' }, /only Linux 6.1 is installed/],
    [{ arch: 'ppc64', transport: 'pci' }, /no ppc64 guest kernel/],
    [{ backend: 'vhost-user' }, /vhost-user needs a backend/],
    [{ strategy: 'write-back' }, /runs as shipped/],
    [{ hypervisor: 'qemu-6.1' }, /QEMU here is qemu-7.2/],
    [{ mode: 'modern' }, /ccw has no modern mode/],
  ])('%j is not probeable, with the reason', (override, reason) => {
    const plan = planProbe({ ...base, ...override }, installed, '/tmp/disk.img');
    expect(plan.probeable).toBe(false);
    if (!plan.probeable) expect(plan.reason).toMatch(reason);
  });
});
