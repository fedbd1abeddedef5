/** The `kernels` and source-built `probe` CLI contract: typed errors, the cache listing, the build command named. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
const dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-kernels-'));

function run(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: stdin, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('virtio-matrix kernels build', () => {
  test.each([
    [['--series', '5.10', '--arch', 's390x'], /series 5\.10 is not buildable here; one of 6\.1, 6\.12/],
    [['--series', '6.1', '--arch', 'ppc64'], /arch ppc64 is not buildable here; one of s390x, x86_64/],
    [['--series', '6.1', '--arch', 's390x', '--strategy', 'hope'], /strategy hope is unknown; one of as-shipped, pre-fix, revert, write-back, ack-all/],
  ])('%j exits 2 with an INVALID_KERNEL_BUILD error and builds nothing', (args, message) => {
    const cache = join(dir, 'empty-cache');
    const r = run(['kernels', 'build', ...args], { VIRTIO_MATRIX_KERNEL_CACHE: cache });
    expect(r.status).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').pop()!).error;
    expect(err.code).toBe('INVALID_KERNEL_BUILD');
    expect(err.message).toMatch(message);
  });
});

describe('virtio-matrix kernels list', () => {
  test('lists the images in the cache newest first, leaving out a directory whose image is gone', () => {
    const cache = join(dir, 'cache');
    const image = (id: string, strategy: string, builtAt: string, withImage = true) => {
      const d = join(cache, 'images', id);
      mkdirSync(d, { recursive: true });
      if (withImage) writeFileSync(join(d, 'image'), 'kernel');
      writeFileSync(join(d, 'meta.json'), JSON.stringify({
        id, linuxVersion: '6.1.192', image: join(d, 'image'), imageSha256: 'x', imageBytes: 6, builtAt, buildSeconds: 8.3,
        inputs: { series: '6.1', sourcePackage: 'linux-source-6.1', sourceVersion: '6.1.192-3', arch: 's390x', strategy, configSha256: 'c', patches: [{ file: 'revert-4fa59ede9519.patch', sha256: 'a' }], compiler: 'gcc', builder: 1 },
      }));
    };
    image('6.1-s390x-revert-000000000001', 'revert', '2026-11-30T05:00:00.000Z');
    image('6.1-s390x-pre-fix-000000000002', 'pre-fix', '2026-11-30T06:00:00.000Z');
    image('6.1-s390x-ack-all-000000000003', 'ack-all', '2026-11-30T07:00:00.000Z', false);
    const r = run(['kernels', 'list'], { VIRTIO_MATRIX_KERNEL_CACHE: cache });
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.map((k: { id: string }) => k.id)).toEqual(['6.1-s390x-pre-fix-000000000002', '6.1-s390x-revert-000000000001']);
    expect(list[0]).toMatchObject({ series: '6.1', arch: 's390x', strategy: 'pre-fix', linuxVersion: '6.1.192', patches: ['revert-4fa59ede9519.patch'] });
  });
});

describe('virtio-matrix probe on a kernel the cache lacks', () => {
  test('with --no-build the combination is not probeable and the reason is the build command', () => {
    const probeDir = join(dir, 'probe');
    mkdirSync(probeDir, { recursive: true });
    writeFileSync(join(probeDir, 'versions.txt'), 'linux-image-6.1.0-50-s390x:s390x 6.1.176-1\nqemu-system-misc 1:7.2+dfsg-7+deb12u18+b3\n');
    const combination = { arch: 's390x', transport: 'ccw', device: 'net', mode: 'transitional', hypervisor: 'qemu-7.2', kernel: '6.1', strategy: 'pre-fix', config: { mtu: 1280 } };
    const r = run(['probe', '--input', '-', '--no-build'], { PROBE_DIR: probeDir, VIRTIO_MATRIX_KERNEL_CACHE: join(dir, 'empty-cache') }, JSON.stringify(combination));
    expect(r.status).toBe(0);
    const [result] = JSON.parse(r.stdout);
    expect(result.probeable).toBe(false);
    // Without Debian's linux-source-6.1 the cache cannot be keyed either way; with it, the command is named.
    expect(result.reason).toMatch(/npx virtio-matrix kernels build --series 6\.1 --arch s390x --strategy pre-fix/);
    expect(r.stderr).toMatch(/0 booted, 0 agree, 0 disagree, 1 not probeable/);
  });
});

describe('virtio-matrix profiles', () => {
  test('each remedy names the source patch files that realise it on the series built from source', () => {
    const r = run(['profiles']);
    const patches = JSON.parse(r.stdout).kernelPatches as { id: string; sourcePatches: string[] }[];
    expect(patches.find((p) => p.id === '4fa59ede9519')!.sourcePatches).toEqual(['kernels/patches/6.1/revert-4fa59ede9519.patch', 'kernels/patches/6.12/revert-4fa59ede9519.patch']);
    expect(patches.find((p) => p.id === 'ff63198850f3')!.sourcePatches).toEqual([]);
  });
});

describe('virtio-matrix kernels build --register', () => {
  // Needs Debian's linux-source-6.1 and the s390x compiler: with VIRTIO_MATRIX_PROBES=1, as in .ci/run (which builds pre-fix first).
  const maybe = process.env.VIRTIO_MATRIX_PROBES === '1' ? test : test.skip;
  maybe('registers the built image as a kernel artifact declared with its Linux version and strategy; twice gives the same id', () => {
    const store = `file:${join(dir, 'register', 'store.db')}`;
    mkdirSync(join(dir, 'register'), { recursive: true });
    const build = () => run(['kernels', 'build', '--series', '6.1', '--arch', 's390x', '--strategy', 'pre-fix', '--register', '--db', store]);
    const first = build();
    expect(first.status).toBe(0);
    const built = JSON.parse(first.stdout);
    expect(built.artifact).toBe(built.imageSha256);
    const listed = JSON.parse(run(['artifact', 'list', '--db', store]).stdout);
    expect(listed).toEqual([expect.objectContaining({ id: built.imageSha256, arch: 's390x', linux: built.linuxVersion, strategy: 'pre-fix' })]);
    expect(JSON.parse(build().stdout).artifact).toBe(built.artifact);
    expect(JSON.parse(run(['artifact', 'list', '--db', store]).stdout)).toHaveLength(1);
  }, 20 * 60_000);
});
