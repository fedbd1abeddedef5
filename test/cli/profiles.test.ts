/** `virtio-matrix profiles`: built-in definitions always; a store's user patches when a store is named. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profilesSummary } from '../../src/cli/profiles';
import { openDatabase } from '../../src/db/database';
import { SqlUserPatchStore } from '../../src/db/user-patches';
import { createUserPatch } from '../../src/what-if/commands';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-profiles-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function profiles(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'profiles', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DATABASE_URL: undefined, ...env } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { userPatches: string; kernelPatches: { id: string; builtIn: boolean }[]; qemuChanges: { id: string; builtIn: boolean }[] };
}

test('When a store holds user patches, then profiles --db lists them after the built-in ones, marked builtIn: false', async () => {
  const path = join(dir, 'store.db');
  const db = await openDatabase(`file:${path}`);
  try {
    const store = new SqlUserPatchStore(db);
    await createUserPatch(store, 'kernel', { id: 'revert-check', title: 'Revert the write-back', source: 'test', definition: { mainline: '5.15-rc6', stable: [], role: 'fix', remedy: 'revert', removes: ['2f9a174f918e'] } });
    await createUserPatch(store, 'qemu', { id: 'le', title: 'LE config on modern', source: 'test', definition: { configByteOrder: 'modernInterface' } });
  } finally {
    await db.close();
  }
  for (const listed of [profiles(['--db', path]), profiles([], { DATABASE_URL: `file:${path}` })]) {
    expect(listed.kernelPatches.at(-1)).toMatchObject({ id: 'revert-check', title: 'Revert the write-back', builtIn: false });
    expect(listed.kernelPatches.filter((p) => p.builtIn).length).toBeGreaterThan(5);
    expect(listed.qemuChanges.map((c) => c.builtIn ? 'built-in' : c.id).at(-1)).toBe('le');
    expect(listed.userPatches).toMatch(/after the built-in ones/);
  }
}, 30_000);

test('When no store is named, then profiles lists the built-in patches, says so, and creates no store', () => {
  const listed = profiles([]);
  expect(listed.kernelPatches.every((p) => p.builtIn)).toBe(true);
  expect(listed.userPatches).toMatch(/built-in patches only; pass --db/);
  expect(existsSync(join(dir, 'data'))).toBe(false);
});

test('profiles lists the values each closed axis takes under the field a matrix writes them in, in the axis order', () => {
  const summary = profilesSummary();
  expect(Object.keys(summary)).toEqual(['userPatches', 'archs', 'transports', 'devices', 'modes', 'backends', 'strategies', 'hypervisors', 'kernelPatches', 'qemuChanges']);
  expect(summary).toMatchObject({ archs: ['x86_64', 'aarch64', 'ppc64le', 'ppc64', 's390x'], transports: ['pci', 'ccw', 'mmio'], modes: ['legacy', 'transitional', 'modern'], backends: ['qemu', 'vhost-user'] });
  expect(summary.strategies).toEqual(['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all']);
  expect(summary.hypervisors).toContainEqual(expect.objectContaining({ name: 'qemu-early-detect-rfc' }));
});
