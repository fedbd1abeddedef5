/** `virtio-matrix artifact add/list` and `run --kernel` input errors, as a CI calls them (built CLI, temporary store). */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-artifact-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args, '--db', join(dir, 'store.db')], { encoding: 'utf8', env: { ...process.env, ARTIFACT_DIR: '', ...env } });
const lastJson = (text: string) => JSON.parse(text.trim().split('\n').pop()!);

test('When the same image is added twice, then both print its sha256 as the id, the second as not created, and list shows it once beside the store', () => {
  const image = join(dir, 'bzImage');
  const bytes = randomBytes(2048);
  writeFileSync(image, bytes);
  const first = cli(['artifact', 'add', image, '--arch', 's390x', '--linux', '6.1.192', '--strategy', 'pre-fix']);
  expect(first.status).toBe(0);
  const id = createHash('sha256').update(bytes).digest('hex');
  expect(lastJson(first.stdout)).toMatchObject({ id, arch: 's390x', linux: '6.1.192', strategy: 'pre-fix', bytes: 2048, created: true });
  const second = cli(['artifact', 'add', image, '--arch', 's390x', '--linux', '6.1.192', '--strategy', 'pre-fix']);
  expect(lastJson(second.stdout)).toMatchObject({ id, created: false });
  expect(existsSync(join(dir, 'artifacts', id))).toBe(true);
  const list = cli(['artifact', 'list']);
  expect(JSON.parse(list.stdout).map((a: { id: string }) => a.id)).toEqual([id]);
});

test('When the arch is unknown or the image too large, then exit 2 with a JSON error, and nothing is stored', () => {
  const image = join(dir, 'big');
  writeFileSync(image, randomBytes(4096));
  const before = existsSync(join(dir, 'artifacts')) ? readdirSync(join(dir, 'artifacts')) : [];
  const vax = cli(['artifact', 'add', image, '--arch', 'vax', '--linux', '6.1']);
  expect(vax.status).toBe(2);
  expect(lastJson(vax.stderr).error).toMatchObject({ code: 'INVALID_ARTIFACT', field: 'arch' });
  const big = cli(['artifact', 'add', image, '--arch', 's390x', '--linux', '6.1'], { ARTIFACT_MAX_BYTES: '1024' });
  expect(big.status).toBe(2);
  expect(lastJson(big.stderr).error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  expect(existsSync(join(dir, 'artifacts')) ? readdirSync(join(dir, 'artifacts')) : []).toEqual(before);
});

test('When run --kernel names neither a file nor an artifact, then exit 2 naming the kernel', () => {
  const r = cli(['run', '--matrix', 'be-config-2021', '--kernel', 'f'.repeat(64)]);
  expect(r.status).toBe(2);
  expect(lastJson(r.stderr).error).toMatchObject({ code: 'NOT_FOUND', field: 'kernel' });
});
