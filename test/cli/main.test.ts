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
});
