import { compileDriver, patchesForStrategy, patchesIn } from '../../src/engine/kernel';
import { parseKernelVersion } from '../../src/engine/profiles/linux/versions';

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
