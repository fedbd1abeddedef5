/** `runs prune --keep N`: the newest N finished runs of each matrix stay, the rest go, live runs are untouched, and the SQLite file shrinks. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeBytes } from '../../src/cli/runs-command';
import { openDatabase } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { createServices, storesOf } from '../../src/composition';
import { startRun } from '../../src/runs/commands';
import { planShards } from '../../src/runs/shard-plan';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
// 5 x 3 x 2 x 2 x 4 x 6 x 4 x 6 = 172,800 positions per run, about 29,000 of them valid (stored as result blobs).
const SPEC = {
  archs: ['x86_64', 'aarch64', 'ppc64le', 'ppc64', 's390x'], transports: ['pci', 'ccw', 'mmio'], devices: ['blk', 'net'], modes: ['legacy', 'transitional'],
  hypervisors: ['qemu-5.2', 'qemu-6.1', 'qemu-7.2', 'qemu-8.2'], kernels: ['5.4', '5.10', '5.14', '5.15', '6.1', '6.6'], strategies: ['pre-fix', 'write-back', 'ack-all', 'revert'],
  config: { blk_size: [512, 4096], mtu: [1280, 1500, 9000] },
};
let dir: string;
let file: string;
const runIds: Record<string, string[]> = { wide: [], other: [] };
let live: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-prune-'));
  file = join(dir, 'store.db');
  const db = await openDatabase(`file:${file}`);
  const { services, queue, probeQueue } = createServices(db);
  await createMatrix(storesOf(db).matrices, { name: 'wide', spec: SPEC });
  await createMatrix(storesOf(db).matrices, { name: 'other', spec: { ...SPEC, kernels: ['5.14'] } });
  for (const [name, n] of [['wide', 4], ['other', 2]] as const) {
    for (let i = 0; i < n; i++) {
      runIds[name].push((await startRun(services.runDeps, name, 'test')).id);
      await queue.idle();
    }
  }
  // A run left queued: prune neither counts nor touches it.
  const wide = (await services.runDeps.matrixByName('wide'))!;
  live = (await services.store.createRun(wide, 'cli', planShards(wide.positions))).id;
  await queue.close();
  await probeQueue.close();
  await db.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prune = (...args: string[]) => spawnSync(process.execPath, [BIN, 'runs', 'prune', '--db', file, ...args], { encoding: 'utf8' });

async function storedRuns(): Promise<{ id: string; status: string; results: number }[]> {
  const db = await openDatabase(`file:${file}`);
  try {
    const rows = await db.prisma.run.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true, _count: { select: { resultBlobs: true } } } });
    return rows.map((r) => ({ id: String(r.id), status: r.status, results: r._count.resultBlobs }));
  } finally {
    await db.close();
  }
}

test('When --keep is not a number, then exit 2 naming the option and nothing is deleted', async () => {
  const r = prune('--keep', 'all');
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stderr.trim().split('\n').pop()!).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'keep' });
  expect(prune('--keep', '1', '--matrix', 'nope').status).toBe(2);
  expect(await storedRuns()).toHaveLength(7);
});

test('When runs are pruned to the newest 1 of matrix "wide", then its 3 older runs go with their results, "other" and the queued run stay, and the store file shrinks', async () => {
  const before = storeBytes(`file:${file}`)!;
  const r = prune('--keep', '1', '--matrix', 'wide');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout.trim());
  expect(out).toMatchObject({ keep: 1, matrix: 'wide' });
  expect(out.deleted.map((d: { id: string }) => d.id)).toEqual(runIds.wide.slice(0, 3));
  expect(out.deleted[0]).toMatchObject({ matrix: 'wide', status: 'succeeded', kind: 'engine' });
  expect(r.stderr).toMatch(/^reclaimed: store \d+ -> \d+ bytes/m);
  const after = storeBytes(`file:${file}`)!;
  console.log(`store before prune: ${before} bytes, after: ${after} bytes (${r.stderr.trim()})`);
  // Results are a few kilobytes a run now: the file shrinks by the pages they and the runs held.
  expect(after).toBeLessThan(before);

  const runs = await storedRuns();
  expect(runs.map((x) => x.id)).toEqual([runIds.wide[3], ...runIds.other, live]);
  expect(runs.find((x) => x.id === runIds.wide[3])!.results).toBeGreaterThan(0);
  expect(runs.find((x) => x.id === live)!.status).toBe('queued');
}, 60_000);

test('When every matrix is pruned to 0, then every finished run goes and the queued one stays; a second prune deletes nothing', async () => {
  const r = prune('--keep', '0');
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).deleted.map((d: { id: string }) => d.id)).toEqual([runIds.wide[3], ...runIds.other]);
  expect((await storedRuns()).map((x) => x.id)).toEqual([live]);
  const again = prune('--keep', '0');
  expect(JSON.parse(again.stdout).deleted).toEqual([]);
}, 60_000);
