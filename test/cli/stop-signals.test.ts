/**
 * `serve` as a real process stops on SIGTERM and SIGINT: exit 0, the run in flight left to resume,
 * the store closed (SQLite folds its WAL back and removes it only when the last connection closes).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database';
import { storesOf } from '../../src/composition';
import { serveProcess, type ServeProcess } from '../support/serve-process';

let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-signals-'));
});

afterEach(() => {
  // Started in a process group of its own; whatever is left of it goes.
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** `serve` on a fresh store, as in production (Apollo would install signal handlers of its own there). */
async function serve(dbFile: string): Promise<ServeProcess> {
  const server = await serveProcess(dbFile);
  child = server.proc;
  return server;
}

async function gql<T>(server: { url: string; token: string }, query: string): Promise<T> {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: JSON.stringify({ query }) });
  return ((await res.json()) as { data: T }).data;
}

test('When serve gets SIGTERM during a run, then it exits 0 with the store closed, and the run is left to resume from its committed shards', async () => {
  const dbFile = join(dir, 'store.db');
  const server = await serve(dbFile);
  const { startRun } = await gql<{ startRun: { id: string } }>(server, 'mutation { startRun(matrix: "be-config-2021") { id } }');
  for (let i = 0; i < 400; i++) {
    const { run } = await gql<{ run: { cellsDone: number } }>(server, `{ run(id: "${startRun.id}") { cellsDone } }`);
    if (run.cellsDone > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(child!.pid!, 'SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.log()).toContain('"msg":"stopped"');
  expect(existsSync(`${dbFile}-wal`)).toBe(false);

  const db = await openDatabase(`file:${dbFile}`);
  try {
    const store = storesOf(db).runs;
    const run = (await store.getRun(startRun.id))!;
    const done = (await store.shards(run.id)).filter((s) => s.done);
    expect(run.status).toBe('running');
    expect(done.length).toBeGreaterThan(0);
    expect(run.cellsDone).toBe(done.reduce((n, s) => n + s.to - s.from, 0));
  } finally {
    await db.close();
  }
}, 90_000);

test('When serve gets SIGINT while idle, then it exits 0 with the store closed', async () => {
  const dbFile = join(dir, 'store.db');
  const server = await serve(dbFile);
  process.kill(child!.pid!, 'SIGINT');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(existsSync(`${dbFile}-wal`)).toBe(false);
}, 60_000);
