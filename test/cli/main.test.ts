/** The CLI contract CI scripts depend on: JSON out in input order, exit 2 with a JSON error on bad input. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
const dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-cli-'));

function run(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: stdin, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const dasd = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', kernel: '5.14', config: { blk_size: 4096 } };

describe('virtio-matrix evaluate', () => {
  test('one combination in a file gives one outcome object on stdout', () => {
    const r = run(['evaluate', '--input', file('one.json', dasd)]);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.verdict).toBe('BROKEN');
    expect(o.validateReads[0]).toEqual({ field: 'blk_size', bytes: '00001000', driverValue: 1048576, deviceValue: 4096 });
    expect(Array.isArray(o.trace)).toBe(true);
  });

  test('an array on stdin gives an array of outcomes in the same order', () => {
    const batch = [dasd, { ...dasd, strategy: 'write-back' }, { ...dasd, kernel: '5.15' }];
    const r = run(['evaluate', '--input', '-', '--no-trace'], JSON.stringify(batch));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.map((o: { verdict: string }) => o.verdict)).toEqual(['BROKEN', 'OK', 'OK']);
    expect(out[1].combination.strategy).toBe('write-back');
    expect(out[0].trace).toBeUndefined();
  });

  test('a batch with one invalid item is rejected whole, naming its index and field, exit 2', () => {
    const r = run(['evaluate', '--input', file('bad.json', [dasd, { ...dasd, arch: 'x86_64' }])]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr).error;
    expect(err).toMatchObject({ code: 'INVALID_COMBINATION', index: 1, field: 'transport' });
    expect(err.reason).toMatch(/ccw exists only on s390x/);
  });

  test('unknown kernel, malformed JSON and a missing file are exit 2 with a typed error', () => {
    const unknown = run(['evaluate', '--input', file('k.json', { ...dasd, kernel: 'latest' })]);
    expect(unknown.status).toBe(2);
    expect(JSON.parse(unknown.stderr).error).toMatchObject({ code: 'INVALID_COMBINATION', field: 'kernel' });
    const malformed = run(['evaluate', '--input', file('m.json', '{"arch": ')]);
    expect(malformed.status).toBe(2);
    expect(JSON.parse(malformed.stderr).error.code).toBe('INVALID_JSON');
    const missing = run(['evaluate', '--input', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stderr).error.code).toBe('INPUT_NOT_FOUND');
  });
});

describe('virtio-matrix explain', () => {
  test('prints the verdict, each step and the misread for a person', () => {
    const r = run(['explain', '--input', file('e.json', dasd)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verdict: BROKEN/);
    expect(r.stdout).toMatch(/CCW_CMD_SET_VIRTIO_REV/);
    expect(r.stdout).toMatch(/validate read blk_size: bytes 00001000 → driver 1048576, device meant 4096 \(MISREAD\)/);
  });

  test('bad input is a sentence on stderr for a person, not JSON, with the same exit status 2', () => {
    const r = run(['explain', '--input', file('e-bad.json', [dasd, { ...dasd, arch: 'x86_64' }])]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('virtio-matrix explain: item 1: transport: ccw exists only on s390x, not on x86_64 (INVALID_COMBINATION)\n');
  });
});

describe('a missing field', () => {
  test('names the field and lists the values it takes, in evaluate\'s JSON error', () => {
    const { transport: _t, ...noTransport } = dasd;
    const r = run(['evaluate', '--input', file('no-transport.json', noTransport)]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'INVALID_COMBINATION', field: 'transport', reason: 'missing; expected one of: pci, ccw, mmio' });
  });
});

describe('help texts', () => {
  test.each(['serve', 'run', 'worker', 'token create', 'runs prune', 'artifact add'])('%s --help says --db takes a path or a URL', (command) => {
    const r = run([...command.split(' '), '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--db <path\|url>/);
    expect(r.stdout).toMatch(/postgresql:\/\//);
  });
});

describe('virtio-matrix evaluate/explain --patches: proposed kernel patches', () => {
  // 82e89ea077b9's validate() check (fact sheet §2) and 2f9a174f918e's write-back (§1), as a patch author would write them.
  const blkSizeCheck = {
    id: 'blk-size-check', title: 'virtio-blk: Add validation for block size in config space', mainline: '5.14-rc7', stable: [], role: 'change',
    driver: [{
      kind: 'configCheck', device: 'blk', phase: 'validate', field: 'blk_size', whenFeature: 'VIRTIO_BLK_F_BLK_SIZE',
      reject: { min: 512, max: 'PAGE_SIZE' }, action: 'clearFeature', message: 'virtblk_validate: blk_size out of range, VIRTIO_BLK_F_BLK_SIZE cleared',
    }],
    source: '<20210809101609.148-1-xieyongji@bytedance.com>',
  };
  const writeBack = {
    id: 'write-back-v3', title: 'virtio: write back F_VERSION_1 before validate', mainline: '5.15-rc6', stable: [], role: 'fix', remedy: 'write-back',
    core: [{ kind: 'writeBackVersion1BeforeValidate' }], source: '<20211011053921.1198936-1-pasic@linux.ibm.com>',
  };
  const on513 = { ...dasd, kernel: '5.13+blk-size-check' };

  test('a file with one definition lets the kernel value apply it: the s390x DASD on 5.13+blk-size-check is BROKEN', () => {
    const r = run(['evaluate', '--input', file('p1.json', on513), '--patches', file('one-patch.json', blkSizeCheck), '--no-trace']);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.verdict).toBe('BROKEN');
    expect(o.validateReads[0]).toEqual({ field: 'blk_size', bytes: '00001000', driverValue: 1048576, deviceValue: 4096 });
  });

  test('an array of definitions applies in the order the kernel value names them: the write-back on top makes it OK', () => {
    const r = run(['evaluate', '--input', file('p2.json', { ...dasd, kernel: '5.13+blk-size-check+write-back-v3' }), '--patches', file('two.json', [blkSizeCheck, writeBack]), '--no-trace']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe('OK');
  });

  test('explain takes --patches too and names the proposed patch among those in effect', () => {
    const r = run(['explain', '--input', file('p3.json', on513), '--patches', file('one-patch-e.json', blkSizeCheck)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/BROKEN/);
    expect(r.stdout).toMatch(/patches: .*blk-size-check/);
  });

  test('a nonsense definition is exit 2 with INVALID_PATCH, its index and the path of the bad part', () => {
    const bad = { ...blkSizeCheck, driver: [{ ...blkSizeCheck.driver[0], reject: { min: 'small', max: 'PAGE_SIZE' } }] };
    const path = file('bad-patches.json', [writeBack, bad]);
    const r = run(['evaluate', '--input', file('p4.json', on513), '--patches', path]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr).error).toEqual({
      code: 'INVALID_PATCH', message: `${path}: patch 1: driver.0.reject.min: expected a number`,
      file: path, index: 1, path: 'driver.0.reject.min', reason: 'expected a number',
    });
  });

  test('a kernel value naming a patch the file does not define is exit 2 with INVALID_COMBINATION on kernel', () => {
    const r = run(['evaluate', '--input', file('p5.json', { ...dasd, kernel: '5.13+write-back-v3' }), '--patches', file('one-patch-2.json', blkSizeCheck)]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'INVALID_COMBINATION', field: 'kernel', reason: expect.stringMatching(/unknown patch "write-back-v3"/) });
  });

  test('{ kernelPatches, qemuChanges } in one file: qemu-X.Y+ID applies a proposed QEMU change; a bad one names its list and index', () => {
    const le = { id: 'le-modern-config', title: 'config little endian on a modern interface', configByteOrder: 'modernInterface', source: 'MST in the Oct 2021 thread (fact sheet §0)' };
    const bundle = file('bundle.json', { kernelPatches: [blkSizeCheck], qemuChanges: [le] });
    const r = run(['evaluate', '--input', file('p7.json', { ...on513, hypervisor: 'qemu-6.1+le-modern-config' }), '--patches', bundle, '--no-trace']);
    expect(r.status).toBe(0);
    // The device fills little endian because the interface is modern: the check reads 4096 and keeps it.
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'OK', validateReads: [{ driverValue: 4096, deviceValue: 4096 }] });
    const badPath = file('bad-bundle.json', { qemuChanges: [le, { ...le, id: 'x', configByteOrder: 'sideways' }] });
    const bad = run(['evaluate', '--input', file('p8.json', on513), '--patches', badPath]);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr).error).toMatchObject({ code: 'INVALID_PATCH', list: 'qemuChanges', index: 1, path: 'configByteOrder' });
  });

  test('a bundle with a misspelt list is exit 2 with INVALID_PATCH naming the key, not evaluated without it', () => {
    const le = { id: 'le-modern-config', title: 'le', configByteOrder: 'modernInterface', source: 'test' };
    const r = run(['evaluate', '--input', file('p9.json', on513), '--patches', file('typo-bundle.json', { kernelPatches: [blkSizeCheck], qemuChange: [le] })]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'INVALID_PATCH', path: 'qemuChange', message: expect.stringMatching(/unknown key "qemuChange"/) });
  });

  test('a patches file that is not JSON is exit 2 with INVALID_JSON', () => {
    const r = run(['evaluate', '--input', file('p6.json', on513), '--patches', file('broken.json', '[{"id": ')]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('INVALID_JSON');
  });
});
