/** A corrupt SQLite store is refused at open, naming the file and what SQLite found, and is not written to. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { storesOf } from '../../src/composition';
import { StoreError } from '../../src/db/store-check';
import { MatrixPlan, Simulator } from '../../src/engine';
import { evaluateShard } from '../../src/runs/shard-step';
import { ResultBatch } from '../../src/runs/types';
import { planShards } from '../../src/runs/shard-plan';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
const spec = {
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk', 'net'], modes: ['legacy', 'transitional', 'modern'],
  hypervisors: ['qemu-6.1', 'qemu-7.2'], kernels: ['5.14', '5.15', '6.1'], strategies: ['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all'],
  config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};

let dir: string;
let file: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-store-check-'));
  file = join(dir, 'store.db');
  const db = await openDatabase(`file:${file}`);
  const store = storesOf(db).runs;
  const matrix = await createMatrix(storesOf(db).matrices, { name: 'm', spec });
  const run = await store.createRun(matrix, 'test', planShards(matrix.positions));
  for (const shard of await store.shards(run.id)) {
    const batch = new ResultBatch(shard.to - shard.from);
    await store.commitShard(run.id, shard, batch, evaluateShard(new MatrixPlan(run.spec), shard, new Simulator(), batch));
  }
  await db.close();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Overwrites part of a leaf page of the ResultBlob table, as a bad disk or a torn copy would. */
function corruptAResultPage(): void {
  const sqlite = new Database(file, { readonly: true });
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  // A run's results are a few kilobytes now: one page, the table's root.
  const leaves = sqlite.prepare("SELECT pageno FROM dbstat WHERE name = 'ResultBlob' AND pagetype = 'leaf' ORDER BY pageno").all() as { pageno: number }[];
  sqlite.close();
  expect(leaves.length).toBeGreaterThan(0);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, (leaves[Math.floor(leaves.length / 2)].pageno - 1) * pageSize + 8);
  closeSync(fd);
}

const sha = () => createHash('sha256').update(readFileSync(file)).digest('hex');

test('When a result blob page is corrupt, then opening the store fails with STORE_CORRUPT naming the file and the page, and the file is left as it was', async () => {
  corruptAResultPage();
  const before = sha();
  const opened = openDatabase(`file:${file}`);
  await expect(opened).rejects.toBeInstanceOf(StoreError);
  await expect(opened).rejects.toMatchObject({ code: 'STORE_CORRUPT', store: file, message: expect.stringMatching(/quick_check: Tree \d+ page \d+/) });
  expect(sha()).toBe(before);
});

test('When serve is started on a corrupt store, then it exits 1 with a JSON error naming the file, and serves nothing', () => {
  corruptAResultPage();
  const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: `file:${file}`, REDIS_URL: '' } });
  expect(r.status).toBe(1);
  expect(r.stdout).not.toContain('listening');
  expect(JSON.parse(r.stderr.trim().split('\n').pop()!).error).toMatchObject({ code: 'STORE_CORRUPT', store: file });
});

test('When the file is not a SQLite database at all, then STORE_CORRUPT and it is not overwritten', async () => {
  writeFileSync(file, 'these are not the bytes of a database'.repeat(200));
  const before = sha();
  await expect(openDatabase(`file:${file}`)).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('file is not a database') });
  expect(sha()).toBe(before);
});

test('When the store is sound, then it opens and keeps its results', async () => {
  const db = await openDatabase(`file:${file}`);
  try {
    const run = (await storesOf(db).runs.getRun('1'))!;
    expect(run.cellsDone).toBe(new MatrixPlan(spec).size);
  } finally {
    await db.close();
  }
});

describe('the check made only when it can find something new (STORE_CHECK)', () => {
  const url = () => `file:${file}`;

  test('When a store closed cleanly is opened unchanged, then quick_check is skipped; the note of the clean close is gone while it is open', async () => {
    expect(existsSync(`${file}.closed-clean`)).toBe(true);
    const db = await openDatabase(url());
    expect(db.check).toBe('unchanged since a clean close');
    expect(existsSync(`${file}.closed-clean`)).toBe(false);
    await db.close();
    const again = await openDatabase(url());
    expect(again.check).toBe('unchanged since a clean close');
    await again.close();
  });

  test('When STORE_CHECK=always, then quick_check runs at every open; a value it does not know is refused naming it', async () => {
    process.env.STORE_CHECK = 'always';
    try {
      const db = await openDatabase(url());
      expect(db.check).toBe('quick_check');
      await db.close();
      process.env.STORE_CHECK = 'sometimes';
      await expect(openDatabase(url())).rejects.toMatchObject({ message: expect.stringMatching(/STORE_CHECK.*"always" or "changed"/) });
    } finally {
      delete process.env.STORE_CHECK;
    }
  });

  test('When the store was left open (a process killed, no clean close), then the next open checks it', async () => {
    const left = await openDatabase(url());
    expect(left.check).toBe('unchanged since a clean close');
    const next = await openDatabase(url());
    expect(next.check).toBe('quick_check');
    await next.close();
    await left.close();
  });

  test('When a killed process left changes in the write-ahead log, then the next open checks the store although the file itself is as noted', async () => {
    const noted = readFileSync(`${file}.closed-clean`, 'utf8');
    // A writer killed before a checkpoint: its commits are in store.db-wal only.
    const r = spawnSync(process.execPath, ['-e', `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.prepare("UPDATE \\"Matrix\\" SET \\"description\\" = 'changed'").run();
      process.kill(process.pid, 'SIGKILL');
    `], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(readFileSync(`${file}.closed-clean`, 'utf8')).toBe(noted);
    const db = await openDatabase(url());
    expect(db.check).toBe('quick_check');
    expect((await db.prisma.matrix.findFirst())!.description).toBe('changed');
    await db.close();
  });

  test('When the file is replaced by a copy of itself after a clean close, then it is checked', async () => {
    const copy = `${file}.copy`;
    copyFileSync(file, copy);
    renameSync(copy, file);
    const db = await openDatabase(url());
    expect(db.check).toBe('quick_check');
    await db.close();
  });
});
