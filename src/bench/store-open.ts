/**
 * What opening a SQLite store costs: the full PRAGMA quick_check (STORE_CHECK=always) beside an
 * open that finds the store unchanged since its clean close (the default), on a store of real
 * runs of be-config-2021 (2,210,980 results each). BENCH_STORE=PATH measures an existing store
 * instead of building one (it is opened and closed cleanly, not otherwise changed).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database';
import { createServices } from '../services';
import { startRun } from '../runs/commands';
import { ensureSeedMatrices } from '../runs/seed';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function buildStore(path: string, runs: number): Promise<void> {
  const db = await openDatabase(`file:${path}`);
  const { services, queue } = createServices(db);
  await ensureSeedMatrices(db);
  for (let i = 0; i < runs; i++) {
    await startRun(services.runDeps, 'be-config-2021', 'bench');
    await queue.idle();
  }
  await queue.close();
  await db.close();
}

/** Milliseconds per open (then a clean close) under STORE_CHECK=mode, and what the open did. */
async function opens(path: string, mode: 'always' | 'changed', times: number): Promise<{ ms: number; check: string }> {
  const saved = process.env.STORE_CHECK;
  process.env.STORE_CHECK = mode;
  const ms: number[] = [];
  let check = '';
  try {
    for (let i = 0; i < times; i++) {
      const start = now();
      const db = await openDatabase(`file:${path}`);
      ms.push(now() - start);
      check = db.check;
      await db.close();
    }
  } finally {
    if (saved === undefined) delete process.env.STORE_CHECK;
    else process.env.STORE_CHECK = saved;
  }
  return { ms: median(ms), check };
}

export async function benchStoreOpen(): Promise<void> {
  const given = process.env.BENCH_STORE;
  const dir = given ? null : mkdtempSync(join(tmpdir(), 'virtio-matrix-bench-open-'));
  const path = given ?? join(dir!, 'store.db');
  try {
    if (!given) await buildStore(path, 1);
    const mb = statSync(path).size / 1024 / 1024;
    const always = await opens(path, 'always', 3);
    const changed = await opens(path, 'changed', 3);
    console.log(`\nstore open, ${mb.toFixed(0)} MB store (median of 3 opens, each closed cleanly)`);
    console.log(`  STORE_CHECK=always   ${always.ms.toFixed(0).padStart(6)} ms  (${always.check})`);
    console.log(`  STORE_CHECK=changed  ${changed.ms.toFixed(0).padStart(6)} ms  (${changed.check})`);
    console.log(`  ratio                ${(always.ms / changed.ms).toFixed(1)}x`);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
