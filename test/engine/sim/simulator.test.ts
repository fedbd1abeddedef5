/**
 * One test per rule of the simulation. Expected bytes are worked out from the fact sheet:
 * blk_size 4096 = 0x00001000 → big-endian bytes 00 00 10 00, which a little-endian decode reads
 * as 0x00100000 = 1048576; mtu 1280 = 0x0500 → bytes 05 00 → little-endian 0x0005 = 5.
 */
import { evaluate } from '../../../src/engine';
import { s390xBlk, s390xNet } from '../helpers';

const step = (o: ReturnType<typeof evaluate>, action: string) => o.trace!.findIndex((s) => s.action.startsWith(action));

describe('config byte order on the device side', () => {
  test('a transitional QEMU device fills config big-endian on s390x until the driver writes VERSION_1', () => {
    const o = evaluate(s390xBlk({ kernel: '5.14' }));
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00001000', driverValue: 1048576, deviceValue: 4096 }]);
  });

  test('a modern-only QEMU device also fills big-endian before VERSION_1: QEMU looks only at guest_features', () => {
    const o = evaluate(s390xBlk({ mode: 'modern', transport: 'pci' }));
    expect(o.validateReads[0].bytes).toBe('00001000');
    expect(o.verdict).toBe('BROKEN');
  });

  test('on a little-endian guest the device fills little-endian and the driver reads the true value', () => {
    const o = evaluate(s390xBlk({ arch: 'x86_64', transport: 'pci' }));
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00100000', driverValue: 4096, deviceValue: 4096 }]);
    expect(o.verdict).toBe('OK');
  });

  test('ppc64 is bi-endian in QEMU: a big-endian CPU at reset gives big-endian legacy config', () => {
    const o = evaluate(s390xBlk({ arch: 'ppc64', transport: 'pci' }));
    expect(o.validateReads[0].bytes).toBe('00001000');
  });
});

describe('pre-fix drivers (5.14: virtblk_validate, 82e89ea077b9)', () => {
  test('blk_size 4096 is misread as 1048576, BLK_SIZE is cleared and the guest runs 512-byte blocks on a 4096 disk: BROKEN', () => {
    const o = evaluate(s390xBlk());
    expect(o.clearedInValidate).toEqual(['VIRTIO_BLK_F_BLK_SIZE']);
    expect(o.effective).toEqual({ logical_block_size: 512 });
    expect(o.verdict).toBe('BROKEN');
  });

  test('blk_size 512 is misread as 131072 and cleared, but the default equals it: DEGRADED', () => {
    const o = evaluate(s390xBlk({ config: { blk_size: 512 } }));
    expect(o.validateReads[0]).toMatchObject({ bytes: '00000200', driverValue: 131072 });
    expect(o.effective.logical_block_size).toBe(512);
    expect(o.verdict).toBe('DEGRADED');
  });

  test('blk_size 65536 (bytes 00 01 00 00) is misread as 256, below SECTOR_SIZE: cleared, BROKEN', () => {
    const o = evaluate(s390xBlk({ config: { blk_size: 65536 } }));
    expect(o.validateReads[0]).toMatchObject({ bytes: '00010000', driverValue: 256 });
    expect(o.verdict).toBe('BROKEN');
  });

  test('a legacy device on s390x has no VERSION_1, so driver and device agree on big-endian', () => {
    const o = evaluate(s390xBlk({ mode: 'legacy' }));
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00001000', driverValue: 4096, deviceValue: 4096 }]);
    expect(o.negotiated).not.toContain('VIRTIO_F_VERSION_1');
    expect(o.deviceStatus).not.toContain('FEATURES_OK');
    expect(o.verdict).toBe('OK');
  });

  test('a validate() read happens before any feature write reaches the device', () => {
    const o = evaluate(s390xBlk());
    expect(step(o, 'virtio_cread32(blk_size)')).toBeLessThan(step(o, 'write-driver-features'));
  });
});

describe('virtio-net mtu in validate (fe36cbe0671e)', () => {
  test('mtu 1280 (bytes 05 00) is misread as 5 < 68, MTU is cleared and the guest uses 1500 > 1280: BROKEN', () => {
    const o = evaluate(s390xNet(1280));
    expect(o.validateReads).toEqual([{ field: 'mtu', bytes: '0500', driverValue: 5, deviceValue: 1280 }]);
    expect(o.effective).toEqual({ mtu: 1500 });
    expect(o.verdict).toBe('BROKEN');
  });

  test('mtu 9000 (bytes 23 28) is misread as 10275, kept, and probe reads 9000 after FEATURES_OK: OK', () => {
    const o = evaluate(s390xNet(9000));
    expect(o.validateReads[0]).toMatchObject({ bytes: '2328', driverValue: 10275 });
    expect(o.probeReads[0]).toMatchObject({ bytes: '2823', driverValue: 9000 });
    expect(o.effective).toEqual({ mtu: 9000 });
    expect(o.verdict).toBe('OK');
  });

  test('mtu 9216 (bytes 24 00) is misread as 36 and cleared; 1500 is below 9216 so nothing breaks: DEGRADED', () => {
    const o = evaluate(s390xNet(9216));
    expect(o.validateReads[0]).toMatchObject({ bytes: '2400', driverValue: 36 });
    expect(o.verdict).toBe('DEGRADED');
  });

  test('without host_mtu QEMU offers no VIRTIO_NET_F_MTU and validate() reads nothing', () => {
    const o = evaluate({ ...s390xNet(1500), config: {} });
    expect(o.offered).not.toContain('VIRTIO_NET_F_MTU');
    expect(o.validateReads).toEqual([]);
    expect(o.verdict).toBe('OK');
  });

  test('an mtu below 68 on a little-endian guest is cleared in validate and breaks: the guest sends 1500', () => {
    const o = evaluate(s390xNet(60, { arch: 'x86_64', transport: 'pci' }));
    expect(o.clearedInValidate).toEqual(['VIRTIO_NET_F_MTU']);
    expect(o.verdict).toBe('BROKEN');
  });

  test('4.10 reads mtu only in probe, after FEATURES_OK, so it reads the true value', () => {
    const o = evaluate(s390xNet(1280, { kernel: '4.10' }));
    expect(o.validateReads).toEqual([]);
    expect(o.effective).toEqual({ mtu: 1280 });
    expect(o.verdict).toBe('OK');
  });
});

describe('remedies', () => {
  test('write-back (2f9a174f918e) writes VERSION_1 alone before validate(), so config turns little-endian', () => {
    const o = evaluate(s390xBlk({ strategy: 'write-back' }));
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00100000', driverValue: 4096, deviceValue: 4096 }]);
    expect(step(o, 'write-back VERSION_1')).toBeLessThan(step(o, 'virtio_cread32(blk_size)'));
    expect(o.verdict).toBe('OK');
  });

  test('write-back does nothing on a little-endian guest (virtio_legacy_is_little_endian)', () => {
    const o = evaluate(s390xBlk({ arch: 'x86_64', transport: 'pci', strategy: 'write-back' }));
    expect(step(o, 'write-back VERSION_1')).toBe(-1);
  });

  test('write-back does nothing for a driver without validate(): 5.15 blk after the revert', () => {
    const o = evaluate(s390xBlk({ kernel: '5.15' }));
    expect(step(o, 'write-back VERSION_1')).toBe(-1);
    expect(o.validateReads).toEqual([]);
    expect(o.verdict).toBe('OK');
  });

  test('ack-all (4fa59ede9519) writes every feature before validate() reads config', () => {
    const o = evaluate(s390xBlk({ strategy: 'ack-all' }));
    expect(step(o, 'write-driver-features')).toBeLessThan(step(o, 'virtio_cread32(blk_size)'));
    expect(o.validateReads[0].driverValue).toBe(4096);
    expect(o.verdict).toBe('OK');
  });

  test('ack-all writes features a second time only when validate() changed them', () => {
    const writes = (o: ReturnType<typeof evaluate>) => o.trace!.filter((s) => s.action === 'write-driver-features').length;
    expect(writes(evaluate(s390xBlk({ strategy: 'ack-all' })))).toBe(1);
    expect(writes(evaluate(s390xNet(40, { strategy: 'ack-all' })))).toBe(2);
  });

  test('revert removes the read before FEATURES_OK; probe reads 4096 after it', () => {
    const o = evaluate(s390xBlk({ strategy: 'revert' }));
    expect(o.validateReads).toEqual([]);
    expect(o.probeReads).toEqual([{ field: 'blk_size', bytes: '00100000', driverValue: 4096, deviceValue: 4096 }]);
    expect(o.verdict).toBe('OK');
  });

  test('the revert does not help virtio-net: its mtu check stays in validate()', () => {
    expect(evaluate(s390xNet(1280, { strategy: 'revert' })).verdict).toBe('BROKEN');
    expect(evaluate(s390xNet(1280, { strategy: 'write-back' })).verdict).toBe('OK');
  });
});

describe('probe-time checks', () => {
  test('5.16 blk_validate_block_size fails the probe for 65536 on 4 KiB pages', () => {
    const o = evaluate(s390xBlk({ kernel: '5.16', config: { blk_size: 65536 } }));
    expect(o.verdict).toBe('PROBE_FAILED');
    expect(o.deviceStatus).toContain('FAILED');
    expect(o.deviceStatus).not.toContain('DRIVER_OK');
  });

  test('the same disk probes fine with 64 KiB pages (ppc64le default)', () => {
    const o = evaluate(s390xBlk({ arch: 'ppc64le', transport: 'pci', kernel: '5.16', config: { blk_size: 65536 } }));
    expect(o.combination.pageSize).toBe(65536);
    expect(o.verdict).toBe('OK');
  });

  test('5.15 (revert, no check) uses blk_size 65536 as read on 4 KiB pages: nothing clears it', () => {
    const o = evaluate(s390xBlk({ kernel: '5.15', config: { blk_size: 65536 } }));
    expect(o.effective.logical_block_size).toBe(65536);
    expect(o.verdict).toBe('OK');
  });
});

describe('vhost-user-blk (contrib): config in host-native order whatever was negotiated', () => {
  test('on an s390x host even ack-all reads big-endian bytes as little-endian, and 5.17 probe rejects 131072', () => {
    const o = evaluate(s390xBlk({ backend: 'vhost-user', kernel: '5.17', config: { blk_size: 512 } }));
    expect(o.probeReads[0]).toMatchObject({ bytes: '00000200', driverValue: 131072 });
    expect(o.verdict).toBe('PROBE_FAILED');
  });

  test('an s390x guest on an x86_64 host gets little-endian config and reads it right', () => {
    const o = evaluate(s390xBlk({ backend: 'vhost-user', hostArch: 'x86_64', kernel: '5.17' }));
    expect(o.probeReads[0]).toMatchObject({ bytes: '00100000', driverValue: 4096 });
    expect(o.verdict).toBe('OK');
  });

  test('vhost-user virtio-net keeps QEMU-filled config, so write-back helps it', () => {
    expect(evaluate(s390xNet(1280, { backend: 'vhost-user', strategy: 'write-back' })).verdict).toBe('OK');
  });
});

describe('transports', () => {
  test('ccw legacy (max_revision=0): the driver steps down to revision 0 and never sees VERSION_1', () => {
    const o = evaluate(s390xBlk({ mode: 'legacy' }));
    const revs = o.trace!.filter((s) => s.action === 'CCW_CMD_SET_VIRTIO_REV').map((s) => s.detail);
    expect(revs).toEqual(['revision 2: rejected (-EOPNOTSUPP)', 'revision 1: rejected (-EOPNOTSUPP)', 'revision 0: accepted']);
    expect(o.offered).not.toContain('VIRTIO_F_VERSION_1');
  });

  test('a transitional PCI device is driven through its modern interface', () => {
    const o = evaluate(s390xBlk({ arch: 'x86_64', transport: 'pci' }));
    expect(o.offered).toContain('VIRTIO_F_VERSION_1');
    expect(o.deviceStatus).toContain('FEATURES_OK');
  });

  test('mmio Version 1 (the force-legacy default) never offers VERSION_1; the driver reads its own byte order', () => {
    const o = evaluate(s390xBlk({ arch: 'aarch64', transport: 'mmio', mode: 'legacy' }));
    expect(o.offered).not.toContain('VIRTIO_F_VERSION_1');
    expect(o.validateReads[0]).toMatchObject({ bytes: '00100000', driverValue: 4096 });
  });

  test('mmio Version 2 refuses a driver without VERSION_1 and offers the high word', () => {
    const o = evaluate(s390xBlk({ arch: 'aarch64', transport: 'mmio', mode: 'modern' }));
    expect(o.offered).toContain('VIRTIO_F_VERSION_1');
    expect(o.verdict).toBe('OK');
  });

  test('transport-range bits the device offers are kept though no driver table lists them: bits 28 and 29 of the low word, 32 and 40 of the high word', () => {
    // QEMU 7.2's virtio-blk-pci offers INDIRECT_DESC (28), EVENT_IDX (29), VERSION_1 (32) and RING_RESET (40); bit 41 is past VIRTIO_TRANSPORT_F_END.
    const o = evaluate(s390xBlk({ arch: 'x86_64', transport: 'pci', mode: 'modern', hypervisor: 'qemu-7.2', kernel: '6.1', config: { blk_size: 512 } }));
    const ring = ['VIRTIO_RING_F_INDIRECT_DESC', 'VIRTIO_RING_F_EVENT_IDX', 'VIRTIO_F_VERSION_1', 'VIRTIO_F_RING_RESET'];
    expect(ring.filter((f) => o.offered.includes(f))).toEqual(ring);
    expect(ring.filter((f) => o.negotiated.includes(f))).toEqual(ring);
  });

  test('transport bits the ring code does not support are dropped before the write (vring_transport_features)', () => {
    const o = evaluate(s390xBlk({ arch: 'x86_64', transport: 'pci', kernel: '4.14', features: ['VIRTIO_BLK_F_BLK_SIZE', 'VIRTIO_F_RING_PACKED'] }));
    expect(o.offered).toContain('VIRTIO_F_RING_PACKED');
    expect(o.negotiated).not.toContain('VIRTIO_F_RING_PACKED');
  });
});

describe('stable backports', () => {
  test('5.10.80 carries the write-back (5.10.75), so s390x virtio-net with mtu 1280 is read right', () => {
    expect(evaluate(s390xNet(1280, { kernel: '5.10.80' })).verdict).toBe('OK');
    expect(evaluate(s390xNet(1280, { kernel: '5.10.74' })).verdict).toBe('BROKEN');
  });

  test('5.15.29 carries ack-all: features are written before validate() reads', () => {
    const o = evaluate(s390xNet(1280, { kernel: '5.15.29' }));
    const trace = o.trace!.map((s) => s.action);
    expect(trace.indexOf('write-driver-features')).toBeLessThan(trace.findIndex((a) => a.startsWith('virtio_cread16')));
    expect(trace).not.toContain('write-back VERSION_1');
  });
});

describe('guest policy in validate()', () => {
  test('the balloon drops PAGE_POISON by policy: not DEGRADED, and its validate() makes the write-back fire on s390x', () => {
    const o = evaluate({ arch: 's390x', transport: 'ccw', device: 'balloon', mode: 'transitional', hypervisor: 'qemu-6.1', kernel: '5.16' });
    expect(o.hostFeatures).toContain('VIRTIO_BALLOON_F_PAGE_POISON');
    expect(o.negotiated).not.toContain('VIRTIO_BALLOON_F_PAGE_POISON');
    expect(o.clearedInValidate).toEqual([]);
    expect(o.trace!.some((s) => s.action === 'write-back VERSION_1')).toBe(true);
    expect(o.verdict).toBe('OK');
  });

  test('virtio-snd over mmio Version 1 exists (mmio ignores virtio_legacy_allowed) and fails its VERSION_1 check', () => {
    const o = evaluate({ arch: 'aarch64', transport: 'mmio', device: 'sound', mode: 'legacy', hypervisor: 'qemu-8.2', kernel: '6.1' });
    expect(o.verdict).toBe('PROBE_FAILED');
    expect(o.reasons.join(' ')).toMatch(/virtio version 1.0 is required/);
  });
});

describe('QEMU early-detect RFC (never merged)', () => {
  test('a ccw reset at revision > 0 puts VERSION_1 in guest_features, so a pre-fix driver reads the true value', () => {
    const o = evaluate(s390xBlk({ hypervisor: 'qemu-early-detect-rfc', strategy: 'pre-fix' }));
    expect(o.validateReads[0]).toMatchObject({ bytes: '00100000', driverValue: 4096 });
    expect(o.verdict).toBe('OK');
  });

  test('it does not reach vhost-user-blk, whose backend fills config itself', () => {
    const o = evaluate(s390xBlk({ hypervisor: 'qemu-early-detect-rfc', backend: 'vhost-user', strategy: 'pre-fix' }));
    expect(o.validateReads[0].driverValue).toBe(1048576);
  });
});

describe('outcomes do not depend on what was evaluated before', () => {
  test('a combination that fails before probe() reports Linux defaults, not the previous combination\'s values', () => {
    // 3.16 cannot drive a modern-only ccw device: it fails before probe() reads anything.
    const failing = s390xBlk({ kernel: '3.16', mode: 'modern' });
    const alone = evaluate(failing);
    evaluate(s390xNet(9000, { kernel: '6.1' }));
    const after = evaluate(failing);
    expect(alone.verdict).toBe('PROBE_FAILED');
    expect(after.effective).toEqual(alone.effective);
    expect(after.effective).toEqual({ logical_block_size: 512 });
  });
});

describe('queue teardown after a failed probe', () => {
  const blk8192 = (arch: string, transport: string, mode: string) =>
    evaluate({ arch, transport, device: 'blk', mode, hypervisor: 'qemu-7.2', kernel: '6.1', config: { blk_size: 8192 } });

  test('a legacy PCI device is reset when virtio-blk deletes its queues (zero QUEUE_PFN), so only FAILED is left', () => {
    const o = blk8192('x86_64', 'pci', 'legacy');
    expect(o.verdict).toBe('PROBE_FAILED');
    expect(o.deviceStatus).toEqual(['FAILED']);
    expect(o.trace!.some((s) => s.action === 'del_vq')).toBe(true);
  });

  test('modern PCI and ccw keep the status the driver had reached, plus FAILED', () => {
    expect(blk8192('x86_64', 'pci', 'transitional').deviceStatus).toEqual(['ACKNOWLEDGE', 'DRIVER', 'FEATURES_OK', 'FAILED']);
    expect(blk8192('s390x', 'ccw', 'legacy').deviceStatus).toEqual(['ACKNOWLEDGE', 'DRIVER', 'FAILED']);
  });
});
