import { DefinitionError, KERNEL_PATCHES, parseKernelPatch, parseQemuChange } from '../../../src/engine';
import { EARLY_DETECT_RFC, LEGACY_CHECK } from '../../../src/engine/profiles/qemu/changes';
import { checkedPatch } from '../../../src/engine/profiles/linux/patches';

/** The blk_size check of 82e89ea077b9 (fact sheet §2) as a user would write it. */
const blkSizeCheck = {
  id: 'blk-size-check',
  title: 'virtio-blk: Add validation for block size in config space',
  mainline: '5.14-rc7',
  stable: [],
  role: 'change',
  driver: [
    {
      kind: 'configCheck', device: 'blk', phase: 'validate', field: 'blk_size', whenFeature: 'VIRTIO_BLK_F_BLK_SIZE',
      reject: { min: 512, max: 'PAGE_SIZE' }, action: 'clearFeature', message: 'virtblk_validate: out of range, cleared',
    },
  ],
  source: '<20210809101609.148-1-xieyongji@bytedance.com>',
};

function refusal(definition: unknown): { path: string; reason: string } {
  try {
    parseKernelPatch(definition);
  } catch (err) {
    if (err instanceof DefinitionError) return { path: err.path, reason: err.reason };
    throw err;
  }
  throw new Error('the definition was accepted');
}

describe('kernel patch schema v1', () => {
  test.each(KERNEL_PATCHES.map((p) => [p.id, p] as const))('built-in patch %s passes the schema users\' definitions go through', (_id, patch) => {
    expect(parseKernelPatch(patch)).toEqual(JSON.parse(JSON.stringify(patch)));
  });

  test('a proposed blk_size check written as plain JSON is accepted as it was written', () => {
    expect(parseKernelPatch(blkSizeCheck)).toEqual(blkSizeCheck);
  });

  test('a range bound that is not a number is refused with the path of the bad part', () => {
    const bad = { ...blkSizeCheck, driver: [{ ...blkSizeCheck.driver[0], reject: { min: '512', max: 'PAGE_SIZE' } }] };
    expect(refusal(bad)).toEqual({ path: 'driver.0.reject.min', reason: 'expected a number' });
  });

  test('a max that is neither a number nor PAGE_SIZE is refused at reject.max', () => {
    const bad = { ...blkSizeCheck, driver: [{ ...blkSizeCheck.driver[0], reject: { min: 512, max: 'PAGESIZE' } }] };
    expect(refusal(bad)).toEqual({ path: 'driver.0.reject.max', reason: 'expected a number or "PAGE_SIZE"' });
  });

  test('an unknown rule kind is refused naming the kinds there are', () => {
    const r = refusal({ ...blkSizeCheck, driver: [{ kind: 'readConfig', device: 'blk' }] });
    expect(r.path).toBe('driver.0.kind');
    expect(r.reason).toMatch(/configCheck, policyClear, requireVersion1, acceptFeature or dropFeature/);
  });

  test('a config field the device does not have is refused at driver.N.field', () => {
    const r = refusal({ ...blkSizeCheck, driver: [{ ...blkSizeCheck.driver[0], field: 'block_size' }] });
    expect(r).toEqual({ path: 'driver.0.field', reason: expect.stringMatching(/unknown config field block_size for blk/) });
  });

  test('a feature of another device is refused at driver.N.whenFeature', () => {
    const r = refusal({ ...blkSizeCheck, driver: [{ ...blkSizeCheck.driver[0], whenFeature: 'VIRTIO_NET_F_MTU' }] });
    expect(r).toEqual({ path: 'driver.0.whenFeature', reason: 'unknown feature VIRTIO_NET_F_MTU for blk' });
  });

  test('a key the schema does not define is refused by name, so a typo does not pass silently', () => {
    expect(refusal({ ...blkSizeCheck, remove: ['82e89ea077b9'] })).toEqual({ path: 'remove', reason: expect.stringMatching(/unknown key/) });
  });

  test('a core rule the engine does not model is refused at core.N.kind', () => {
    expect(refusal({ ...blkSizeCheck, core: [{ kind: 'writeBackAll' }] }).path).toBe('core.0.kind');
  });

  test('a mainline that is not a Linux version is refused', () => {
    expect(refusal({ ...blkSizeCheck, mainline: 'next' }).path).toBe('mainline');
  });

  test('a remedy on a patch that is not a fix is refused: strategies choose only among fixes', () => {
    expect(refusal({ ...blkSizeCheck, remedy: 'write-back' })).toEqual({ path: 'remedy', reason: 'only a patch with role "fix" names a remedy' });
  });

  test('an id with "+" is refused: it would split a kernel value BASE+ID', () => {
    expect(refusal({ ...blkSizeCheck, id: 'a+b' }).path).toBe('id');
  });

  test('a built-in entry that breaks the schema stops the load, naming the patch and the path', () => {
    const broken = { ...KERNEL_PATCHES.find((p) => p.id === '82e89ea077b9')!, stable: ['5.14.y'] };
    expect(() => checkedPatch(broken)).toThrow('built-in kernel patch 82e89ea077b9: stable.0: expected a Linux version');
  });
});

describe('QEMU change schema v1', () => {
  test('the built-in QEMU changes pass it', () => {
    expect(parseQemuChange(LEGACY_CHECK)).toEqual(LEGACY_CHECK);
    expect(parseQemuChange(EARLY_DETECT_RFC)).toEqual(EARLY_DETECT_RFC);
  });

  test('an effect the engine does not model is refused at effect', () => {
    expect(() => parseQemuChange({ ...LEGACY_CHECK, effect: 'littleEndianAlways' })).toThrow(/^effect: expected "enforceLegacyAllowed" or "earlyModernDetect"/);
  });

  const proposed = { id: 'mtu-default', title: 'net offers MTU by default', source: 'proposal' };

  test('a feature both added and removed for one device is refused at the removal, naming the addition', () => {
    expect(() => parseQemuChange({ ...proposed, offers: [{ device: 'net', add: ['VIRTIO_NET_F_MTU'], remove: ['VIRTIO_NET_F_MTU'] }] }))
      .toThrow(/^offers\.0\.remove\.0: VIRTIO_NET_F_MTU for net is also added \(offers\.0\.add\)/);
    expect(() => parseQemuChange({ ...proposed, offers: [{ device: 'net', add: ['VIRTIO_NET_F_MTU'] }, { device: 'net', remove: ['VIRTIO_NET_F_MTU'] }] }))
      .toThrow(/^offers\.1\.remove\.0: VIRTIO_NET_F_MTU for net is also added \(offers\.0\.add\)/);
  });

  test('the same feature added for one device and removed for another is two changes, and accepted', () => {
    const change = { ...proposed, offers: [{ device: 'net', add: ['VIRTIO_F_VERSION_1'] }, { device: 'blk', remove: ['VIRTIO_F_VERSION_1'] }] };
    expect(parseQemuChange(change)).toEqual(change);
  });

  test('a device both allowed and forbidden legacy is refused at legacyAllowed.remove', () => {
    expect(() => parseQemuChange({ ...proposed, legacyAllowed: { add: ['net'], remove: ['net'] } })).toThrow(/^legacyAllowed\.remove\.0: net is also in legacyAllowed\.add/);
  });
});
