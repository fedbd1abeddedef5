import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPatchRegistry, evaluate, InvalidCombinationError, KERNEL_PATCHES, PatchDefinitionError,
  type CombinationInput, type Outcome, type PatchRegistry,
} from '../../src/engine';
import { s390xBlk } from './helpers';

const builtIn = (id: string) => KERNEL_PATCHES.find((p) => p.id === id)!;

/** 82e89ea077b9 (fact sheet §2) and 2f9a174f918e (§1) defined again under ids of our own. */
const blkSizeCheck = { ...builtIn('82e89ea077b9'), id: 'blk-size-check' };
const writeBackV3 = { ...builtIn('2f9a174f918e'), id: 'write-back-v3', mainline: '5.15-rc6', stable: [] };
const registry = createPatchRegistry([blkSizeCheck, writeBackV3]);

const x86Blk = (overrides: Partial<CombinationInput> = {}): CombinationInput =>
  ({ ...s390xBlk(overrides), arch: 'x86_64', transport: 'pci', ...overrides });

function run(input: CombinationInput, patches: PatchRegistry = registry): Outcome {
  return evaluate(input, { patches, trace: false });
}

function refusal(fn: () => unknown): { field?: string; reason?: string; path?: string; index?: number } {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidCombinationError) return { field: err.field, reason: err.reason };
    if (err instanceof PatchDefinitionError) return { index: err.index, path: err.path, reason: err.reason };
    throw err;
  }
  throw new Error('accepted');
}

describe('kernel values BASE+ID: the 2021 check proposed on 5.13', () => {
  test('5.13 alone reads no blk config before FEATURES_OK, so the s390x DASD works', () => {
    expect(run(s390xBlk({ kernel: '5.13' })).verdict).toBe('OK');
  });

  test('with the check, s390x validate() reads blk_size in big-endian bytes, decodes them little-endian, clears BLK_SIZE: BROKEN', () => {
    // QEMU 6.1 has seen no VERSION_1 yet, so it fills legacy (guest-native, big-endian) 4096 = 00 00 10 00;
    // the driver already counts VERSION_1 and decodes LE: 0x00100000 = 1048576 > PAGE_SIZE.
    const o = run(s390xBlk({ kernel: '5.13+blk-size-check' }));
    expect(o.verdict).toBe('BROKEN');
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00001000', driverValue: 1048576, deviceValue: 4096 }]);
    expect(o.clearedInValidate).toEqual(['VIRTIO_BLK_F_BLK_SIZE']);
    expect(o.effective).toEqual({ logical_block_size: 512 });
    expect(o.patches).toContain('blk-size-check');
    expect(o.combination.kernel).toBe('5.13+blk-size-check');
  });

  test('with the check, an x86_64 guest reads the same bytes in its own order and keeps 4096: OK', () => {
    const o = run(x86Blk({ kernel: '5.13+blk-size-check' }));
    expect(o.verdict).toBe('OK');
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00100000', driverValue: 4096, deviceValue: 4096 }]);
  });

  test('the write-back proposed on top makes QEMU switch to little-endian before validate(): OK on s390x', () => {
    const o = run(s390xBlk({ kernel: '5.13+blk-size-check+write-back-v3' }));
    expect(o.verdict).toBe('OK');
    expect(o.validateReads).toEqual([{ field: 'blk_size', bytes: '00100000', driverValue: 4096, deviceValue: 4096 }]);
    expect(o.patches).toEqual(expect.arrayContaining(['blk-size-check', 'write-back-v3']));
  });
});

describe('the strategy axis over proposed patches', () => {
  const kernel = '5.13+blk-size-check+write-back-v3';

  test('pre-fix drops a proposed fix as it drops the built-in ones', () => {
    expect(run(s390xBlk({ kernel, strategy: 'pre-fix' })).verdict).toBe('BROKEN');
  });

  test('write-back with a proposed write-back applied runs that one instead of 2f9a174f918e', () => {
    const o = run(s390xBlk({ kernel, strategy: 'write-back' }));
    expect(o.verdict).toBe('OK');
    expect(o.patches).toContain('write-back-v3');
    expect(o.patches).not.toContain('2f9a174f918e');
  });

  test('write-back without a proposed one falls back to the built-in 2f9a174f918e', () => {
    const o = run(s390xBlk({ kernel: '5.13+blk-size-check', strategy: 'write-back' }));
    expect(o.verdict).toBe('OK');
    expect(o.patches).toContain('2f9a174f918e');
  });

  test('the built-in revert removes only the commit it names, so a proposed copy of that check stays', () => {
    expect(run(s390xBlk({ kernel: '5.13+blk-size-check', strategy: 'revert' })).verdict).toBe('BROKEN');
  });

  test('a proposed revert that removes the proposed check restores 5.13 under the revert strategy', () => {
    const withRevert = createPatchRegistry([
      blkSizeCheck,
      { id: 'revert-blk-size-check', title: 'Revert the check', mainline: '5.15-rc6', stable: [], role: 'fix', remedy: 'revert', removes: ['blk-size-check'], source: 'test' },
    ]);
    expect(run(s390xBlk({ kernel: '5.13+blk-size-check+revert-blk-size-check', strategy: 'revert' }), withRevert).verdict).toBe('OK');
    expect(run(s390xBlk({ kernel: '5.13+blk-size-check+revert-blk-size-check', strategy: 'as-shipped' }), withRevert).verdict).toBe('OK');
  });
});

describe('registries belong to their callers', () => {
  test('two registries defining the same id differently each get their own driver', () => {
    // The same id, once with the original range and once accepting up to 2 MiB: 1048576 passes the second.
    const lenient = createPatchRegistry([{
      ...blkSizeCheck,
      driver: blkSizeCheck.driver!.map((r) => (r.kind === 'configCheck' ? { ...r, reject: { min: 512, max: 2097152 } } : r)),
    }]);
    const input = s390xBlk({ kernel: '5.13+blk-size-check' });
    expect(run(input, registry).verdict).toBe('BROKEN');
    expect(run(input, lenient).clearedInValidate).toEqual([]);
    expect(run(input, registry).verdict).toBe('BROKEN');
  });

  test('a kernel value without "+" gives the same outcome with or without a registry', () => {
    const input = s390xBlk({ kernel: '5.14' });
    expect(run(input)).toEqual(evaluate(input, { trace: false }));
  });
});

describe('refusals', () => {
  test('an unknown id is an InvalidCombinationError on kernel naming the id', () => {
    const r = refusal(() => run(s390xBlk({ kernel: '5.13+blk-size-chek' })));
    expect(r.field).toBe('kernel');
    expect(r.reason).toMatch(/unknown patch "blk-size-chek"/);
  });

  test('without a registry any id is unknown, and the message says how to give one', () => {
    const r = refusal(() => evaluate(s390xBlk({ kernel: '5.13+blk-size-check' })));
    expect(r).toEqual({ field: 'kernel', reason: expect.stringMatching(/unknown patch "blk-size-check".*no proposed patches were given/) });
  });

  test('the same id applied twice is refused', () => {
    expect(refusal(() => run(s390xBlk({ kernel: '5.13+blk-size-check+blk-size-check' }))).reason).toMatch(/applied twice/);
  });

  test('a base that is not a Linux version is refused on kernel', () => {
    expect(refusal(() => run(s390xBlk({ kernel: 'latest+blk-size-check' }))).field).toBe('kernel');
  });

  test('a definition reusing a built-in commit id is refused: BASE+82e89ea077b9 would be ambiguous', () => {
    expect(refusal(() => createPatchRegistry([builtIn('82e89ea077b9')]))).toEqual({ index: 0, path: 'id', reason: expect.stringMatching(/built-in/) });
  });

  test('an id defined twice is refused at the second definition', () => {
    expect(refusal(() => createPatchRegistry([blkSizeCheck, writeBackV3, blkSizeCheck]))).toMatchObject({ index: 2, path: 'id' });
  });

  test('removes naming nothing known is refused at removes.N', () => {
    expect(refusal(() => createPatchRegistry([{ ...writeBackV3, removes: ['82e89ea077b9', 'nope'] }]))).toEqual({ index: 0, path: 'removes.1', reason: 'unknown patch or rule id "nope"' });
  });

  test('a patch that removes itself is refused at removes.N (stored, nothing could ever delete it)', () => {
    expect(refusal(() => createPatchRegistry([{ ...writeBackV3, removes: ['write-back-v3'] }]))).toEqual({ index: 0, path: 'removes.0', reason: 'a patch cannot remove itself' });
  });

  test('a nonsense definition in a list is refused with its index and the path of the bad part', () => {
    const bad = { ...blkSizeCheck, driver: [{ ...blkSizeCheck.driver![0], reject: { min: 'small', max: 'PAGE_SIZE' } }] };
    expect(refusal(() => createPatchRegistry([writeBackV3, bad]))).toEqual({ index: 1, path: 'driver.0.reject.min', reason: 'expected a number' });
  });
});

describe('the README what-if example (examples/what-if)', () => {
  test('the example definitions pass the schema, and the cells go BROKEN on s390x only, then OK with the write-back', () => {
    const read = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'what-if', name), 'utf8'));
    const patches = createPatchRegistry(read('patches.json'));
    const cells: CombinationInput[] = read('blk-size-check-on-5.13.json');
    expect(cells.map((c) => [c.arch, c.kernel, run(c, patches).verdict])).toEqual([
      ['s390x', '5.13+blk-size-check', 'BROKEN'],
      ['x86_64', '5.13+blk-size-check', 'OK'],
      ['s390x', '5.13+blk-size-check+write-back-v3', 'OK'],
      ['x86_64', '5.13+blk-size-check+write-back-v3', 'OK'],
    ]);
  });
});
