import { firstRegression } from '../../src/engine';
import { s390xBlk, s390xNet } from './helpers';

describe('firstRegression', () => {
  test('s390x DASD virtio-blk first breaks at 5.14-rc7, when 82e89ea077b9 adds virtblk_validate', () => {
    const r = firstRegression(s390xBlk({ kernel: '6.6' }), 'kernel');
    expect(r.found).toMatchObject({ before: '5.14-rc6', at: '5.14-rc7' });
    expect(r.found!.responsible).toEqual([{ id: '82e89ea077b9', title: 'virtio-blk: Add validation for block size in config space', change: 'added' }]);
    expect(r.found!.atOutcome.verdict).toBe('BROKEN');
  });

  test('s390x virtio-net with mtu 1280 first breaks at 4.11, when fe36cbe0671e reads mtu in validate()', () => {
    const r = firstRegression(s390xNet(1280, { kernel: '6.6' }), 'kernel');
    expect(r.found).toMatchObject({ before: '4.10', at: '4.11' });
    expect(r.found!.responsible.map((p) => p.id)).toEqual(expect.arrayContaining(['404123c2db79', 'fe36cbe0671e']));
  });

  test('a combination that never gets worse reports no regression', () => {
    const r = firstRegression(s390xBlk({ arch: 'x86_64', transport: 'pci', config: { blk_size: 4096 } }), 'kernel');
    expect(r.found).toBeNull();
    expect(r.walked.length).toBeGreaterThan(10);
  });

  test('walking QEMU releases skips the ones that refuse the combination (crypto legacy from 5.1)', () => {
    const r = firstRegression({ arch: 'x86_64', transport: 'pci', device: 'crypto', mode: 'transitional', hypervisor: 'qemu-5.0', kernel: '6.1' }, 'hypervisor');
    expect(r.walked).toEqual(['qemu-5.0']);
    expect(r.found).toBeNull();
  });
});
