/**
 * The whole be-config-2021 run (evaluate + store) beside a raw better-sqlite3 insert of the same
 * number of rows in the same process, the same run through the CLI (wall, a process of its own),
 * what a run adds to the store per cell beside what the raw rows take, then the API's answers
 * over that run: diff and compareRuns first pages and totals, cells pages under 10 concurrent
 * clients (a load generator in a worker thread, and on the server's own event loop), and Apollo
 * beside a plain graphql-js HTTP server over the same schema and data.
 */
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, parse } from 'graphql';
import { createContext, type Services } from '../graphql/context';
import { makeExecutableSchema } from '../graphql/executable-schema';
import { createToken } from '../auth/commands';
import { startServer } from '../http/server';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');

/** Bytes the SQLite file's pages in use hold (free pages left out: what VACUUM would keep). */
function usedBytes(path: string): number {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
    return pages * (db.pragma('page_size', { simple: true }) as number);
  } finally {
    db.close();
  }
}

/** `virtio-matrix run --matrix be-config-2021` on a fresh store, wall clock from spawn to exit. */
function cliRun(dir: string): { ms: number; cells: number } {
  const start = now();
  const r = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'be-config-2021', '--db', join(dir, 'cli.db')], { encoding: 'utf8' });
  const ms = now() - start;
  if (r.status !== 0) throw new Error(`CLI run failed: ${r.stderr}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { cells: number };
  return { ms, cells: summary.cells };
}

function rawInsert(path: string, rows: number): number {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE "Result" ("runId" INTEGER NOT NULL, "position" INTEGER NOT NULL, "verdict" INTEGER NOT NULL, "negotiatedLo" INTEGER NOT NULL, "negotiatedHi" INTEGER NOT NULL, "clearedLo" INTEGER NOT NULL, "clearedHi" INTEGER NOT NULL, "effective" REAL NOT NULL, PRIMARY KEY ("runId", "position"))');
  const insert = db.prepare('INSERT INTO "Result" VALUES (?,?,?,?,?,?,?,?)');
  const start = now();
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(1, i * 2, i & 3, 0x30006e14, 1, 0, 0, 512);
  })();
  const ms = now() - start;
  db.close();
  return ms;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = now();
  const value = await fn();
  return [value, now() - start];
}

function plainGraphqlServer(services: Services): Promise<Server> {
  const schema = makeExecutableSchema();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const result = await execute({ schema, document: parse(body.query), variableValues: body.variables, contextValue: createContext(services) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * `workers`: run the load generator in that many worker threads, off the server's event loop (real
 * clients are not in the server's process); 0 runs it on the server's own event loop, where the
 * client's work adds to the latency it measures.
 */
async function load(url: string, body: string, connections: number, seconds: number, workers = 0) {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds, ...(workers ? { workers } : {}) });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load test saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50 };
}

export async function benchStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-bench-'));
  // Before the server starts: spawnSync blocks this process, and with it the server's sockets.
  const cli = cliRun(dir);
  // Also before the server: the insert blocks this event loop for seconds, long enough for the
  // server to drop the client's kept-alive socket just as the client reuses it (ECONNRESET).
  const rawMs = rawInsert(join(dir, 'raw.db'), cli.cells);
  const running = await startServer({ databaseUrl: `file:${join(dir, 'bench.db')}`, port: 0, logLevel: 'silent' });
  try {
    const { services, queue } = running;
    // Writes need a run token (reads, which the load test makes, stay open).
    const { token } = await createToken(services.tokens, { name: 'bench', scope: 'run' });
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const json = (await res.json()) as { data: Record<string, any>; errors?: unknown };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
      return json.data;
    };

    const [first, runMs] = await timed(async () => {
      const started = await gql('mutation { startRun(matrix: "be-config-2021") { id } }');
      await queue.idle();
      return started.startRun.id as string;
    });
    const run = (await services.store.getRun(first))!;
    const cells = run.ok + run.degraded + run.broken + run.probeFailed;
    if (cells !== cli.cells) throw new Error(`the server's run has ${cells} cells, the CLI's ${cli.cells}: not the same matrix`);
    console.log(`be-config-2021 run (evaluate + store) in the server: ${cells.toLocaleString()} cells in ${(runMs / 1000).toFixed(2)} s = ${Math.round(cells / runMs * 1000).toLocaleString()} cells/s`);
    console.log(`be-config-2021 run through the CLI on a fresh store, wall (process start to exit): ${(cli.ms / 1000).toFixed(2)} s for ${cli.cells.toLocaleString()} cells`);
    console.log(`raw better-sqlite3 insert of ${cells.toLocaleString()} rows, one transaction: ${(rawMs / 1000).toFixed(2)} s = ${Math.round(cells / rawMs * 1000).toLocaleString()} rows/s`);
    console.log(`  ratios to the raw insert: server run ${(runMs / rawMs).toFixed(2)}x, CLI wall ${(cli.ms / rawMs).toFixed(2)}x (goal CLI <= 1x: ${cli.ms <= rawMs ? 'met' : 'NOT met'})`);

    const before = usedBytes(join(dir, 'bench.db'));
    await gql('mutation { startRun(matrix: "be-config-2021") { id } }');
    await queue.idle();
    const second = String(Number(first) + 1);
    const grown = usedBytes(join(dir, 'bench.db')) - before;
    const rawBytes = usedBytes(join(dir, 'raw.db'));
    console.log(`store growth of one more run: ${grown.toLocaleString()} bytes = ${(grown / cells).toFixed(3)} bytes/cell (goal <= 8: ${grown / cells <= 8 ? 'met' : 'NOT met'}); the raw rows take ${rawBytes.toLocaleString()} bytes = ${(rawBytes / cells).toFixed(1)} bytes/cell (${(rawBytes / Math.max(1, grown)).toFixed(0)}x)`);

    const diffQuery = 'query($run: ID!, $after: String) { diff(run: $run, axis: STRATEGY, base: "pre-fix", head: "write-back", first: 100, after: $after) { totalCount regressions fixes pageInfo { endCursor } edges { node { transition base { verdict combination { arch kernel } } head { verdict } } } } }';
    const [d1, firstPageMs] = await timed(() => gql(diffQuery, { run: first }));
    const [, nextPageMs] = await timed(() => gql(diffQuery, { run: first, after: d1.diff.pageInfo.endCursor }));
    const kernelDiff = 'query($run: ID!) { diff(run: $run, axis: KERNEL, base: "5.14", head: "5.15", first: 100) { totalCount regressions fixes changes } }';
    const [k, kernelMs] = await timed(() => gql(kernelDiff, { run: first }));
    const cmpQuery = 'query($a: ID!, $b: ID!) { compareRuns(base: $a, head: $b, first: 100) { totalCount edges { node { transition } } } }';
    const [c, cmpMs] = await timed(() => gql(cmpQuery, { a: first, b: second }));
    console.log(`diff STRATEGY pre-fix→write-back over the full run: first page with totals ${firstPageMs.toFixed(1)} ms (${d1.diff.totalCount} pairs: ${d1.diff.fixes} fixes, ${d1.diff.regressions} regressions), next page ${nextPageMs.toFixed(1)} ms (goals: first page < 100 ms, totals < 1 s)`);
    console.log(`diff KERNEL 5.14→5.15: ${kernelMs.toFixed(1)} ms (${k.diff.totalCount} pairs); compareRuns run ${first} vs ${second}: ${cmpMs.toFixed(1)} ms (${c.compareRuns.totalCount} changed)`);

    const page100 = JSON.stringify({ query: 'query($run: ID!) { cells(run: $run, filter: { arch: ["s390x"] }, first: 100) { edges { node { id verdict effective combination { arch transport device mode kernel strategy config } } } } }', variables: { run: first } });
    // Both ways, the old in-process figure beside the one with the clients off the server's event loop.
    const inLoop = await load(`${running.url}/graphql`, page100, 10, 5);
    const offLoop = await load(`${running.url}/graphql`, page100, 10, 5, 1);
    const goal = (p99: number) => `goal p99 < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'}`;
    console.log(`cells page of 100, 10 concurrent clients, load generator in a worker thread: p50 ${offLoop.p50} ms, p99 ${offLoop.p99} ms (${goal(offLoop.p99)}), ${Math.round(offLoop.rps)} req/s`);
    console.log(`  the same with the load generator on the server's event loop (as measured before): p50 ${inLoop.p50} ms, p99 ${inLoop.p99} ms (${goal(inLoop.p99)}), ${Math.round(inLoop.rps)} req/s`);

    const page1000 = JSON.stringify({ query: 'query($run: ID!) { cells(run: $run, first: 1000) { edges { node { id verdict effective combination { arch transport device mode kernel strategy config } } } } }', variables: { run: first } });
    const plain = await plainGraphqlServer(services);
    const address = plain.address();
    const plainUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
    await load(plainUrl, page1000, 10, 2); // warm-up both
    await load(`${running.url}/graphql`, page1000, 10, 2);
    // Alternate the two servers in rounds so drift on a shared 2-core machine hits both alike.
    const rounds = { plain: [] as number[], apollo: [] as number[] };
    for (let round = 0; round < 4; round++) {
      rounds.plain.push((await load(plainUrl, page1000, 10, 3)).rps);
      rounds.apollo.push((await load(`${running.url}/graphql`, page1000, 10, 3)).rps);
    }
    plain.close();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(rounds.apollo) / mean(rounds.plain);
    console.log(`cells page of 1000, 10 clients, 4 alternating rounds of 3 s: Apollo ${mean(rounds.apollo).toFixed(1)} req/s vs plain graphql-js ${mean(rounds.plain).toFixed(1)} req/s = ${(ratio * 100).toFixed(0)}% (goal >= 90%: ${ratio >= 0.9 ? 'met' : 'NOT met'})`);
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
