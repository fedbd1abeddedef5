/**
 * VIRTIO_NET_F_MTU enters the driver with 14de9d114a82, committed to net-next on 2016-06-06,
 * after 4.7-rc1: first in 4.8-rc1. On x86_64 (little-endian) with VERSION_1 the device fills mtu
 * little-endian: 1280 = 0x0500 → bytes 00 05, read back as 1280. Without the feature the guest
 * keeps ETH_DATA_LEN 1500, above the advertised 1280.
 */
import { evaluate } from '../../../src/engine';

const nic = (kernel: string) =>
  evaluate({ arch: 'x86_64', transport: 'pci', device: 'net', mode: 'transitional', hypervisor: 'qemu-7.2', kernel, config: { mtu: 1280 } });

describe('VIRTIO_NET_F_MTU from 4.8 (14de9d114a82)', () => {
  test('4.8 negotiates it and the guest uses the advertised 1280, read in probe as bytes 00 05', () => {
    const o = nic('4.8');
    expect(o.negotiated).toContain('VIRTIO_NET_F_MTU');
    expect(o.probeReads).toEqual([{ field: 'mtu', bytes: '0005', driverValue: 1280, deviceValue: 1280 }]);
    expect(o.effective).toEqual({ mtu: 1280 });
    expect(o.verdict).toBe('OK');
  });

  test('4.7 does not know it: the guest runs at 1500 above the device\'s 1280: BROKEN', () => {
    const o = nic('4.7');
    expect(o.negotiated).not.toContain('VIRTIO_NET_F_MTU');
    expect(o.probeReads).toEqual([]);
    expect(o.effective).toEqual({ mtu: 1500 });
    expect(o.verdict).toBe('BROKEN');
  });
});
