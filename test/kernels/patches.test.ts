import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRATEGIES } from '../../src/engine';
import { patchDir, patchSeries, touchedFiles } from '../../src/kernels/patches';

describe('strategy patch series for Linux 6.1 (kernels/patches/6.1)', () => {
  test('each strategy resolves to files that exist, reverts first, then applies oldest first', () => {
    const files = Object.fromEntries(STRATEGIES.map((s) => [s, patchSeries('6.1', '6.1.192', s).map((p) => p.file)]));
    expect(files).toEqual({
      'as-shipped': [],
      'pre-fix': ['revert-4fa59ede9519.patch', '82e89ea077b9.patch'],
      revert: ['revert-4fa59ede9519.patch'],
      'write-back': ['revert-4fa59ede9519.patch', '82e89ea077b9.patch', '2f9a174f918e.patch'],
      'ack-all': ['82e89ea077b9.patch'],
    });
  });

  test('every patch file cites the commit it realises and the fact sheet, and touches only the virtio core or virtio-blk', () => {
    for (const [series, file] of ['6.1', '6.12'].flatMap((series) => readdirSync(patchDir(series)).map((f) => [series, f]))) {
      const text = readFileSync(join(patchDir(series), file), 'utf8');
      const id = file.replace(/^revert-/, '').replace(/\.patch$/, '');
      expect(text).toMatch(new RegExp(`^Cites: ${id}[0-9a-f]{28}`, 'm'));
      expect(text).toMatch(/^Facts: \.\.\/shared\/domain\/virtio-config-endianness\.md §\d/m);
      expect(touchedFiles(text).every((f) => ['drivers/virtio/virtio.c', 'drivers/block/virtio_blk.c'].includes(f))).toBe(true);
    }
  });

  test('the pre-fix core calls validate() before the first finalize_features(); the write-back writes only VERSION_1 on big-endian guests', () => {
    const revert = readFileSync(join(patchDir('6.1'), 'revert-4fa59ede9519.patch'), 'utf8');
    const removed = revert.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).join('\n');
    const added = revert.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).join('\n');
    expect(removed).toMatch(/Did validation change any features\? Then write them again\./);
    expect(added).toMatch(/finalize_features\(dev\)/);
    const writeBack = readFileSync(join(patchDir('6.1'), '2f9a174f918e.patch'), 'utf8');
    expect(writeBack).toMatch(/\+\tif \(drv->validate && !virtio_legacy_is_little_endian\(\)/);
    expect(writeBack).toMatch(/\+\t\tdev->features = BIT_ULL\(VIRTIO_F_VERSION_1\);/);
  });

  test('82e89ea077b9 clears VIRTIO_BLK_F_BLK_SIZE outside [SECTOR_SIZE, PAGE_SIZE] in validate and fails probe on the same range', () => {
    const text = readFileSync(join(patchDir('6.1'), '82e89ea077b9.patch'), 'utf8');
    expect(text).toMatch(/\+\tif \(blk_size < SECTOR_SIZE \|\| blk_size > PAGE_SIZE\)\n\+\t\t__virtio_clear_bit\(vdev, VIRTIO_BLK_F_BLK_SIZE\);/);
    expect(text).toMatch(/\+\t\.validate\t+= virtblk_validate,/);
    expect(text).toMatch(/block size is changed unexpectedly/);
  });

  test('a strategy whose patch has no file for the series is refused, naming the file', () => {
    // 5.15.5 shipped the write-back: ack-all would have to revert it, and no 6.1 file does that.
    expect(() => patchSeries('6.1', '5.15.5', 'ack-all')).toThrow(/kernels\/patches\/6\.1\/revert-2f9a174f918e\.patch does not exist/);
  });

  test('6.12 has the same series, written against its own source', () => {
    for (const strategy of STRATEGIES) {
      expect(patchSeries('6.12', '6.12.117', strategy).map((p) => p.file)).toEqual(patchSeries('6.1', '6.1.192', strategy).map((p) => p.file));
    }
  });
});
