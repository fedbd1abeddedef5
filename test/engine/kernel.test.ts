import { compileDriver, patchesForStrategy, patchesIn } from '../../src/engine/kernel';
import { parseKernelVersion } from '../../src/engine/profiles/linux/versions';
import { evaluate, featureBit, sourceChanges } from '../../src/engine';
import { hasBit } from '../../src/engine/features';

const ids = (kernel: string, strategy?: Parameters<typeof patchesForStrategy>[1]) =>
  (strategy ? patchesForStrategy(parseKernelVersion(kernel)!, strategy) : patchesIn(parseKernelVersion(kernel)!)).map((p) => p.id);

describe('kernel patch sets (fact sheet §0-§3)', () => {
  test('4.10 predates the validate hook and the virtio-net MTU check', () => {
    expect(ids('4.10')).not.toContain('404123c2db79');
    expect(ids('4.10')).not.toContain('fe36cbe0671e');
  });

  test('virtio-blk blk_size validation is in 5.14-rc7 and 5.14, not in 5.14-rc6', () => {
    expect(ids('5.14-rc6')).not.toContain('82e89ea077b9');
    expect(ids('5.14-rc7')).toContain('82e89ea077b9');
    expect(ids('5.14')).toContain('82e89ea077b9');
  });

  test('5.15-rc5 has the check and no remedy; 5.15-rc6 has the revert and the write-back', () => {
    expect(ids('5.15-rc5')).toEqual(expect.arrayContaining(['82e89ea077b9']));
    expect(ids('5.15-rc5')).not.toContain('2f9a174f918e');
    expect(ids('5.15-rc6')).toEqual(expect.arrayContaining(['ff63198850f3', '2f9a174f918e']));
  });

  test('5.14.14 carries the revert and the write-back as stable backports', () => {
    expect(ids('5.14.14')).toEqual(expect.arrayContaining(['82e89ea077b9', 'ff63198850f3', '2f9a174f918e']));
    expect(ids('5.14.13')).not.toContain('ff63198850f3');
  });

  test('4.14.252 and 5.4.155 carry the write-back but have no blk_size check to revert', () => {
    for (const k of ['4.14.252', '5.4.155']) {
      expect(ids(k)).toContain('2f9a174f918e');
      expect(ids(k)).not.toContain('82e89ea077b9');
    }
  });

  test('ack-all (4fa59ede9519) replaces the write-back from 5.17 and 5.16.15', () => {
    for (const k of ['5.17', '5.16.15', '6.6']) {
      const d = compileDriver(parseKernelVersion(k)!, 'as-shipped', 'blk');
      expect(d.finalizeBeforeValidate).toBe(true);
      expect(d.writeBackVersion1BeforeValidate).toBe(false);
    }
    const d516 = compileDriver(parseKernelVersion('5.16')!, 'as-shipped', 'blk');
    expect(d516.writeBackVersion1BeforeValidate).toBe(true);
  });

  test('pre-fix strips every remedy; each remedy strategy adds back only its own', () => {
    expect(ids('6.6', 'pre-fix')).not.toEqual(expect.arrayContaining(['ff63198850f3']));
    expect(ids('6.6', 'pre-fix').filter((id) => ['ff63198850f3', '2f9a174f918e', '4fa59ede9519'].includes(id))).toEqual([]);
    expect(ids('5.14', 'write-back')).toContain('2f9a174f918e');
    expect(ids('5.14', 'write-back')).not.toContain('ff63198850f3');
    expect(ids('5.14', 'revert')).toContain('ff63198850f3');
  });

  test('the revert removes virtio-blk validate(), so the driver has no validate callback', () => {
    expect(compileDriver(parseKernelVersion('5.14')!, 'as-shipped', 'blk').hasValidate).toBe(true);
    expect(compileDriver(parseKernelVersion('5.15')!, 'as-shipped', 'blk').hasValidate).toBe(false);
    expect(compileDriver(parseKernelVersion('6.6')!, 'pre-fix', 'blk').hasValidate).toBe(true);
  });

  test('fe36cbe0671e moves the MTU range check from probe to validate', () => {
    const k410 = compileDriver(parseKernelVersion('4.10')!, 'as-shipped', 'net');
    expect(k410.hasValidate).toBe(false);
    expect(k410.probeChecks.map((c) => c.action)).toEqual(['clearFeature']);
    const k411 = compileDriver(parseKernelVersion('4.11')!, 'as-shipped', 'net');
    expect(k411.hasValidate).toBe(true);
    expect(k411.probeChecks.map((c) => c.action)).toEqual(['failProbe']);
  });
});

describe('driver feature tables per kernel version (feature-tables.ts)', () => {
  type Device = Parameters<typeof compileDriver>[2];
  const accepts = (kernel: string, device: Device, feature: string, table: 'featureTable' | 'featureTableLegacy' = 'featureTable') =>
    hasBit(compileDriver(parseKernelVersion(kernel)!, 'as-shipped', device)[table], featureBit(device, feature)!);

  test('virtio-blk accepts DISCARD and WRITE_ZEROES from 5.0 (1f23816b8eb8), in both tables', () => {
    for (const f of ['VIRTIO_BLK_F_DISCARD', 'VIRTIO_BLK_F_WRITE_ZEROES']) {
      expect([accepts('4.19', 'blk', f), accepts('4.19', 'blk', f, 'featureTableLegacy')]).toEqual([false, false]);
      expect([accepts('5.0', 'blk', f), accepts('5.0', 'blk', f, 'featureTableLegacy')]).toEqual([true, true]);
    }
  });

  test('virtio-blk SCSI passthrough is legacy-only and gone from 5.6 (d1281e3a562e)', () => {
    expect(accepts('5.5', 'blk', 'VIRTIO_BLK_F_SCSI', 'featureTableLegacy')).toBe(true);
    expect(accepts('5.5', 'blk', 'VIRTIO_BLK_F_SCSI')).toBe(false);
    expect(accepts('5.6', 'blk', 'VIRTIO_BLK_F_SCSI', 'featureTableLegacy')).toBe(false);
  });

  test('virtio-blk ZONED (6.3) is offered to modern devices only; SECURE_ERASE (6.1) to both', () => {
    expect([accepts('6.2', 'blk', 'VIRTIO_BLK_F_ZONED'), accepts('6.3', 'blk', 'VIRTIO_BLK_F_ZONED'), accepts('6.3', 'blk', 'VIRTIO_BLK_F_ZONED', 'featureTableLegacy')]).toEqual([false, true, false]);
    expect([accepts('6.0', 'blk', 'VIRTIO_BLK_F_SECURE_ERASE'), accepts('6.1', 'blk', 'VIRTIO_BLK_F_SECURE_ERASE', 'featureTableLegacy')]).toEqual([false, true]);
  });

  test('virtio-net gains SPEED_DUPLEX in 4.16, STANDBY in 4.18, RSS in 5.18 and USO in 6.2', () => {
    const steps: [string, string, string][] = [
      ['VIRTIO_NET_F_SPEED_DUPLEX', '4.15', '4.16'], ['VIRTIO_NET_F_STANDBY', '4.17', '4.18'],
      ['VIRTIO_NET_F_RSS', '5.17', '5.18'], ['VIRTIO_NET_F_HOST_USO', '6.1', '6.2'], ['VIRTIO_NET_F_DEVICE_STATS', '6.9', '6.10'],
    ];
    for (const [feature, before, at] of steps) {
      expect([feature, accepts(before, 'net', feature), accepts(at, 'net', feature), accepts(at, 'net', feature, 'featureTableLegacy')]).toEqual([feature, false, true, true]);
    }
  });

  test('virtio-balloon gains FREE_PAGE_HINT and PAGE_POISON in 4.20 and REPORTING in 5.7', () => {
    expect(['VIRTIO_BALLOON_F_FREE_PAGE_HINT', 'VIRTIO_BALLOON_F_PAGE_POISON'].map((f) => [accepts('4.19', 'balloon', f), accepts('4.20', 'balloon', f)])).toEqual([[false, true], [false, true]]);
    expect([accepts('5.6', 'balloon', 'VIRTIO_BALLOON_F_REPORTING'), accepts('5.7', 'balloon', 'VIRTIO_BALLOON_F_REPORTING')]).toEqual([false, true]);
  });

  test('virtio-console never accepts EMERG_WRITE, though QEMU may offer it', () => {
    for (const kernel of ['4.10', '5.15', '6.12']) expect(accepts(kernel, 'console', 'VIRTIO_CONSOLE_F_EMERG_WRITE')).toBe(false);
  });

  test('a legacy ccw disk negotiates QEMU\'s legacy-only SCSI bit with 5.4 but not with 6.1', () => {
    const disk = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'legacy', hypervisor: 'qemu-7.2', strategy: 'as-shipped' } as const;
    expect(evaluate({ ...disk, kernel: '5.4' }).negotiated).toContain('VIRTIO_BLK_F_SCSI');
    expect(evaluate({ ...disk, kernel: '6.1' }).negotiated).not.toContain('VIRTIO_BLK_F_SCSI');
    expect(evaluate({ ...disk, kernel: '4.19' }).negotiated).not.toContain('VIRTIO_BLK_F_DISCARD');
  });
});

describe('a strategy as source changes to a released kernel (sourceChanges)', () => {
  const changes = (kernel: string, strategy: Parameters<typeof sourceChanges>[1]) => sourceChanges(parseKernelVersion(kernel)!, strategy);

  test('as-shipped changes nothing', () => {
    expect(changes('6.1.192', 'as-shipped')).toEqual({ revert: [], apply: [] });
  });

  test('on 6.1, pre-fix undoes ack-all and brings back virtblk_validate, which the revert commit had removed', () => {
    expect(changes('6.1.192', 'pre-fix')).toEqual({ revert: ['4fa59ede9519'], apply: ['82e89ea077b9'] });
  });

  test('on 6.1, revert keeps the blk revert and only undoes ack-all; write-back adds 2f9a174f918e after the blk check', () => {
    expect(changes('6.1.192', 'revert')).toEqual({ revert: ['4fa59ede9519'], apply: [] });
    expect(changes('6.1.192', 'write-back')).toEqual({ revert: ['4fa59ede9519'], apply: ['82e89ea077b9', '2f9a174f918e'] });
  });

  test('on 6.1, ack-all keeps the core as released and adds only virtblk_validate (ack-all is pre-fix plus that remedy)', () => {
    expect(changes('6.1.192', 'ack-all')).toEqual({ revert: [], apply: ['82e89ea077b9'] });
  });

  test('on 5.15.5 (write-back shipped) ack-all reverts the write-back and applies 4fa59ede9519', () => {
    expect(changes('5.15.5', 'ack-all')).toEqual({ revert: ['2f9a174f918e'], apply: ['82e89ea077b9', '4fa59ede9519'] });
  });
});
