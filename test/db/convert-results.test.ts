/**
 * A store left by the previous schema version (a Result row per evaluated cell, raw grids) opens
 * under this one with every run intact: its rows become result blobs, cell by cell equal, in
 * transactions a crash can interrupt without losing or doubling a row.
 */
import type { SqlQueryable } from '@prisma/driver-adapter-utils';
import { MatrixPlan, Simulator } from '../../src/engine';
import { targetFor } from '../../src/db/adapters';
import { convertResultRows } from '../../src/db/convert-results';
import { openDatabase, type Database } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { SqlMatrixStore } from '../../src/db/matrices';
import { SqlRunStore } from '../../src/db/runs';
import { INT, forBackend } from '../../src/db/sql-values';
import { evaluateShard } from '../../src/runs/shard-step';
import { planShards } from '../../src/runs/shard-plan';
import { ResultBatch, type StoredResult } from '../../src/runs/types';
import { BACKENDS, testDatabase, type TestDatabase } from '../support/databases';

// 2 x 2 x 2 x 2 x 2 x 3 x 2 x 3 = 2,304 positions, several hundred of them valid.
const SPEC = {
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk', 'net'], modes: ['legacy', 'transitional'],
  hypervisors: ['qemu-6.1', 'qemu-8.2'], kernels: ['5.10', '5.14', '6.1'], strategies: ['pre-fix', 'write-back'],
  config: { blk_size: [512, 4096, 8192], mtu: [1500] },
};

type Row = [position: number, verdict: number, nLo: number, nHi: number, cLo: number, cHi: number, effective: number];

/** Writes results the way the previous version did: a row each, feature words signed. */
async function insertRows(db: Database, runId: number, batch: ResultBatch): Promise<void> {
  for (let i = 0; i < batch.length; i++) {
    await db.raw.executeRaw({
      sql: forBackend(db.dialect, 'INSERT INTO "Result" ("runId", "position", "verdict", "negotiatedLo", "negotiatedHi", "clearedLo", "clearedHi", "effective") VALUES (?,?,?,?,?,?,?,?)'),
      args: [runId, batch.positions[i], batch.verdicts[i], batch.negotiatedLo[i] | 0, batch.negotiatedHi[i] | 0, batch.clearedLo[i] | 0, batch.clearedHi[i] | 0, batch.effective[i]],
      argTypes: [INT, INT, INT, INT, INT, INT, INT, { scalarType: 'float', arity: 'scalar' }],
    });
  }
}

/**
 * The previous version's store: today's tables without the result blob migration, holding a
 * succeeded engine run (raw grid), a run stopped halfway and a probe run (no shards, a row per
 * booted cell), all with results the engine evaluated.
 */
async function previousVersionStore(url: string): Promise<void> {
  const db = await openDatabase(url);
  const store = new SqlRunStore(db);
  const matrix = await createMatrix(new SqlMatrixStore(db), { name: 'convert', spec: SPEC });
  const plan = new MatrixPlan(matrix.spec);
  const sim = new Simulator();
  const batch = new ResultBatch(400);
  const done = await store.createRun(matrix, 'test', planShards(matrix.positions, 400));
  const halfway = await store.createRun(matrix, 'test', planShards(matrix.positions, 400));
  const grid = new Uint8Array(plan.size).fill(255);
  for (const run of [done, halfway]) {
    for (const shard of await store.shards(run.id)) {
      if (run === halfway && shard.index % 2 === 1) continue;
      evaluateShard(plan, shard, sim, batch);
      if (run === done) for (let i = 0; i < batch.length; i++) grid[batch.positions[i]] = batch.verdicts[i];
      await insertRows(db, Number(run.id), batch);
      await db.prisma.runShard.update({ where: { runId_index: { runId: Number(run.id), index: shard.index } }, data: { done: true } });
    }
  }
  await db.prisma.run.update({ where: { id: Number(done.id) }, data: { status: 'succeeded', grid: Buffer.from(grid) } });
  await db.prisma.run.update({ where: { id: Number(halfway.id) }, data: { status: 'running' } });
  const probe = await db.prisma.run.create({ data: { matrixId: matrix.id, kind: 'probe', status: 'succeeded', trigger: 'test', profileHash: db.profileHash, spec: JSON.stringify(matrix.spec), cellsTotal: plan.size } });
  evaluateShard(plan, { runId: String(probe.id), index: 0, from: 0, to: 900, done: false }, sim, batch);
  batch.length = 7; // a few booted cells
  await insertRows(db, probe.id, batch);
  await db.raw.executeScript('DROP TABLE "ResultBlob"');
  await db.raw.executeRaw({ sql: 'DELETE FROM "_prisma_migrations" WHERE "migration_name" LIKE \'%_result_blob\'', args: [], argTypes: [] });
  await db.close();
}

async function rowsOf(raw: SqlQueryable): Promise<Map<number, Row[]>> {
  const { rows } = await raw.queryRaw({ sql: 'SELECT "runId", "position", "verdict", "negotiatedLo", "negotiatedHi", "clearedLo", "clearedHi", "effective" FROM "Result" ORDER BY "runId", "position"', args: [], argTypes: [] });
  const out = new Map<number, Row[]>();
  for (const [runId, ...row] of rows as number[][]) out.set(runId, [...(out.get(runId) ?? []), row as Row]);
  return out;
}

/** A row as the read port answers for it. */
const stored = ([position, verdict, nLo, nHi, cLo, cHi, effective]: Row): StoredResult => ({
  position, verdict, negotiated: { lo: nLo >>> 0, hi: nHi >>> 0 }, cleared: { lo: cLo >>> 0, hi: cHi >>> 0 }, effective: effective < 0 ? null : effective,
});

describe.each(BACKENDS)('converting result rows on %s', (backend) => {
  let store: TestDatabase;
  beforeEach(async () => {
    store = await testDatabase(backend, 'convert');
  });
  afterEach(() => store.drop());

  test('When a store of the previous version opens, after a first open that crashed halfway, then every run reads cell by cell as its rows did and no row is left or doubled', async () => {
    await previousVersionStore(store.url);
    // Before: the rows, read while the store is still the previous version's.
    const old = await (async () => {
      const raw = await targetFor(store.url).factory.connect();
      try {
        return await rowsOf(raw);
      } finally {
        await raw.dispose();
      }
    })();
    expect([...old.values()].map((rows) => rows.length > 0)).toEqual([true, true, true]);

    // The first open dies after converting one run (the process killed, say).
    let logged = 0;
    await expect(openDatabase(store.url, { log: { info: (_fields, msg) => { if (msg.startsWith('run converted') && ++logged === 1) throw new Error('killed'); } } }))
      .rejects.toThrow(/killed/);

    const lines: { fields: Record<string, unknown>; msg: string }[] = [];
    const db = await openDatabase(store.url, { log: { info: (fields, msg) => lines.push({ fields: fields as Record<string, unknown>, msg }) } });
    try {
      // The second open converts what the first left: the two runs not converted yet.
      expect(lines[0]).toMatchObject({ msg: expect.stringMatching(/^converting result rows/), fields: { runs: 2 } });
      expect(lines.slice(1, -1).map((l) => l.fields.rows)).toEqual([...old.values()].slice(1).map((rows) => rows.length));
      expect(lines[lines.length - 1].msg).toMatch(/reclaimed \(VACUUM\)$/);
      expect((await rowsOf(db.raw)).size).toBe(0);
      const runs = new SqlRunStore(db);
      for (const [runId, rows] of old) {
        const run = (await runs.getRun(String(runId)))!;
        const positions = Array.from({ length: run.cellsTotal }, (_, p) => p);
        const after = await runs.resultsAt(String(runId), positions);
        expect([...after.values()]).toEqual(rows.map(stored));
        const grid = await runs.grid(run);
        if (run.kind === 'engine' && run.status === 'succeeded') {
          // The raw grid was deflated too.
          const { rows: [[stored]] } = await db.raw.queryRaw({ sql: forBackend(db.dialect, 'SELECT "grid" FROM "Run" WHERE "id" = ?'), args: [runId], argTypes: [INT] });
          expect((stored as Uint8Array).length).toBeLessThan(run.cellsTotal / 4);
        }
        expect(Array.from(grid).flatMap((v, p) => (v === 255 ? [] : [[p, v]]))).toEqual(rows.map(([p, v]) => [p, v]));
        expect(Array.from(await runs.readVerdicts(String(runId), run.cellsTotal))).toEqual(Array.from(grid));
      }
      // Opened again: nothing left to do.
      expect(await convertResultRows(db, { info: () => { throw new Error('nothing to say'); } })).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});
