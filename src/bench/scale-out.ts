/**
 * The scale-out path: the whole be-config-2021 run on PostgreSQL, in process and through Redis
 * with one and with two `virtio-matrix worker` processes, beside a raw node-postgres insert of as many rows in
 * shard-sized transactions into a table of the same shape (primary key and foreign key). Needs the
 * PostgreSQL and Redis this machine kind runs (BENCH_PG_URL, BENCH_REDIS_URL to point elsewhere).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase } from '../db/database';
import { createServices } from '../services';
import { startRun } from '../runs/commands';
import { ensureSeedMatrices } from '../runs/seed';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One full run; returns its cells and milliseconds. */
async function fullRun(schema: string, redis?: { url: string; prefix: string }): Promise<{ cells: number; ms: number }> {
  const db = await openDatabase(`${PG_URL}?schema=${schema}`);
  const { services, queue, probeQueue } = createServices(db, { redisUrl: redis?.url, redisPrefix: redis?.prefix });
  try {
    await ensureSeedMatrices(db);
    const start = now();
    const run = await startRun(services.runDeps, 'be-config-2021', 'bench');
    await queue.idle();
    const ms = now() - start;
    const done = (await services.store.getRun(run.id))!;
    if (done.status !== 'succeeded') throw new Error(`run ${run.id} ${done.status}: ${done.error}`);
    return { cells: done.ok + done.degraded + done.broken + done.probeFailed, ms };
  } finally {
    await queue.close();
    await probeQueue.close();
    await db.close();
  }
}

function startWorkers(count: number, schema: string, prefix: string): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, [BIN, 'worker'], {
    env: { ...process.env, DATABASE_URL: `${PG_URL}?schema=${schema}`, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  }));
}

/** The same rows as the run writes, through node-postgres alone, 50,000 per transaction. */
async function rawInsert(schema: string, rows: number): Promise<number> {
  return admin(async (client) => {
    await client.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}";
      CREATE TABLE "Run" ("id" SERIAL PRIMARY KEY);
      CREATE TABLE "Result" ("runId" INTEGER NOT NULL REFERENCES "Run"("id") ON DELETE CASCADE, "position" INTEGER NOT NULL, "verdict" INTEGER NOT NULL,
        "negotiatedLo" INTEGER NOT NULL, "negotiatedHi" INTEGER NOT NULL, "clearedLo" INTEGER NOT NULL, "clearedHi" INTEGER NOT NULL,
        "effective" DOUBLE PRECISION NOT NULL, PRIMARY KEY ("runId", "position"));
      INSERT INTO "Run" DEFAULT VALUES;`);
    const start = now();
    for (let from = 0; from < rows; from += 50_000) {
      const n = Math.min(50_000, rows - from);
      const positions = Array.from({ length: n }, (_, i) => from + i);
      const same = (v: number) => `{${new Array(n).fill(v).join(',')}}`;
      await client.query('BEGIN');
      await client.query(`INSERT INTO "Result" SELECT 1, * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::float8[])`,
        [`{${positions.join(',')}}`, same(0), same(0x30006e14), same(1), same(0), same(0), same(512)]);
      await client.query('COMMIT');
    }
    return now() - start;
  });
}

export async function benchScaleOut(): Promise<void> {
  const tag = `vm_bench_${process.pid}`;
  const schemas = [`${tag}_inproc`, `${tag}_worker1`, `${tag}_raw`, `${tag}_workers2`];
  try {
    await admin((c) => c.query('SELECT 1'));
  } catch (err) {
    console.log(`scale-out: skipped, no PostgreSQL at ${PG_URL} (${(err as Error).message})`);
    return;
  }
  // Started first, so both pools are up and waiting by the time their runs are queued.
  const one = startWorkers(1, schemas[1], `${tag}_1`);
  const two = startWorkers(2, schemas[3], `${tag}_2`);
  const workers = [...one, ...two];
  try {
    const inProcess = await fullRun(schemas[0]);
    const single = await fullRun(schemas[1], { url: REDIS_URL, prefix: `${tag}_1` });
    const distributed = await fullRun(schemas[3], { url: REDIS_URL, prefix: `${tag}_2` });
    const rawMs = await rawInsert(schemas[2], inProcess.cells);
    const rate = (cells: number, ms: number) => `${(ms / 1000).toFixed(2)} s = ${Math.round(cells / ms * 1000).toLocaleString()} cells/s`;
    console.log(`be-config-2021 on PostgreSQL, in process: ${inProcess.cells.toLocaleString()} cells in ${rate(inProcess.cells, inProcess.ms)}`);
    console.log(`be-config-2021 on PostgreSQL, 1 worker process through Redis: ${rate(single.cells, single.ms)}`);
    console.log(`be-config-2021 on PostgreSQL, 2 worker processes through Redis: ${rate(distributed.cells, distributed.ms)}`);
    console.log(`raw node-postgres unnest insert of ${inProcess.cells.toLocaleString()} rows, 50,000 per transaction: ${rate(inProcess.cells, rawMs)}`);
    console.log(`  2 workers / 1 worker speed-up: ${(single.ms / distributed.ms).toFixed(2)}x (goal >= 1.5x: ${single.ms / distributed.ms >= 1.5 ? 'met' : 'NOT met'}); ratios to the raw insert: in process ${(inProcess.ms / rawMs).toFixed(2)}x, 2 workers ${(distributed.ms / rawMs).toFixed(2)}x`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await admin(async (c) => {
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    });
  }
}
