/** Opening the store again after a process died mid-run: migrations, WAL recovery and the data all survive. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database';
import { storesOf } from '../../src/composition';
import { withOpenLock } from '../../src/db/open-lock';
import { DEFAULT_SHARD_SIZE } from '../../src/runs/shard-plan';

const DIST = join(__dirname, '..', '..', 'dist');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('When a process dies without closing the database, then the next open succeeds and keeps what was committed', async () => {
  const url = `file:${join(dir, 'crash.db')}`;
  // A child opens the store, seeds it, commits one shard of a run, and exits without closing anything.
  const script = `
    const { openDatabase } = require(${JSON.stringify(join(DIST, 'db', 'database'))});
    const { ensureSeedMatrices } = require(${JSON.stringify(join(DIST, 'matrices', 'seed'))});
    const { storesOf } = require(${JSON.stringify(join(DIST, 'composition'))});
    const { planShards } = require(${JSON.stringify(join(DIST, 'runs', 'shard-plan'))});
    const { MatrixPlan, Simulator } = require(${JSON.stringify(join(DIST, 'engine'))});
    const { evaluateShard } = require(${JSON.stringify(join(DIST, 'runs', 'shard-step'))});
    const { ResultBatch } = require(${JSON.stringify(join(DIST, 'runs', 'types'))});
    (async () => {
      const db = await openDatabase(${JSON.stringify(url)});
      await ensureSeedMatrices(storesOf(db).matrices);
      const store = storesOf(db).runs;
      const matrix = await storesOf(db).matrices.byName('be-config-2021');
      const run = await store.createRun(matrix, 'crash-test', planShards(matrix.positions));
      const [shard] = await store.shards(run.id);
      const batch = new ResultBatch(shard.to - shard.from);
      const counts = evaluateShard(new MatrixPlan(run.spec), shard, new Simulator(), batch);
      await store.commitShard(run.id, shard, batch, counts);
      process.exit(0);
    })();`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);

  const db = await openDatabase(url);
  try {
    const store = storesOf(db).runs;
    const run = (await store.getRun('1'))!;
    expect(run.status).toBe('queued');
    expect(run.cellsDone).toBe(DEFAULT_SHARD_SIZE);
    expect((await store.shards('1')).filter((s) => s.done).map((s) => s.index)).toEqual([0]);
    expect(await storesOf(db).matrices.byName('be-config-2021')).not.toBeNull();
  } finally {
    await db.close();
  }
}, 30_000); // a cold child process migrating and seeding a store takes ~5 s on a loaded 2-core machine

test('When another process is opening a fresh SQLite store, then the next open waits for it, says so once, and then opens', async () => {
  const path = join(dir, 'fresh.db');
  let finishOther!: () => void;
  let otherHolds!: () => void;
  const holding = new Promise<void>((resolve) => { otherHolds = resolve; });
  // The other process: `serve` migrating the fresh store, held until the test lets it go.
  const other = withOpenLock(path, () => undefined, () => new Promise<void>((resolve) => { otherHolds(); finishOther = resolve; }));
  await holding;
  const waits: string[] = [];
  let opened = false;
  const opening = openDatabase(`file:${path}`, { onWait: (store) => waits.push(store) }).then((db) => { opened = true; return db; });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(waits).toEqual([path]);
  expect(opened).toBe(false);
  finishOther();
  await other;
  const db = await opening;
  try {
    expect(await db.prisma.profileSet.count()).toBe(1);
    expect(waits).toHaveLength(1);
  } finally {
    await db.close();
  }
}, 30_000);

test('When ?schema= is not a plain identifier, then the store refuses the URL before connecting', async () => {
  await expect(openDatabase('postgresql://postgres@127.0.0.1:5432/test?schema=x" -c statement_timeout=1 -c search_path="x'))
    .rejects.toThrow('?schema= must be a plain PostgreSQL identifier');
});

test('When --db is a URL, then it is used as DATABASE_URL would be; a path is a SQLite file', async () => {
  const { databaseUrl } = await import('../../src/db/url');
  expect(databaseUrl('postgresql://vm@db:5432/vm?schema=public')).toBe('postgresql://vm@db:5432/vm?schema=public');
  expect(databaseUrl('file:/tmp/a.db')).toBe('file:/tmp/a.db');
  expect(databaseUrl('data/a.db')).toBe('file:data/a.db');
});
