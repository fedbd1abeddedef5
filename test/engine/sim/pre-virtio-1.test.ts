/**
 * Kernels whose transport predates virtio 1.0 (profiles/linux/virtio-1.ts: ccw from 3.19, PCI and
 * mmio from 4.0) drive only the legacy interface. Expectations worked out from the facts:
 * - ccw: no SET_VIRTIO_REV, so QEMU fixes revision 0 at the first other command; READ_FEAT
 *   index 1 (VERSION_1, bit 32) is hidden at revision 0. Without VERSION_1 written QEMU fills
 *   config in guest order (big-endian on s390x): blk_size 4096 = 0x00001000 → bytes 00 00 10 00,
 *   and the driver, lacking VERSION_1 on a big-endian CPU, decodes big-endian: 4096.
 * - a legacy driver sets no FEATURES_OK; there is no validate() before 4.11 (404123c2db79).
 * - a modern-only device has no legacy interface: ccw rejects every command before a revision,
 *   the legacy PCI driver does not own device IDs from 0x1040, mmio before 4.0 accepts Version 1
 *   only. No driver gets going, the device status is never written.
 */
import { evaluate } from '../../../src/engine';
import { s390xBlk } from '../helpers';

const net = (arch: string, transport: string, mode: string, kernel: string, mtu = 1500) =>
  evaluate({ arch, transport, device: 'net', mode, hypervisor: 'qemu-7.2', kernel, config: { mtu } });

describe('a kernel before virtio 1.0 drives a transitional device through its legacy interface', () => {
  test('3.16 on s390x ccw: revision 0, no VERSION_1 offered or negotiated, blk_size read big-endian as 4096: OK', () => {
    const o = evaluate(s390xBlk({ kernel: '3.16' }));
    expect(o.verdict).toBe('OK');
    expect(o.offered).not.toContain('VIRTIO_F_VERSION_1');
    expect(o.negotiated).not.toContain('VIRTIO_F_VERSION_1');
    expect(o.validateReads).toEqual([]);
    expect(o.probeReads).toEqual([{ field: 'blk_size', bytes: '00001000', driverValue: 4096, deviceValue: 4096 }]);
    expect(o.effective).toEqual({ logical_block_size: 4096 });
    expect(o.deviceStatus).toEqual(['ACKNOWLEDGE', 'DRIVER', 'DRIVER_OK']);
    expect(o.trace!.some((s) => s.action === 'CCW_CMD_SET_VIRTIO_REV')).toBe(false);
  });

  test('3.16 on x86_64 PCI uses the legacy I/O BAR: no VERSION_1, no FEATURES_OK, the NIC binds', () => {
    const o = net('x86_64', 'pci', 'transitional', '3.16');
    expect(o.verdict).toBe('OK');
    expect(o.negotiated).not.toContain('VIRTIO_F_VERSION_1');
    expect(o.deviceStatus).toEqual(['ACKNOWLEDGE', 'DRIVER', 'DRIVER_OK']);
  });

  test('3.18 is still legacy on ccw; 3.19 negotiates revision 1 and VERSION_1 on ccw but not yet on PCI', () => {
    expect(evaluate(s390xBlk({ kernel: '3.18' })).negotiated).not.toContain('VIRTIO_F_VERSION_1');
    const ccw = evaluate(s390xBlk({ kernel: '3.19' }));
    expect(ccw.verdict).toBe('OK');
    expect(ccw.negotiated).toContain('VIRTIO_F_VERSION_1');
    expect(ccw.deviceStatus).toContain('FEATURES_OK');
    expect(net('x86_64', 'pci', 'transitional', '3.19').negotiated).not.toContain('VIRTIO_F_VERSION_1');
    expect(net('x86_64', 'pci', 'transitional', '4.0').negotiated).toContain('VIRTIO_F_VERSION_1');
  });
});

describe('a kernel before virtio 1.0 gets no working driver for a modern-only device', () => {
  test('ccw 3.16: the device rejects commands before SET_VIRTIO_REV, which this kernel never sends', () => {
    const o = evaluate(s390xBlk({ kernel: '3.16', mode: 'modern' }));
    expect(o.verdict).toBe('PROBE_FAILED');
    expect(o.reasons[0]).toMatch(/sends no CCW_CMD_SET_VIRTIO_REV/);
    expect(o.deviceStatus).toEqual([]);
    expect(o.negotiated).toEqual([]);
    expect(o.offered).toEqual([]);
    expect(o.effective).toEqual({ logical_block_size: 512 });
  });

  test('PCI 3.19: no driver binds a device ID from 0x1040', () => {
    const o = net('x86_64', 'pci', 'modern', '3.19');
    expect(o.verdict).toBe('PROBE_FAILED');
    expect(o.reasons[0]).toMatch(/no driver binds/);
    expect(o.deviceStatus).toEqual([]);
  });

  test('mmio 3.16: Version 2 is refused, Version 1 (legacy) works', () => {
    const modern = net('x86_64', 'mmio', 'modern', '3.16');
    expect(modern.verdict).toBe('PROBE_FAILED');
    expect(modern.reasons[0]).toMatch(/Version 2 not supported/);
    expect(net('x86_64', 'mmio', 'legacy', '3.16').verdict).toBe('OK');
  });
});
